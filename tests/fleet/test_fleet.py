"""A local pcnv fleet under load (issue 13): deploy/fleet/run-local.sh starts three pcnv-server
replicas behind HAProxy, all loading one reference store published over HTTP on loopback; the
load generator (bench/load/loadgen.cc) drives it through the proxy.

- every call through the proxy succeeds, and every replica answers some (their metrics say so);
- the same report through the proxy as from one replica, from the pcnv CLI and from the Python
  client (grpcio: a third-party gRPC implementation);
- a rolling restart (SIGTERM one replica at a time, its replacement started on the same port)
  under a steady open-loop load: zero failed calls;
- a reference roll-out (a new store published over HTTP, replicas reloaded one by one with
  SIGHUP) under the same load: zero failed calls, and every replica then reports the new store's
  SHA-256 (GetReferenceInfo and its metrics);
- client-side balancing with deploy/lb/grpc-service-config.json (round_robin, no proxy);
- nginx in front instead of HAProxy (deploy/lb/nginx.conf): calls succeed and reach every replica.

Run by ctest (tests/CMakeLists.txt sets PCNV_SOURCE_DIR, PCNV_BUILD_DIR, PCNV_PY_GEN).
"""

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

SOURCE = os.environ.get("PCNV_SOURCE_DIR", "")
BUILD = os.environ.get("PCNV_BUILD_DIR", "")
sys.path.insert(0, os.path.join(SOURCE, "clients", "python"))

from pcnv_client import Client, read_nhs_inputs  # noqa: E402

SAMPLE = os.path.join(BUILD, "sample")
CLI = os.path.join(BUILD, "clients", "cli", "pcnv")
LOADGEN = os.path.join(BUILD, "bench", "pcnv-bench-load")
RUN_LOCAL = os.path.join(SOURCE, "deploy", "fleet", "run-local.sh")
HTTP_SERVER = os.path.join(SOURCE, "tests", "support", "http_file_server.py")
SERVICE_CONFIG = os.path.join(SOURCE, "deploy", "lb", "grpc-service-config.json")
# Replicas drain for 2 s on SIGTERM (the proxy marks them DOWN within about 1.5 s).
SERVER_FLAGS = ["--drain-seconds", "2", "--grace-seconds", "10"]
RATE = 300  # calls/s offered during the restart and the roll-out


def sample(name):
    return os.path.join(SAMPLE, name)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def build_store(path, vintage):
    subprocess.run([
        CLI, "reference", "build",
        "--areas", sample("areas.geojson") + ":code",
        "--footprint", "icb=" + sample("icb.geojson") + ":code",
        "--footprint", "sub-icb=" + sample("subicb.geojson") + ":code",
        "--footprint", "community=" + sample("community.geojson") + ":code",
        "--postcodes", sample("postcodes.csv"),
        "--vintage", "areas=" + vintage,
        "--out", path], check=True, capture_output=True)


def publish(source, www, name):
    """A new file renamed over the old one (docs/DEPLOY.md): readers see one or the other."""
    staged = os.path.join(www, "." + name + ".new")
    shutil.copyfile(source, staged)
    os.replace(staged, os.path.join(www, name))


def make_workload(folder):
    """The load generator's input (bench/README.md): the sample's three NHS CSVs and
    practices.csv (practice, postcode, easting, northing from the sample's postcode directory)."""
    os.makedirs(folder, exist_ok=True)
    for name in ("gp-reg-pat-prac-map.csv", "gp-reg-pat-prac-all.csv",
                 "gp-reg-pat-prac-lsoa-all.csv"):
        shutil.copyfile(sample(name), os.path.join(folder, name))
    with open(sample("postcodes.csv"), newline="") as f:
        where = {r["pcds"]: (r["oseast1m"], r["osnrth1m"]) for r in csv.DictReader(f)}
    with open(sample("gp-reg-pat-prac-map.csv"), newline="") as f, \
            open(os.path.join(folder, "practices.csv"), "w") as out:
        out.write("practice_code,postcode,easting,northing\n")
        for row in csv.DictReader(f):
            xy = where.get(row["PRACTICE_POSTCODE"])
            if xy:
                out.write(f"{row['PRACTICE_CODE']},{row['PRACTICE_POSTCODE']},{xy[0]},{xy[1]}\n")


