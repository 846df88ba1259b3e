"""The Python client against the real pcnv-server on a loopback port (run by ctest).

Environment (set by clients/python/CMakeLists.txt): PCNV_SERVER, PCNV_CLI, PCNV_SAMPLE_DIR and
PCNV_PY_GEN (the generated *_pb2 modules).
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
# PCNV_CLIENT_INSTALLED (tests/test_package.sh): the package as pip installed it, not this tree.
INSTALLED = bool(os.environ.get("PCNV_CLIENT_INSTALLED"))
if not INSTALLED:
    sys.path.insert(0, os.path.dirname(HERE))

from pcnv_client import (CallError, Client, geojson, pb, read_nhs_inputs,  # noqa: E402
                         territories)

SAMPLE = os.environ.get("PCNV_SAMPLE_DIR", "")
READ_TOKEN = "python-read-token-0123456789"
ADMIN_TOKEN = "python-admin-token-0123456789"


def sample(name):
    return os.path.join(SAMPLE, name)


def run_example(name, *args):
    """examples/NAME with `args`, importing pcnv_client as this test does."""
    env = dict(os.environ)
    if not INSTALLED:
        env["PYTHONPATH"] = os.path.dirname(HERE)
    return subprocess.run(
        [sys.executable, os.path.join(os.path.dirname(HERE), "examples", name), *args],
        capture_output=True, text=True, env=env)


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.reference = os.path.join(cls.tmp.name, "ref.gpkg")
        subprocess.run([
            os.environ["PCNV_CLI"], "reference", "build",
            "--areas", sample("areas.geojson") + ":code",
            "--footprint", "icb=" + sample("icb.geojson") + ":code",
            "--footprint", "sub-icb=" + sample("subicb.geojson") + ":code",
            "--footprint", "community=" + sample("community.geojson") + ":code",
            "--postcodes", sample("postcodes.csv"),
            "--out", cls.reference], check=True, capture_output=True)
        tokens = os.path.join(cls.tmp.name, "tokens")
        with open(tokens, "w") as f:
            f.write(f"read portal {READ_TOKEN}\nadmin ops {ADMIN_TOKEN}\n")
        cls.stderr = open(os.path.join(cls.tmp.name, "stderr"), "w+")
        cls.server = subprocess.Popen(
            [os.environ["PCNV_SERVER"], "--reference", cls.reference, "--port", "0",
             "--tokens-file", tokens],
            stdout=subprocess.PIPE, stderr=cls.stderr, text=True)
        line = cls.server.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        if not match:
            cls.server.kill()
            raise RuntimeError(f"no port line from pcnv-server: {line!r}")
        cls.target = match.group(1)
        channel = grpc.insecure_channel(cls.target)
        grpc.channel_ready_future(channel).result(timeout=30)
        channel.close()
        with Client(cls.target, token=READ_TOKEN) as client:  # wait until the store is loaded
            deadline = time.time() + 60
            while True:
                try:
                    client.reference_info()
                    break
                except CallError as e:
                    if e.code != grpc.StatusCode.FAILED_PRECONDITION or time.time() > deadline:
                        raise
                    time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.server.send_signal(signal.SIGTERM)
        try:
            cls.server.wait(timeout=30)
        finally:
            cls.server.kill()
            cls.stderr.close()
            cls.tmp.cleanup()

    def test_example_prints_the_same_findings_as_the_cli(self):
        example = run_example("validate_sample.py", "--server", self.target, "--sample", SAMPLE,
                              "--token", READ_TOKEN)
        self.assertEqual(example.returncode, 1, example.stderr)  # the sample has ERROR findings
        lines = example.stdout.splitlines()
        self.assertTrue(lines[0].startswith("verdict FAIL: "), lines[0])

        # The CLI in-process on the same files finds the same (rule, pcn, practice) findings.
        out = os.path.join(self.tmp.name, "cli.json")
        subprocess.run([
            os.environ["PCNV_CLI"], "validate", "--reference", self.reference,
            "--practices", sample("gp-reg-pat-prac-map.csv"),
            "--list-sizes", sample("gp-reg-pat-prac-all.csv"),
            "--distribution", sample("gp-reg-pat-prac-lsoa-all.csv"), "--out", out],
            capture_output=True)
        with open(out) as f:
            cli = json.load(f)
        expected = sorted((f["rule"], f.get("pcn") or "-", f.get("practice") or "-")
                          for f in cli["findings"])
        got = sorted(tuple(line.split("\t")[0:1] + line.split("\t")[2:4]) for line in lines[1:])
        self.assertEqual(got, expected)
        self.assertIn(f"{cli['summary']['pcns']} PCNs, {cli['summary']['practices']} practices",
                      lines[0])

    def test_geojson_example_matches_the_cli_geojson_layer(self):
        # The server's GeoJSON (asked for in the request) and the CLI's --geo-out GeoJSON are
        # written by the same code: the same territories, vertex for vertex.
        out = os.path.join(self.tmp.name, "territories.geojson")
        example = run_example("territories.py", "--server", self.target, "--sample",
                              SAMPLE, "--token", READ_TOKEN, "--out", out)
        self.assertEqual(example.returncode, 0, example.stderr)
        with open(out) as f:
            served = {ft["properties"]["pcn_code"]: ft["geometry"] for ft in json.load(f)["features"]}
        layers = os.path.join(self.tmp.name, "cli.geojson")
        subprocess.run([
            os.environ["PCNV_CLI"], "validate", "--reference", self.reference,
            "--practices", sample("gp-reg-pat-prac-map.csv"),
            "--list-sizes", sample("gp-reg-pat-prac-all.csv"),
            "--distribution", sample("gp-reg-pat-prac-lsoa-all.csv"),
            "--out", os.path.join(self.tmp.name, "cli-report.json"), "--geo-out", layers],
            capture_output=True)
        with open(os.path.join(self.tmp.name, "cli_pcn_territories.geojson")) as f:
            written = {ft["properties"]["pcn_code"]: ft["geometry"] for ft in json.load(f)["features"]}

        def polygons(geometry):  # GDAL writes a one-part MultiPolygon as a Polygon
            if geometry["type"] == "Polygon":
                return [geometry["coordinates"]]
            return geometry["coordinates"]

        self.assertGreater(len(served), 5)
        self.assertEqual(sorted(served), sorted(written))
        for code, geometry in served.items():
            self.assertEqual(polygons(geometry), polygons(written[code]), code)
            lon, lat = polygons(geometry)[0][0][0]
            self.assertTrue(-6.5 < lon < 2 and 49.8 < lat < 56, (code, lon, lat))

    def test_installed_where_expected(self):
        import pcnv_client
        inside = os.path.commonpath([os.path.abspath(pcnv_client.__file__),
                                     os.path.dirname(HERE)]) == os.path.dirname(HERE)
        self.assertEqual(inside, not INSTALLED, pcnv_client.__file__)

    def test_geometries_as_shapely_and_geojson(self):
        from shapely.geometry import mapping
        request = read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"),
                                  sample("gp-reg-pat-prac-all.csv"),
                                  sample("gp-reg-pat-prac-lsoa-all.csv"))
        with Client(self.target, token=READ_TOKEN) as client:
            bng = client.validate(request)
            web = client.validate(request, geometry="geojson")
            with self.assertRaises(ValueError):
                client.validate(request, geometry="kml")
        self.assertFalse(request.options.HasField("geometry_output"))  # the caller's is untouched
        metres, degrees = territories(bng), territories(web)
        self.assertEqual(sorted(metres), sorted(degrees))
        self.assertGreater(len(metres), 5)
        for code in metres:
            self.assertGreater(metres[code].area, 1e5, code)  # square metres
            self.assertLess(degrees[code].area, 1.0, code)  # square degrees
            lon, lat = degrees[code].representative_point().coords[0]
            self.assertTrue(-6.5 < lon < 2 and 49.8 < lat < 56, (code, lon, lat))
        pcn = next(p for p in web.pcns if p.HasField("territory_geometry"))
        self.assertEqual(geojson(pcn.territory_geometry)["type"],
                         mapping(degrees[pcn.code])["type"])

    def test_plot_example_draws_a_png(self):
        out = os.path.join(self.tmp.name, "territories.png")
        example = run_example("territories.py", "--server", self.target, "--sample",
                              SAMPLE, "--token", READ_TOKEN, "--out", out)
        self.assertEqual(example.returncode, 0, example.stderr)
        with open(out, "rb") as f:
            png = f.read()
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(png), 10000)

    def test_reference_info_and_roles(self):
        with Client(self.target, token=READ_TOKEN) as client:
            info = client.reference_info()
            self.assertEqual(info.path, self.reference)
            self.assertEqual(info.generation, 1)
            self.assertGreater(info.areas, 0)
            with self.assertRaises(CallError) as denied:
                client.reload_reference()
            self.assertEqual(denied.exception.code, grpc.StatusCode.PERMISSION_DENIED)
        with Client(self.target) as client:
            with self.assertRaises(CallError) as unauthenticated:
                client.reference_info()
            self.assertEqual(unauthenticated.exception.code, grpc.StatusCode.UNAUTHENTICATED)
        with Client(self.target, token=ADMIN_TOKEN) as client:
            reloaded = client.reload_reference()
            self.assertEqual(reloaded.current.generation, reloaded.previous.generation + 1)

    def test_validate_change(self):
        base = read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"),
                               sample("gp-reg-pat-prac-all.csv"),
                               sample("gp-reg-pat-prac-lsoa-all.csv"))
        with Client(self.target, token=READ_TOKEN) as client:
            change = client.validate_change(base, base)
        self.assertFalse(change.regressed)
        self.assertEqual(change.new_findings, 0)
        self.assertEqual(change.fixed, 0)
        self.assertEqual(len(change.findings), len(change.candidate.findings))

    def sample_request(self):
        return read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"),
                               sample("gp-reg-pat-prac-all.csv"),
                               sample("gp-reg-pat-prac-lsoa-all.csv"))

    def test_validate_change_against_a_stored_report(self):
        base = self.sample_request()
        candidate = self.sample_request()
        candidate.memberships[0].pcn_code = "U"  # unallocated: a new MEM001 finding
        with Client(self.target, token=READ_TOKEN) as client:
            report, report_id = client.validate_with_id(base)
            self.assertTrue(report_id.startswith("r-"), report_id)
            by_id = client.validate_change(base_report_id=report_id, candidate=candidate)
            by_config = client.validate_change(base, candidate)
            self.assertEqual(by_id.base_summary, report.summary)
            self.assertEqual(list(by_id.findings), list(by_config.findings))
            self.assertTrue(any(f.status != pb.CHANGE_STATUS_UNCHANGED for f in by_id.findings))
            self.assertTrue(by_id.candidate_report_id.startswith("r-"))
            with self.assertRaises(ValueError):
                client.validate_change(base, candidate, base_report_id=report_id)
        with Client(self.target, token=ADMIN_TOKEN) as other:  # someone else's report
            with self.assertRaises(CallError) as missing:
                other.validate_change(base_report_id=report_id, candidate=candidate)
        self.assertEqual(missing.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertEqual(missing.exception.reason, "BASE_REPORT_NOT_FOUND")

    def test_validate_stream_equals_validate(self):
        request = self.sample_request()
        events = []
        with Client(self.target, token=READ_TOKEN) as client:
            streamed, report_id = client.validate_stream(request, chunk_rows=500,
                                                         on_event=events.append)
            unary = client.validate(request)
        self.assertTrue(report_id.startswith("r-"))
        self.assertEqual(streamed.summary, unary.summary)
        self.assertEqual(list(streamed.findings), list(unary.findings))
        results = [e.pcn_result for e in events if e.HasField("pcn_result")]
        self.assertEqual(sorted(r.pcn.code for r in results), [p.code for p in unary.pcns])
        receive = [e.progress for e in events
                   if e.HasField("progress") and e.progress.stage == "receive"]
        self.assertGreater(len(receive), 3)  # the distribution alone is several chunks

    def test_validate_stream_sends_the_practice_register(self):
        request = self.sample_request()
        codes = sorted({m.practice_code for m in request.memberships})
        for row, code in enumerate(codes[1:], start=1):  # the first one missing: MEM005
            request.practice_register.practices.add(code=code, status="A",
                                                    prescribing_setting=4, row=row)
        with Client(self.target, token=READ_TOKEN) as client:
            streamed, _ = client.validate_stream(request, chunk_rows=5)
            unary = client.validate(request)
        self.assertEqual(streamed.summary, unary.summary)
        self.assertEqual(list(streamed.findings), list(unary.findings))
        self.assertIn("MEM005", {f.rule for f in unary.findings})

    def test_compute_catchments(self):
        with Client(self.target, token=READ_TOKEN) as client:
            catchments = client.compute_catchments(self.sample_request(), share_threshold=0.1)
        self.assertEqual([c.pcn_code for c in catchments],
                         sorted(c.pcn_code for c in catchments))
        self.assertTrue(all(c.share_threshold == 0.1 for c in catchments))
        self.assertTrue(any(c.HasField("territory_geometry") for c in catchments))
        for c in catchments:
            for a in c.areas:
                if a.patients_suppressed:
                    self.assertIn(a.patients, ("<5", "withheld"))
                    self.assertFalse(a.HasField("share"))

    def test_bad_input_carries_field_violations(self):
        request = read_nhs_inputs(sample("gp-reg-pat-prac-map.csv"))
        request.memberships[2].practice_code = ""
        with Client(self.target, token=READ_TOKEN) as client:
            with self.assertRaises(CallError) as bad:
                client.validate(request)
        self.assertEqual(bad.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(bad.exception.field_violations,
                         [("memberships[2].practice_code", "is empty (source row 3)")])


if __name__ == "__main__":
    unittest.main()
