#!/usr/bin/env python3
"""Validates the sample region on a pcnv server and writes each PCN's territory, with its
verdict (FAIL: an ERROR finding, WARN: a WARNING, PASS: neither), as a web map's GeoJSON or as
a picture:

    --out territories.geojson   RFC 7946 GeoJSON in WGS84, for geojson.io, Leaflet, QGIS
    --out territories.png       the territories coloured by verdict, drawn with geopandas and
                                matplotlib (Debian: python3-geopandas, python3-matplotlib)

    pip install ./clients/python (or PYTHONPATH=clients/python
    PCNV_PY_GEN=build/default/clients/python/gen), then
    python3 clients/python/examples/territories.py --server 127.0.0.1:50051 \\
        --sample build/default/sample --out territories.geojson [--token TOKEN]

The server does the reprojection (docs/API.md, "Geometry output"): geometry="geojson" asks for
every geometry as GeoJSON in WGS84. Exit status: 0 when written, 2 when the call fails.
"""

import argparse
import json
import os
import sys

from pcnv_client import CallError, geojson, pb, territories, validate_folder

COLOURS = {"FAIL": "#d73027", "WARN": "#fdae61", "PASS": "#1a9850"}


def verdicts(report):
    """PCN code -> FAIL / WARN / PASS from its unwaived findings."""
    worst = {}
    for f in report.findings:
        if f.pcn and not f.HasField("waiver"):
            worst[f.pcn] = max(worst.get(f.pcn, 0), f.severity)
    names = {pb.SEVERITY_ERROR: "FAIL", pb.SEVERITY_WARNING: "WARN"}
    return {p.code: names.get(worst.get(p.code), "PASS") for p in report.pcns}


def write_geojson(report, path):
    verdict = verdicts(report)
    features = [{
        "type": "Feature",
        "properties": {"pcn_code": p.code, "pcn_name": p.name, "verdict": verdict[p.code],
                       "population": None if p.population_suppressed else p.population},
        "geometry": geojson(p.territory_geometry),
    } for p in report.pcns if p.HasField("territory_geometry")]
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    return len(features)


def write_png(report, path):
    import matplotlib
    matplotlib.use("Agg")  # no display needed
    import geopandas
    import matplotlib.pyplot as plt

    verdict = verdicts(report)
    shapes = territories(report)  # PCN code -> shapely geometry in WGS84
    frame = geopandas.GeoDataFrame({"pcn": list(shapes)}, geometry=list(shapes.values()),
                                   crs="EPSG:4326")
    axes = frame.plot(color=[COLOURS[verdict[c]] for c in frame["pcn"]], edgecolor="white",
                      figsize=(8, 8))
    for code, point in zip(frame["pcn"], frame.geometry.representative_point()):
        axes.annotate(code, (point.x, point.y), ha="center", fontsize=7)
    axes.set_title(f"{len(frame)} PCN territories, verdict {report.summary.verdict}")
    axes.set_axis_off()
    plt.savefig(path, dpi=100, bbox_inches="tight")
    return len(frame)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--sample", required=True, help="folder of the sample region")
    parser.add_argument("--out", required=True, help="FILE.geojson or FILE.png to write")
    parser.add_argument("--token", default=os.environ.get("PCNV_TOKEN"))
    args = parser.parse_args()
    try:
        report = validate_folder(args.server, args.sample, token=args.token, geometry="geojson")
    except CallError as e:
        print(f"pcnv: {e}", file=sys.stderr)
        return 2
    write = write_png if args.out.lower().endswith(".png") else write_geojson
    print(f"{write(report, args.out)} territories written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