def http_get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read().decode()


def ready(port):
    try:
        return http_get(port, "/ready")[0] == 200
    except OSError:
        return False


def ok_validates(metrics_port):
    """pcnv_calls_total{method="Validate",code="OK"} of one replica."""
    _, text = http_get(metrics_port, "/metrics")
    # Labels in any order (prometheus-cpp writes them in name order).
    m = re.search(r'^pcnv_calls_total\{(?=[^}]*method="Validate")(?=[^}]*code="OK")[^}]*\} (\d+)$',
                  text, re.M)
    return int(m.group(1)) if m else 0


def load_line(output):
    """The load generator's machine-readable `load N=...` line as a dict."""
    for line in output.splitlines():
        if line.startswith("load N="):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return {}


class Fleet:
    """deploy/fleet/run-local.sh as a child process."""

    def __init__(self, tmp, replicas, reference, lb="haproxy"):
        self.state = os.path.join(tmp, f"state-{lb}")
        self.replicas = replicas
        self.stderr = open(os.path.join(tmp, f"run-local-{lb}.stderr"), "w+")
        self.proc = subprocess.Popen(
            ["bash", RUN_LOCAL, "--replicas", str(replicas), "--reference", reference,
             "--lb", lb, "--build", BUILD, "--state", self.state, "--", *SERVER_FLAGS],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, start_new_session=True)
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise RuntimeError(f"run-local.sh printed {line!r}, not a port:\n{self.log()}")
        self.port = int(line)
        self.target = f"127.0.0.1:{self.port}"
        with open(os.path.join(self.state, "fleet.env")) as f:
            env = dict(line.strip().split("=", 1) for line in f if "=" in line)
        self.stats_port = int(env["STATS_PORT"]) if env.get("STATS_PORT") else None

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def pid(self, i):
        with open(os.path.join(self.state, f"replica-{i}.pid")) as f:
            return int(f.read())

    def ports(self, i):
        with open(os.path.join(self.state, f"replica-{i}.ports")) as f:
            grpc_port, metrics_port = f.read().split()
        return int(grpc_port), int(metrics_port)

    def replica_target(self, i):
        return f"127.0.0.1:{self.ports(i)[0]}"

    def proxy_sees_up(self, i):
        """HAProxy's own view of replica i (its stats CSV): UP, so it gets calls again."""
        _, csv_text = http_get(self.stats_port, "/stats;csv")
        for row in csv.reader(csv_text.splitlines()):
            if len(row) > 17 and row[0] == "pcnv" and row[1] == f"r{i}":
                return row[17] == "UP"
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


