#!/usr/bin/env python3
"""Validates the generated sample region on a pcnv server and prints the findings.

    PCNV_PY_GEN=build/default/clients/python/gen PYTHONPATH=clients/python \
        python3 clients/python/examples/validate_sample.py --server 127.0.0.1:50051 \
        --sample build/default/sample [--token TOKEN]

Exit status: 0 when the verdict is PASS, 1 on FAIL, 2 when the call fails.
"""

import argparse
import os
import sys

from pcnv_client import CallError, pb, validate_folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--sample", required=True, help="folder of the sample region")
    parser.add_argument("--token", default=os.environ.get("PCNV_TOKEN"))
    args = parser.parse_args()

    try:
        report = validate_folder(args.server, args.sample, token=args.token)
    except CallError as e:
        print(f"pcnv: {e}", file=sys.stderr)
        for field, why in e.field_violations:
            print(f"  {field}: {why}", file=sys.stderr)
        return 2

    s = report.summary
    print(f"verdict {s.verdict}: {s.pcns} PCNs, {s.practices} practices, "
          + ", ".join(f"{k} {v}" for k, v in sorted(s.findings_by_severity.items())))
    for f in report.findings:
        severity = "WAIVED" if f.HasField("waiver") else pb.Severity.Name(f.severity)[9:]
        print(f"{f.rule}\t{severity}\t{f.pcn or '-'}\t{f.practice or '-'}\t{f.message}")
    return 0 if s.verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
