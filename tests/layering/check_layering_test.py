#!/usr/bin/python3
"""Self-test of check_layering.py: a clean tree passes, and each kind of violation, planted one
at a time, fails with the file, line (or target) and rule named.

Most cases run on a tiny fabricated tree in the target layout (geo/ report/ wire/ server/
clients/) with a fabricated CMake File API codemodel, so every rule is exercised even while the
real tree has no report/ or wire/ yet. With PCNV_SOURCE_DIR and PCNV_BUILD_DIR set (ctest sets
them), two more cases run on a copy of the real sources and the real build tree's codemodel.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_layering.py")

# A clean tree in the target layout: every include points down or sideways within a layer.
CLEAN_FILES = {
    "geo/model.h": ["<string>", '"absl/status/status.h"'],
    "geo/model.cc": ['"geo/model.h"'],
    "geo/io/reader.cc": ['"geo/model.h"', '"gdal_priv.h"'],
    "report/json.h": ['"geo/model.h"'],
    "report/json.cc": ['"report/json.h"', '"nlohmann/json.hpp"'],
    "wire/convert.h": ['"report/json.h"', '"pcnv/v1/validator.pb.h"'],
    "wire/status.cc": ["<grpcpp/grpcpp.h>", '"google/rpc/status.pb.h"', '"wire/convert.h"'],
    "server/service.cc": ['"wire/convert.h"', '"geo/model.h"', '"report/json.h"',
                          '"server/limits.h"'],
    "server/limits.h": ["<cstdint>"],
    "clients/cli/main.cc": ['"wire/convert.h"', '"report/json.h"', '"clients/cli/inputs.h"'],
    "clients/cli/inputs.h": ['"geo/model.h"'],
}

# Target -> [(linked target, the command that made the dependency)]; tests and custom targets
# are outside the layers, and add_dependencies is ordering, not linking.
CLEAN_LINKS = {
    "pcnv_geo": [],
    "pcnv_geo_io": [("pcnv_geo", "target_link_libraries")],
    "pcnv_report": [("pcnv_geo", "target_link_libraries"),
                    ("pcnv_geo_io", "target_link_libraries"),
                    ("pcnv-server", "add_dependencies")],
    "pcnv_proto": [],
    "pcnv_wire": [("pcnv_report", "target_link_libraries"),
                  ("pcnv_proto", "target_link_libraries")],
    "pcnv_server_lib": [("pcnv_wire", "target_link_libraries"),
                        ("pcnv_geo", "target_link_libraries")],
    "pcnv-server": [("pcnv_server_lib", "target_link_libraries")],
    "pcnv_remote": [("pcnv_wire", "target_link_libraries")],
    "pcnv": [("pcnv_remote", "target_link_libraries"), ("pcnv_report", "target_link_libraries")],
    "server_tests": [("pcnv_server_lib", "target_link_libraries"),
                     ("pcnv", "add_dependencies")],
    "pcnv_engine": [("pcnv_geo", "target_link_libraries"),
                    ("pcnv_geo_io", "target_link_libraries")],
}


def write_codemodel(reply, links):
    """A File API reply folder shaped like CMake 3.25's: index -> codemodel -> one file a target."""
    os.makedirs(reply, exist_ok=True)
    ids = {name: f"{name}::@fake" for name in links}
    entries = []
    for n, (name, deps) in enumerate(sorted(links.items())):
        commands = ["add_library", "target_link_libraries", "add_dependencies"]
        target = {
            "name": name,
            "id": ids[name],
            "backtraceGraph": {
                "commands": commands,
                "files": ["CMakeLists.txt"],
                "nodes": [{"file": 0}] + [{"command": i, "file": 0, "line": 1, "parent": 0}
                                          for i in range(len(commands))],
            },
            "dependencies": [{"id": ids[dep], "backtrace": 1 + commands.index(command)}
                             for dep, command in deps],
        }
        json_file = f"target-{n}.json"
        with open(os.path.join(reply, json_file), "w") as f:
            json.dump(target, f)
        entries.append({"name": name, "id": ids[name], "jsonFile": json_file})
    with open(os.path.join(reply, "codemodel-v2-fake.json"), "w") as f:
        json.dump({"kind": "codemodel", "configurations": [{"name": "", "targets": entries}]}, f)
    with open(os.path.join(reply, "index-2000-01-01T00-00-00-0000.json"), "w") as f:
        json.dump({"reply": {"codemodel-v2": {"kind": "codemodel",
                                              "jsonFile": "codemodel-v2-fake.json"}}}, f)


def run_checker(*args):
    done = subprocess.run([sys.executable, CHECKER, *args], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def append_include(root, path, header):
    """Adds `#include header` as the last line of root/path; returns that line's number."""
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "a") as f:
        f.write(f"#include {header}\n")
    with open(full) as f:
        return sum(1 for _ in f)


class FakeTreeTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "src")
        for path, headers in CLEAN_FILES.items():
            for header in headers:
                append_include(self.root, path, header)
        self.reply = os.path.join(self.tmp.name, "reply")
        self.allow = os.path.join(self.tmp.name, "allow.txt")
        open(self.allow, "w").close()
        self.links = {name: list(deps) for name, deps in CLEAN_LINKS.items()}

    def tearDown(self):
        self.tmp.cleanup()

    def reset(self):
        """A fresh clean tree, for each subtest of a loop."""
        self.tearDown()
        self.setUp()

    def check(self):
        write_codemodel(self.reply, self.links)
        return run_checker("--source", self.root, "--reply", self.reply, "--allow", self.allow)

    def assert_fails(self, where, rule):
        code, out = self.check()
        self.assertEqual(code, 1, out)
        self.assertIn(f"VIOLATION: {where}: [{rule}]", out)

    def test_clean_tree_passes(self):
        code, out = self.check()
        self.assertEqual(code, 0, out)
        self.assertIn(" 0 violations", out)

    def test_grpc_or_protobuf_in_geo_or_report_fails(self):
        for path in ("geo/model.cc", "geo/io/reader.cc", "report/json.cc", "report/json.h"):
            for header in ("<grpcpp/grpcpp.h>", "<grpc/grpc.h>", '"google/protobuf/message.h"',
                           '"google/rpc/status.pb.h"', '"pcnv/v1/validator.pb.h"',
                           '"pcnv/v1/validator.grpc.pb.h"'):
                with self.subTest(path=path, header=header):
                    self.reset()
                    line = append_include(self.root, path, header)
                    self.assert_fails(f"{path}:{line}", "rpc-free-domain")

    def test_server_and_clients_including_each_other_fails(self):
        for path, header in (("clients/cli/main.cc", '"server/limits.h"'),
                             ("clients/remote/remote.cc", '"server/convert.h"'),
                             ("server/service.cc", '"clients/writers/report_diff.h"')):
            with self.subTest(path=path):
                self.reset()
                line = append_include(self.root, path, header)
                self.assert_fails(f"{path}:{line}", "server-clients-apart")

    def test_include_pointing_up_fails(self):
        cases = [("geo/model.h", up) for up in ("report", "wire", "server", "clients")]
        cases += [("geo/io/reader.cc", "report")]
        cases += [("report/json.cc", up) for up in ("wire", "server", "clients")]
        cases += [("wire/convert.h", up) for up in ("server", "clients")]
        for path, up in cases:
            with self.subTest(path=path, up=up):
                self.reset()
                line = append_include(self.root, path, f'"{up}/x.h"')
                self.assert_fails(f"{path}:{line}", "layer-direction")

    def test_link_pointing_up_fails(self):
        cases = [("pcnv_geo", "pcnv_report", "layer-direction"),
                 ("pcnv_geo_io", "pcnv_proto", "layer-direction"),
                 ("pcnv_report", "pcnv_wire", "layer-direction"),
                 ("pcnv_engine", "pcnv_report", "layer-direction"),
                 ("pcnv_wire", "pcnv_server_lib", "layer-direction"),
                 ("pcnv_wire", "pcnv_remote", "layer-direction"),
                 ("pcnv_server_lib", "pcnv_remote", "server-clients-apart"),
                 ("pcnv", "pcnv-server", "server-clients-apart"),
                 ("pcnv_remote", "pcnv_server_lib", "server-clients-apart")]
        for target, dep, rule in cases:
            with self.subTest(target=target, dep=dep):
                self.reset()
                self.links[target].append((dep, "target_link_libraries"))
                self.assert_fails(f"target {target}", rule)

    def test_ordering_dependency_is_not_a_link(self):
        self.links["pcnv_geo"].append(("pcnv-server", "add_dependencies"))
        code, out = self.check()
        self.assertEqual(code, 0, out)

    def test_allow_list_reports_known_and_fails_on_stale(self):
        line = append_include(self.root, "server/service.cc", '"clients/writers/report_diff.h"')
        self.links["pcnv_geo"].append(("pcnv_report", "target_link_libraries"))
        with open(self.allow, "w") as f:
            f.write("# known\nserver/service.cc -> clients/writers/report_diff.h\n"
                    "target pcnv_geo -> pcnv_report\n")
        code, out = self.check()
        self.assertEqual(code, 0, out)
        self.assertIn(f"known, to be removed: server/service.cc:{line}: [server-clients-apart]",
                      out)
        self.assertIn("known, to be removed: target pcnv_geo: [layer-direction]", out)

        with open(self.allow, "a") as f:
            f.write("clients/remote/remote.cc -> server/convert.h\n")
        code, out = self.check()
        self.assertEqual(code, 1, out)
        self.assertIn(f"STALE: {self.allow}:4: 'clients/remote/remote.cc -> server/convert.h'", out)

    def test_missing_link_graph_is_an_error(self):
        code, out = run_checker("--source", self.root, "--reply", self.reply, "--allow", self.allow)
        self.assertEqual(code, 2, out)
        self.assertIn("cannot read the link graph", out)


@unittest.skipUnless(os.environ.get("PCNV_SOURCE_DIR") and os.environ.get("PCNV_BUILD_DIR"),
                     "needs PCNV_SOURCE_DIR and PCNV_BUILD_DIR (set by ctest)")
class RealTreeTest(unittest.TestCase):
    """The real sources and allow-list, copied, with the real build tree's codemodel."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "src")
        source = os.environ["PCNV_SOURCE_DIR"]
        for layer in ("geo", "report", "wire", "server", "clients"):
            if os.path.isdir(os.path.join(source, layer)):
                shutil.copytree(os.path.join(source, layer), os.path.join(self.root, layer))
        self.reply = os.path.join(os.environ["PCNV_BUILD_DIR"], ".cmake", "api", "v1", "reply")

    def tearDown(self):
        self.tmp.cleanup()

    def check(self):
        return run_checker("--source", self.root, "--reply", self.reply, "--allow",
                           os.path.join(HERE, "known_violations.txt"))

    def test_copy_passes_and_fails_once_a_violation_is_planted(self):
        code, out = self.check()
        self.assertEqual(code, 0, out)
        line = append_include(self.root, "geo/model.h", "<grpcpp/grpcpp.h>")
        code, out = self.check()
        self.assertEqual(code, 1, out)
        self.assertIn(f"VIOLATION: geo/model.h:{line}: [rpc-free-domain]", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
