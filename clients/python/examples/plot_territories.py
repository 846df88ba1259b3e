#!/usr/bin/env python3
"""Validates the sample region on a pcnv server and draws its PCN territories into a PNG,
coloured by verdict (red: an ERROR finding, amber: a WARNING, green: neither), with geopandas
and matplotlib (Debian: python3-geopandas, python3-matplotlib).

    pcnv-client installed (pip install ./clients/python), or PYTHONPATH=clients/python
    PCNV_PY_GEN=build/default/clients/python/gen:
    python3 clients/python/examples/plot_territories.py --server 127.0.0.1:50051 \\
        --sample build/default/sample --out territories.png [--token TOKEN]

Exit status: 0 when written, 2 when the call fails.
"""

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import geopandas  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from pcnv_client import CallError, pb, territories, validate_folder  # noqa: E402

COLOURS = {"FAIL": "#d73027", "WARN": "#fdae61", "PASS": "#1a9850"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--sample", required=True, help="folder of the sample region")
    parser.add_argument("--out", required=True, help="PNG file to write")
    parser.add_argument("--token", default=os.environ.get("PCNV_TOKEN"))
    args = parser.parse_args()
    try:
        report = validate_folder(args.server, args.sample, token=args.token, geometry="geojson")
    except CallError as e:
        print(f"pcnv: {e}", file=sys.stderr)
        return 2

    worst = {}
    for f in report.findings:
        if f.pcn and not f.HasField("waiver"):
            worst[f.pcn] = max(worst.get(f.pcn, 0), f.severity)
    verdict = {pb.SEVERITY_ERROR: "FAIL", pb.SEVERITY_WARNING: "WARN"}
    shapes = territories(report)  # PCN code -> shapely geometry in WGS84
    frame = geopandas.GeoDataFrame(
        {"pcn": list(shapes), "verdict": [verdict.get(worst.get(c), "PASS") for c in shapes]},
        geometry=list(shapes.values()), crs="EPSG:4326")
    axes = frame.plot(color=[COLOURS[v] for v in frame["verdict"]], edgecolor="white",
                      figsize=(8, 8))
    for code, point in zip(frame["pcn"], frame.geometry.representative_point()):
        axes.annotate(code, (point.x, point.y), ha="center", fontsize=7)
    axes.set_title(f"{len(frame)} PCN territories, verdict {report.summary.verdict}")
    axes.set_axis_off()
    plt.savefig(args.out, dpi=100, bbox_inches="tight")
    print(f"{len(frame)} territories drawn to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