def wait_for(what, check, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pcnv-fleet-test-")
        tmp = cls.tmp.name
        cls.store_a = os.path.join(tmp, "ref-2021.gpkg")
        cls.store_b = os.path.join(tmp, "ref-2024.gpkg")
        build_store(cls.store_a, "2021-03")
        build_store(cls.store_b, "2024-05")
        cls.workload = os.path.join(tmp, "workload")
        make_workload(cls.workload)
        cls.www = os.path.join(tmp, "www")
        os.makedirs(cls.www)
        publish(cls.store_a, cls.www, "ref.gpkg")
        cls.web_log = open(os.path.join(tmp, "http.log"), "w")
        cls.web = subprocess.Popen([sys.executable, HTTP_SERVER, cls.www], stdout=subprocess.PIPE,
                                   stderr=cls.web_log, text=True)
        cls.url = f"/vsicurl/http://127.0.0.1:{int(cls.web.stdout.readline())}/ref.gpkg"
        cls.fleet = Fleet(tmp, 3, cls.url)

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()
        cls.web.terminate()
        cls.web.communicate()
        cls.web_log.close()
        if os.environ.get("PCNV_KEEP_TEMP") != "1":
            cls.tmp.cleanup()

    def loadgen(self, target, *flags, background=False):
        argv = [LOADGEN, "--target", target, "--workload", self.workload, "--warmup-seconds",
                "0", *flags]
        if background:
            return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def assert_load_ok(self, result_code, out, err):
        line = load_line(out)
        self.assertEqual(result_code, 0, f"load generator failed:\n{out}\n{err}\n"
                                         f"{self.fleet.log()}")
        self.assertEqual(line.get("errors"), "0", out)
        return line

    def test_1_every_call_succeeds_and_reaches_every_replica(self):
        metrics = [self.fleet.ports(i)[1] for i in range(1, 4)]
        before = [ok_validates(m) for m in metrics]
        run = self.loadgen(self.fleet.target, "--clients", "4", "--max-calls", "600",
                           "--seconds", "60")
        line = self.assert_load_ok(run.returncode, run.stdout, run.stderr)
        calls = int(line["calls"])
        self.assertEqual(calls, 600)
        seen = [ok_validates(m) - b for m, b in zip(metrics, before)]
        print(f"600 calls through HAProxy: {seen} per replica", file=sys.stderr)
        self.assertEqual(sum(seen), calls, "every call answered OK by exactly one replica")
        for i, n in enumerate(seen, start=1):
            self.assertGreater(n, 0, f"replica {i} answered no call")

    def test_2_same_report_through_the_proxy_as_from_one_server(self):
        inputs = ["--practices", sample("gp-reg-pat-prac-map.csv"),
                  "--list-sizes", sample("gp-reg-pat-prac-all.csv"),
                  "--distribution", sample("gp-reg-pat-prac-lsoa-all.csv"),
                  "--declared", sample("declared.geojson") + ":pcn_code",
                  "--practice-register", sample("epraccur.csv")]
        reports = {}
        for name, target in (("proxy", self.fleet.target),
                             ("replica", self.fleet.replica_target(2))):
            out = os.path.join(self.tmp.name, f"report-{name}.json")
            run = subprocess.run([CLI, "validate", "--server", target, *inputs, "--out", out],
                                 capture_output=True, text=True)
            self.assertEqual(run.returncode, 1, run.stderr)  # the sample plants ERROR findings
            with open(out) as f:
                reports[name] = json.load(f)
        self.assertEqual(reports["proxy"], reports["replica"])
        self.assertGreater(len(reports["proxy"]["findings"]), 0)

        # The Python client (grpcio, not gRPC C++) through the proxy and straight to a replica.
        request = read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"),
                                  sample("gp-reg-pat-prac-all.csv"),
                                  sample("gp-reg-pat-prac-lsoa-all.csv"))
        with Client(self.fleet.target) as via_proxy, \
                Client(self.fleet.replica_target(3)) as direct:
            a = via_proxy.validate(request)
            b = direct.validate(request)
        self.assertEqual(a, b)
        self.assertGreater(len(a.pcns), 0)

    def test_3_rolling_restart_under_load_fails_no_call(self):
        load = self.loadgen(self.fleet.target, "--clients", "8", "--rate", str(RATE),
                            "--seconds", "20", background=True)
        time.sleep(1)
        started = time.time()
        for i in range(1, 4):
            old = self.fleet.pid(i)
            os.kill(old, signal.SIGTERM)
            grpc_port, metrics_port = self.fleet.ports(i)
            wait_for(f"replica {i} to be replaced", lambda: self.fleet.pid(i) != old)
            wait_for(f"replica {i} to be SERVING again", lambda: ready(metrics_port))
            wait_for(f"HAProxy to see replica {i} UP", lambda: self.fleet.proxy_sees_up(i))
        restart_seconds = time.time() - started
        self.assertIsNone(load.poll(), "the restart must happen while the load runs")
        out, err = load.communicate(timeout=90)
        line = self.assert_load_ok(load.returncode, out, err)
        print(f"rolling restart of 3 replicas in {restart_seconds:.1f} s under {RATE} calls/s: "
              f"{line['calls']} calls, 0 failed, p99 {line['p99_ms']} ms, max {line['max_ms']} ms",
              file=sys.stderr)
        self.assertEqual(line.get("sustained"), "yes", out)

    def test_4_reference_rollout_under_load_fails_no_call(self):
        for i in range(1, 4):
            with Client(self.fleet.replica_target(i)) as client:
                self.assertEqual(client.reference_info().sha256, sha256(self.store_a))
        load = self.loadgen(self.fleet.target, "--clients", "8", "--rate", str(RATE),
                            "--seconds", "12", background=True)
        time.sleep(1)
        publish(self.store_b, self.www, "ref.gpkg")
        new = sha256(self.store_b)
        for i in range(1, 4):
            os.kill(self.fleet.pid(i), signal.SIGHUP)
            with Client(self.fleet.replica_target(i)) as client:
                wait_for(f"replica {i} to serve the new store",
                         lambda: client.reference_info().sha256 == new, timeout=30)
            time.sleep(0.5)
        self.assertIsNone(load.poll(), "the roll-out must happen while the load runs")
        out, err = load.communicate(timeout=90)
        line = self.assert_load_ok(load.returncode, out, err)
        print(f"reference roll-out to 3 replicas under {RATE} calls/s: {line['calls']} calls, "
              f"0 failed, p99 {line['p99_ms']} ms", file=sys.stderr)
        for i in range(1, 4):
            with Client(self.fleet.replica_target(i)) as client:
                info = client.reference_info()
            self.assertEqual(info.sha256, new, f"replica {i}")
            self.assertEqual(info.path, self.url)
            self.assertEqual(info.generation, 2, f"replica {i}: one reload, no failed one")
            _, text = http_get(self.fleet.ports(i)[1], "/metrics")
            self.assertIn(f'pcnv_reference_snapshot_info{{sha256="{new}"}} 1', text)

    def test_5_client_side_round_robin_with_the_service_config(self):
        metrics = [self.fleet.ports(i)[1] for i in range(1, 4)]
        before = [ok_validates(m) for m in metrics]
        target = "ipv4:" + ",".join(self.fleet.replica_target(i) for i in range(1, 4))
        # Paced over 3 s: round_robin picks among the connections that are ready, and on a
        # busy machine one replica's may be ready later than 300 back-to-back calls take.
        run = self.loadgen(target, "--service-config", SERVICE_CONFIG, "--clients", "2",
                           "--rate", "100", "--max-calls", "300", "--seconds", "60")
        self.assert_load_ok(run.returncode, run.stdout, run.stderr)
        seen = [ok_validates(m) - b for m, b in zip(metrics, before)]
        self.assertEqual(sum(seen), 300)
        for i, n in enumerate(seen, start=1):
            self.assertGreater(n, 0, f"replica {i} answered no call: {seen}")
        # The Python client with the same service config: its calls too are spread.
        before = [ok_validates(m) for m in metrics]
        with open(SERVICE_CONFIG) as f:
            config = f.read()
        request = read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"),
                                  sample("gp-reg-pat-prac-all.csv"),
                                  sample("gp-reg-pat-prac-lsoa-all.csv"))
        with Client(target, service_config=config) as client:
            for _ in range(30):
                client.validate(request)
                time.sleep(0.05)  # paced, as above
        seen = [ok_validates(m) - b for m, b in zip(metrics, before)]
        self.assertEqual(sum(seen), 30)
        self.assertTrue(all(n > 0 for n in seen), f"round_robin over 3 replicas: {seen}")

    def test_6_nginx_in_front_works_too(self):
        fleet = Fleet(self.tmp.name, 2, self.store_a, lb="nginx")
        try:
            metrics = [fleet.ports(i)[1] for i in range(1, 3)]
            run = self.loadgen(fleet.target, "--clients", "4", "--max-calls", "300",
                               "--seconds", "60")
            self.assert_load_ok(run.returncode, run.stdout, run.stderr)
            seen = [ok_validates(m) for m in metrics]
            self.assertEqual(sum(seen), 300, fleet.log())
            self.assertTrue(all(n > 0 for n in seen), seen)
        finally:
            fleet.stop()


if __name__ == "__main__":
    unittest.main()
