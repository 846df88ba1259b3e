"""The API checked with buf, the protobuf ecosystem's linter and breaking-change detector (issue 14).

- `buf lint` with the STANDARD rules passes on proto/pcnv (proto/buf.yaml says which rule is kept
  off and why; docs/API.md, "Checking the API"), and fails on a proto that breaks one of them, so
  the check can fail.
- `buf breaking` finds no incompatible change between proto/ and the checked-in baseline image
  (proto/buf-baseline.binpb), and finds the one a deliberate edit makes in a scratch copy (a
  deleted RPC, a field whose type changed).

Environment (tests/CMakeLists.txt): PCNV_SOURCE_DIR, PCNV_BUF_TOOLS (a folder with tests/api's
node_modules installed: @bufbuild/buf at the version its package-lock.json pins).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("PCNV_SOURCE_DIR", "")
BUF = os.path.join(os.environ.get("PCNV_BUF_TOOLS", ""), "node_modules", ".bin", "buf")
PROTO = os.path.join(SOURCE, "proto")
BASELINE = os.path.join(PROTO, "buf-baseline.binpb")
VALIDATOR = os.path.join("pcnv", "v1", "validator.proto")


def buf(*args, cwd):
    return subprocess.run([BUF, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


class BufTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.path.isfile(os.path.join(PROTO, "buf.yaml")), "PCNV_SOURCE_DIR unset?")
        self.assertTrue(os.access(BUF, os.X_OK), f"no buf at {BUF} (PCNV_BUF_TOOLS)")
        scratch = tempfile.mkdtemp(prefix="pcnv-buf-")
        self.addCleanup(shutil.rmtree, scratch)
        self.copy = os.path.join(scratch, "proto")
        shutil.copytree(PROTO, self.copy)

    def read(self):
        """The scratch copy's validator.proto."""
        with open(os.path.join(self.copy, VALIDATOR), encoding="utf-8") as f:
            return f.read()

    def edit(self, old, new):
        """Replaces `old` (which must occur exactly once) in the scratch copy's validator.proto."""
        text = self.read()
        self.assertEqual(text.count(old), 1, old)
        with open(os.path.join(self.copy, VALIDATOR), "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))

    def breaking(self):
        """The scratch copy against the baseline: buf's findings, each a dict (type, message, path)."""
        r = buf("breaking", "--against", BASELINE, "--error-format", "json", cwd=self.copy)
        self.assertNotEqual(r.returncode, 0, "buf breaking found nothing:\n" + r.stdout + r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    def test_lint_passes(self):
        r = buf("lint", cwd=PROTO)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_lint_fails_on_a_violation(self):
        # A field name in lowerCamelCase: FIELD_LOWER_SNAKE_CASE, one of the STANDARD rules.
        self.edit("message GetReferenceInfoRequest {}",
                  "message GetReferenceInfoRequest {\n  string snapshotId = 1;\n}")
        r = buf("lint", cwd=self.copy)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("snapshotId", r.stdout)
        self.assertIn("lower_snake_case", r.stdout)

    def test_no_breaking_change_against_the_baseline(self):
        r = buf("breaking", "--against", BASELINE, cwd=PROTO)
        self.assertEqual(r.returncode, 0,
                         "an incompatible API change: see docs/API.md, \"Checking the API\", to "
                         "move the baseline deliberately\n" + r.stdout + r.stderr)

    def test_a_deleted_rpc_is_breaking(self):
        match = re.search(r"\n  rpc GetReferenceInfo\(.*?\n  \}\n", self.read(), re.S)
        self.assertIsNotNone(match, "no GetReferenceInfo RPC to delete")
        self.edit(match.group(0), "\n")
        findings = self.breaking()
        self.assertIn(("RPC_NO_DELETE", 'Previously present RPC "GetReferenceInfo" on service '
                       '"BoundaryValidator" was deleted.'),
                      [(f["type"], f["message"]) for f in findings])

    def test_a_changed_field_type_is_breaking(self):
        # ReferenceInfo's first int64 field (a count a portal reads): int64 -> string.
        match = re.search(r"message ReferenceInfo \{.*?\n  int64 (\w+) = (\d+);", self.read(), re.S)
        self.assertIsNotNone(match, "ReferenceInfo has no int64 field left to change")
        self.edit(f"  int64 {match.group(1)} = {match.group(2)};",
                  f"  string {match.group(1)} = {match.group(2)};")
        findings = [f for f in self.breaking() if f["type"] == "FIELD_SAME_TYPE"]
        self.assertEqual(len(findings), 1, findings)
        self.assertIn(f'"{match.group(1)}"', findings[0]["message"])
        self.assertEqual(findings[0]["path"], "pcnv/v1/validator.proto")


if __name__ == "__main__":
    unittest.main()
