#!/usr/bin/env python3
"""Validates the sample region on a pcnv server and writes each PCN's territory as GeoJSON in
WGS84 (RFC 7946), ready for a web map: geojson.io, Leaflet's L.geoJSON, MapLibre, QGIS.

    PCNV_PY_GEN=build/default/clients/python/gen PYTHONPATH=clients/python \\
        python3 clients/python/examples/territories_geojson.py --server 127.0.0.1:50051 \\
        --sample build/default/sample --out territories.geojson [--token TOKEN]

The server does the reprojection (docs/API.md, "Geometry output"): geometry="geojson" asks for
GEOMETRY_ENCODING_GEOJSON with srid 4326, so each territory arrives as GeoJSON text.
Exit status: 0 when written, 2 when the call fails.
"""

import argparse
import json
import os
import sys

from pcnv_client import CallError, geojson, pb, validate_folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--sample", required=True, help="folder of the sample region")
    parser.add_argument("--out", required=True, help="GeoJSON file to write")
    parser.add_argument("--token", default=os.environ.get("PCNV_TOKEN"))
    args = parser.parse_args()

    try:
        report = validate_folder(args.server, args.sample, token=args.token, geometry="geojson")
    except CallError as e:
        print(f"pcnv: {e}", file=sys.stderr)
        return 2

    errors = {}
    for f in report.findings:
        if f.severity == pb.SEVERITY_ERROR and not f.HasField("waiver"):
            errors[f.pcn] = errors.get(f.pcn, 0) + 1
    features = []
    for pcn in report.pcns:
        if not pcn.HasField("territory_geometry"):
            continue
        features.append({
            "type": "Feature",
            "properties": {"pcn_code": pcn.code, "pcn_name": pcn.name,
                           "population": None if pcn.population_suppressed else pcn.population,
                           "errors": errors.get(pcn.code, 0)},
            "geometry": geojson(pcn.territory_geometry),
        })
    with open(args.out, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    print(f"{len(features)} territories written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
