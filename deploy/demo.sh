#!/usr/bin/env bash
# The main job, end to end, on the bundled sample region: install, build, generate the sample,
# pack its reference store, start the gRPC server, validate the sample through it, print the
# verdict, write the JSON report, stop the server.
# Exit 0 when the job ran (whatever the verdict); non-zero when something broke.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh --target pcnv pcnv-server pcnv_sample

build=build/default
sample=$build/sample
cli=$build/clients/cli/pcnv
report=${PCNV_DEMO_REPORT:-$build/sample-report.json}
html=${report%.json}.html
layers=${report%.json}.gpkg
ref=$build/sample-reference.gpkg

echo "== Packing the sample region's reference store"
"$cli" reference build \
  --areas "$sample/areas.geojson:code" \
  --footprint "icb=$sample/icb.geojson:code" \
  --footprint "sub-icb=$sample/subicb.geojson:code" \
  --footprint "community=$sample/community.geojson:code" \
  --postcodes "$sample/postcodes.csv" \
  --out "$ref"

echo "== Starting pcnv-server on a free loopback port"
log=$(mktemp)
# No drain period: nothing routes calls here but this script.
"$build/server/pcnv-server" --reference "$ref" --port 0 --drain-seconds 0 >"$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n1)
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || { cat "$log"; echo "demo: the server exited early" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$log"; echo "demo: the server did not report its port" >&2; exit 1; }
echo "pcnv-server listening on 127.0.0.1:$port"

echo "== Validating the sample region through the server"
set +e
"$cli" validate --server "127.0.0.1:$port" \
  --practices "$sample/gp-reg-pat-prac-map.csv" \
  --list-sizes "$sample/gp-reg-pat-prac-all.csv" \
  --distribution "$sample/gp-reg-pat-prac-lsoa-all.csv" \
  --declared "$sample/declared.geojson:pcn_code" \
  --practice-register "$sample/epraccur.csv" \
  --html "$html" --geo-out "$layers" \
  --out "$report"
rc=$?
set -e

echo "== Stopping the server"
kill -TERM $server
wait $server || true
trap - EXIT
rm -f "$log"
# 0 = no ERROR findings, 1 = ERROR findings (the sample region plants some on purpose).
if [ $rc -gt 1 ]; then echo "demo: validation failed (exit $rc)" >&2; exit $rc; fi
echo "Verdict exit code $rc; report: $report"
echo "For people: $html (open in a browser); for QGIS: $layers"
