"""The deployment files of deploy/ checked without a cluster or a container engine (issue 13).

- Kubernetes (deploy/k8s): every object of the base and of the example overlay validates against
  the Kubernetes OpenAPI schema (tests/deploy/k8s-schema: the kubernetes-models npm package, pinned
  by its package-lock.json); the overlay is rendered by kustomize (`kubectl kustomize`) when kubectl
  is installed, else its files are checked one by one. Then what the schema cannot know: the probes
  ask the health service name pcnv-server registers (server/main.cc) on the port it listens on, the
  ports agree with the ConfigMap's PCNV_PORT / PCNV_METRICS_PORT, every PCNV_ variable is a flag of
  pcnv-server (its --help), the Secret and ConfigMap the Deployment names exist, the termination
  grace period covers drain + grace, and the pod runs non-root on a read-only root file system.
  A real pcnv-server started with the ConfigMap's settings answers SERVING for the probes' service.
- The Containerfile builds with the README's scripts (deploy/install-deps.sh, a CMake preset of
  CMakePresets.json), and its runtime-package step finds a Debian package for every library the
  built binaries load.
- The systemd unit passes `systemd-analyze verify` and has the hardening the docs promise.
- The HAProxy and nginx configurations pass `haproxy -c` and `nginx -t`.
- The alert rules parse as YAML (and pass `promtool check rules` and the unit tests of
  deploy/monitoring/alerts_test.yml), the gRPC service config parses.

Environment (tests/CMakeLists.txt): PCNV_SOURCE_DIR, PCNV_BUILD_DIR, PCNV_SERVER, PCNV_K8S_SCHEMA
(a folder with tests/deploy/k8s-schema's node_modules installed).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import grpc
import yaml

SOURCE = os.environ.get("PCNV_SOURCE_DIR", "")
BUILD = os.environ.get("PCNV_BUILD_DIR", "")
SERVER = os.environ.get("PCNV_SERVER", "")
SCHEMA = os.environ.get("PCNV_K8S_SCHEMA", "")
K8S = os.path.join(SOURCE, "deploy", "k8s")


def read(*parts):
    with open(os.path.join(SOURCE, *parts)) as f:
        return f.read()


def env_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                values[key] = value
    return values


def health_service_name():
    """The service name pcnv-server reports health for (server/main.cc kServiceName)."""
    m = re.search(r'constexpr char kServiceName\[\] = "([^"]+)";', read("server", "main.cc"))
    return m.group(1)


def server_env_names():
    """PCNV_ variables pcnv-server reads: the (Env:...) of every flag in its --help."""
    out = subprocess.run([SERVER, "--help"], capture_output=True, text=True).stdout
    return set(re.findall(r"\(Env:(PCNV_[A-Z_]+)\)", out))


def validate(*paths, stdin=None):
    """tests/deploy/k8s-schema/validate.js: the objects, or an assertion naming each problem."""
    run = subprocess.run(["node", os.path.join(SCHEMA, "validate.js"), *paths], input=stdin,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"schema validation failed:\n{run.stderr}")
    return [entry["object"] for entry in json.loads(run.stdout)]


def kustomize(folder):
    """The rendered objects as YAML text, or None when kubectl (with kustomize) is absent."""
    if shutil.which("kubectl") is None:
        return None
    run = subprocess.run(["kubectl", "kustomize", folder], capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"kubectl kustomize {folder}: {run.stderr}")
    return run.stdout


def health_check(target, service):
    """grpc.health.v1.Health/Check over grpcio's generic call: 1 SERVING, 2 NOT_SERVING."""
    request = bytes([0x0A, len(service)]) + service.encode()  # field 1 (service), length-delimited
    with grpc.insecure_channel(target) as channel:
        reply = channel.unary_unary("/grpc.health.v1.Health/Check")(request, timeout=10)
    return reply[1] if len(reply) == 2 and reply[0] == 0x08 else 0  # field 1 (status), varint


class KubernetesManifestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.settings = env_file(os.path.join(K8S, "base", "settings.env"))
        rendered = kustomize(os.path.join(K8S, "overlays", "example"))
        if rendered is not None:
            cls.objects = validate("-", stdin=rendered)
            cls.rendered = True
        else:
            # No kustomize here: every file of the base and the overlay on its own.
            base = yaml.safe_load(read("deploy", "k8s", "base", "kustomization.yaml"))
            overlay = yaml.safe_load(read("deploy", "k8s", "overlays", "example",
                                          "kustomization.yaml"))
            files = [os.path.join(K8S, "base", f) for f in base["resources"]]
            files += [os.path.join(K8S, "overlays", "example", f) for f in overlay["resources"]
                      if not f.startswith("..")]
            cls.objects = validate(*files)
            cls.rendered = False
            print("kubectl not installed: the overlay's files were validated one by one, "
                  "not rendered by kustomize")

    def of_kind(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def deployment(self):
        (d,) = self.of_kind("Deployment")
        return d

    def container(self):
        (c,) = self.deployment()["spec"]["template"]["spec"]["containers"]
        return c

    def test_base_renders_and_validates_too(self):
        rendered = kustomize(os.path.join(K8S, "base"))
        if rendered is None:
            self.skipTest("kubectl (kustomize) not installed")
        kinds = sorted(o["kind"] for o in validate("-", stdin=rendered))
        self.assertEqual(kinds, ["ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                                 "PodDisruptionBudget", "Service", "Service"])

    def test_the_objects_a_fleet_needs_are_there(self):
        kinds = {o["kind"] for o in self.objects}
        for kind in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"):
            self.assertIn(kind, kinds)
        services = {o["metadata"]["name"]: o for o in self.of_kind("Service")}
        self.assertEqual(services["pcnv-server-headless"]["spec"]["clusterIP"], "None")
        self.assertNotIn("clusterIP", services["pcnv-server"]["spec"])
        pod_labels = self.deployment()["spec"]["template"]["metadata"]["labels"]
        for svc in services.values():
            for key, value in svc["spec"]["selector"].items():
                self.assertEqual(pod_labels.get(key), value, svc["metadata"]["name"])
        (pdb,) = self.of_kind("PodDisruptionBudget")
        (hpa,) = self.of_kind("HorizontalPodAutoscaler")
        for key, value in pdb["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(pod_labels.get(key), value)
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"],
                         self.deployment()["metadata"]["name"])

    def test_probes_ask_the_health_service_the_server_registers_on_its_port(self):
        c = self.container()
        port = int(self.settings["PCNV_PORT"])
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        self.assertEqual(ports["grpc"], port)
        self.assertEqual(ports["metrics"], int(self.settings["PCNV_METRICS_PORT"]))
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            self.assertEqual(c[probe]["grpc"]["port"], port, probe)
        for probe in ("startupProbe", "readinessProbe"):
            self.assertEqual(c[probe]["grpc"]["service"], health_service_name(), probe)
        annotations = self.deployment()["spec"]["template"]["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/port"], self.settings["PCNV_METRICS_PORT"])
        for svc in self.of_kind("Service"):
            for p in svc["spec"]["ports"]:
                self.assertIn(p["targetPort"], ports, svc["metadata"]["name"])
                self.assertEqual(p["port"], ports[p["targetPort"]])

    def test_settings_are_flags_of_the_server(self):
        known = server_env_names()
        for name in self.settings:
            if name.startswith("PCNV_"):
                self.assertIn(name, known, f"{name} is not an environment variable of "
                                           "pcnv-server (see pcnv-server --help)")
        if self.rendered:
            (cm,) = [o for o in self.of_kind("ConfigMap")
                     if o["metadata"]["name"].startswith("pcnv-server-settings")]
            for name in cm["data"]:
                self.assertTrue(name in known or name.startswith("GDAL_"), name)

    def test_secret_and_configmap_names_agree(self):
        spec = self.deployment()["spec"]["template"]["spec"]
        c = self.container()
        refs = [e["configMapRef"]["name"] for e in c["envFrom"]]
        self.assertEqual(len(refs), 1)
        ref = refs[0]
        volumes = {v["name"]: v for v in spec["volumes"]}
        mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
        tokens_file = self.settings["PCNV_TOKENS_FILE"]
        self.assertTrue(tokens_file.startswith(mounts["secrets"] + "/"), tokens_file)
        self.assertTrue(volumes["tls"]["secret"]["optional"])
        if not self.rendered:
            self.assertEqual(ref, "pcnv-server-settings")
            self.assertEqual(volumes["secrets"]["secret"]["secretName"], "pcnv-server-secrets")
            return
        names = {(o["kind"], o["metadata"]["name"]) for o in self.objects}
        self.assertIn(("ConfigMap", ref), names)
        self.assertIn(("Secret", volumes["secrets"]["secret"]["secretName"]), names)
        (secret,) = self.of_kind("Secret")
        self.assertIn(os.path.basename(tokens_file), secret["data"])
        (cm,) = self.of_kind("ConfigMap")
        self.assertTrue(cm["data"]["PCNV_REFERENCE"].startswith("/vsicurl/https://"))

    def test_termination_grace_covers_drain_and_grace(self):
        spec = self.deployment()["spec"]["template"]["spec"]
        drain = int(self.settings["PCNV_DRAIN_SECONDS"])
        grace = int(self.settings["PCNV_GRACE_SECONDS"])
        self.assertGreater(spec["terminationGracePeriodSeconds"], drain + grace)
        # The readiness probe must notice NOT_SERVING well within the drain period.
        probe = self.container()["readinessProbe"]
        self.assertLessEqual(probe["periodSeconds"] * probe["failureThreshold"], drain - 2)
        strategy = self.deployment()["spec"]["strategy"]["rollingUpdate"]
        self.assertEqual(strategy["maxUnavailable"], 0)

    def test_pod_runs_non_root_read_only_without_privileges(self):
        spec = self.deployment()["spec"]["template"]["spec"]
        sc = self.container()["securityContext"]
        self.assertTrue(spec["securityContext"]["runAsNonRoot"])
        self.assertTrue(sc["readOnlyRootFilesystem"])
        self.assertFalse(sc["allowPrivilegeEscalation"])
        self.assertEqual(sc["capabilities"]["drop"], ["ALL"])
        # The image's user is the pod's (deploy/container/Containerfile USER).
        user = re.search(r"^USER (\d+)", read("deploy", "container", "Containerfile"), re.M)
        self.assertEqual(int(user.group(1)), spec["securityContext"]["runAsUser"])
        # A fetched store is copied to /tmp: writable although the root is not.
        self.assertIn("/tmp", {m["mountPath"] for m in self.container()["volumeMounts"]})
        limits = self.container()["resources"]["limits"]
        self.assertIn("memory", limits)

    def test_a_server_with_these_settings_is_serving_for_the_probes(self):
        """pcnv-server started with the ConfigMap's variables (ports and store made local)."""
        with tempfile.TemporaryDirectory() as tmp:
            store = os.path.join(tmp, "ref.gpkg")
            sample = os.path.join(BUILD, "sample")
            subprocess.run([os.path.join(BUILD, "clients", "cli", "pcnv"), "reference", "build",
                            "--areas", os.path.join(sample, "areas.geojson") + ":code",
                            "--out", store], check=True, capture_output=True)
            tokens = os.path.join(tmp, "tokens")
            with open(tokens, "w") as f:
                f.write("read probe probe-token-0123456789abcdef\n")
            env = dict(os.environ, **self.settings)
            env.update(PCNV_REFERENCE=store, PCNV_HOST="127.0.0.1", PCNV_PORT="0",
                       PCNV_METRICS_HOST="127.0.0.1", PCNV_METRICS_PORT="0",
                       PCNV_TOKENS_FILE=tokens, PCNV_DRAIN_SECONDS="0")
            proc = subprocess.Popen([SERVER], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            try:
                proc.stdout.readline()  # the metrics line comes first
                port = re.search(r"listening on 127\.0\.0\.1:(\d+)", proc.stdout.readline())
                self.assertIsNotNone(port, proc.stderr.read() if proc.poll() else "")
                target = f"127.0.0.1:{port.group(1)}"
                status = 0
                for _ in range(200):
                    status = health_check(target, health_service_name())
                    if status == 1:
                        break
                    time.sleep(0.05)
                self.assertEqual(status, 1)
                self.assertEqual(health_check(target, ""), 1)  # the liveness probe's service
            finally:
                proc.terminate()
                proc.communicate(timeout=30)


class ContainerfileTest(unittest.TestCase):
    def setUp(self):
        self.text = read("deploy", "container", "Containerfile")
        # Instructions with their continuation lines joined.
        self.runs = [re.sub(r"\\\n\s*", " ", m) for m in
                     re.findall(r"^RUN ((?:.*\\\n)*.*)$", self.text, re.M)]

    def test_build_stage_runs_the_readme_scripts_and_preset(self):
        readme = read("README.md")
        presets = [p["name"] for p in json.loads(read("CMakePresets.json"))["configurePresets"]]
        build_steps = " ".join(self.runs)
        self.assertIn("bash deploy/install-deps.sh", build_steps)
        self.assertIn("deploy/install-deps.sh", read("deploy", "build.sh"))  # what README runs
        preset = re.search(r"cmake --preset (\S+)", build_steps).group(1)
        self.assertIn(preset, presets)
        self.assertIn(f"cmake --build --preset {preset}", build_steps)
        self.assertRegex(readme, r"cmake --preset [a-z|]*\b" + preset)
        # The binaries it copies are where that preset's build puts them.
        for path in re.findall(r"build/" + preset + r"/(\S+)", build_steps):
            self.assertTrue(os.path.exists(os.path.join(SOURCE, "build", "default", path)),
                            f"{path} is not a path the build makes")

    def test_runtime_stage_is_non_root_and_carries_no_store(self):
        runtime = self.text[self.text.index("AS runtime"):]
        self.assertRegex(runtime, r"\nUSER \d+")
        self.assertNotRegex(runtime, r"COPY [^\n]*\.gpkg")
        self.assertIn('ENTRYPOINT ["/usr/local/bin/pcnv-server"]', runtime)
        self.assertIn("build/", read(".containerignore"))

    def test_runtime_package_step_finds_a_package_for_every_library(self):
        """The build stage's ldd | dpkg -S pipeline, run here on the binaries this build made."""
        (step,) = [r for r in self.runs if "dpkg -S" in r]
        pipeline = step[step.index("ldd"):step.index("> /out/runtime-packages.txt")]
        binaries = [os.path.join(BUILD, "server", "pcnv-server"),
                    os.path.join(BUILD, "clients", "cli", "pcnv")]
        pipeline = pipeline.replace("/out/pcnv-server /out/pcnv", " ".join(binaries))
        run = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], capture_output=True,
                             text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        packages = run.stdout.split()
        for needed in ("libgdal32", "libgeos-c1v5", "libgrpc++1.51", "libprotobuf32"):
            self.assertIn(needed, packages)
        libraries = subprocess.run(["ldd", *binaries], capture_output=True, text=True).stdout
        self.assertGreaterEqual(len(packages), 10, libraries)


class SystemdUnitTest(unittest.TestCase):
    def test_unit_verifies_and_is_hardened(self):
        unit = read("deploy", "systemd", "pcnv-server.service")
        for line in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                     "ExecReload=/bin/kill -HUP $MAINPID", "PrivateTmp=yes"):
            self.assertIn(line + "\n", unit)
        self.assertRegex(unit, r"\nReadOnlyPaths=/srv/pcnv\n")
        env = env_file(os.path.join(SOURCE, "deploy", "systemd", "pcnv-server.env"))
        stop = int(re.search(r"TimeoutStopSec=(\d+)", unit).group(1))
        self.assertGreater(stop, int(env["PCNV_DRAIN_SECONDS"]) + int(env["PCNV_GRACE_SECONDS"]))
        for name in env:
            self.assertIn(name, server_env_names())
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze not installed")
        with tempfile.TemporaryDirectory() as tmp:
            local = os.path.join(tmp, "pcnv-server.service")
            with open(local, "w") as f:
                f.write(unit.replace("/usr/local/bin/pcnv-server", SERVER)
                        .replace("/etc/pcnv/pcnv-server.env",
                                 os.path.join(SOURCE, "deploy", "systemd", "pcnv-server.env")))
            run = subprocess.run(["systemd-analyze", "verify", local], capture_output=True,
                                 text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stderr.strip(), "")


class ProxyConfigTest(unittest.TestCase):
    def test_haproxy_config_is_valid(self):
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(haproxy):
            self.skipTest("haproxy not installed (deploy/install-deps.sh installs it)")
        run = subprocess.run([haproxy, "-c", "-f", os.path.join(SOURCE, "deploy", "lb",
                                                                 "haproxy.cfg")],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        cfg = read("deploy", "lb", "haproxy.cfg")
        self.assertRegex(cfg, r'bind "\$\{PCNV_LB_BIND\}" proto h2')
        self.assertIn("default-server proto h2", cfg)
        self.assertIn("http-check send meth GET uri /ready", cfg)

    def test_nginx_config_is_valid(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            self.skipTest("nginx not installed (deploy/install-deps.sh installs it)")
        with tempfile.TemporaryDirectory() as tmp:
            conf = read("deploy", "lb", "nginx.conf")
            # Upstream host names resolve only where the replicas run; loopback here.
            conf = re.sub(r"server pcnv-server-\d+:50051", "server 127.0.0.1:50051", conf)
            with open(os.path.join(tmp, "nginx.conf"), "w") as f:
                f.write(conf)
            run = subprocess.run([nginx, "-t", "-p", tmp, "-c", os.path.join(tmp, "nginx.conf"),
                                  "-e", "stderr"], capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("grpc_pass grpc://pcnv;", conf)
        self.assertRegex(conf, r"listen 50051 http2;")

    def test_grpc_service_config(self):
        config = json.loads(read("deploy", "lb", "grpc-service-config.json"))
        self.assertEqual(config["loadBalancingConfig"], [{"round_robin": {}}])
        self.assertEqual(config["healthCheckConfig"]["serviceName"], health_service_name())
        (method,) = config["methodConfig"]
        self.assertEqual(method["name"], [{"service": health_service_name()}])
        # A replica going away (UNAVAILABLE) and a busy one shedding calls (RESOURCE_EXHAUSTED,
        # SERVER_BUSY: "retry with backoff") are retried; nothing else is.
        self.assertEqual(method["retryPolicy"]["retryableStatusCodes"],
                         ["UNAVAILABLE", "RESOURCE_EXHAUSTED"])
        # grpcio accepts it (it refuses a malformed service config when the channel is made).
        with grpc.insecure_channel("127.0.0.1:1",
                                   options=[("grpc.service_config", json.dumps(config))]):
            pass


class AlertRulesTest(unittest.TestCase):
    def test_alert_rules_parse(self):
        path = os.path.join(SOURCE, "deploy", "monitoring", "alerts.yml")
        with open(path) as f:
            rules = yaml.safe_load(f)
        alerts = [r for g in rules["groups"] for r in g["rules"]]
        self.assertGreaterEqual(len(alerts), 3)
        metrics = read("server", "metrics.cc") + read("server", "snapshot_gauges.cc")
        for rule in alerts:
            self.assertIn("summary", rule["annotations"], rule["alert"])
            for name in re.findall(r"\b(pcnv_[a-z_]+)", rule["expr"]):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                self.assertIn(base, metrics, f"{rule['alert']}: no metric {name}")
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool not installed")
        run = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        # Each alert fires on a made-up fleet in trouble (deploy/monitoring/alerts_test.yml).
        run = subprocess.run([promtool, "test", "rules", "alerts_test.yml"],
                             cwd=os.path.dirname(path), capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main()
