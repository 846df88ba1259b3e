#!/usr/bin/env bash
# Runs the PostGIS peer on a throwaway PostgreSQL 15 + PostGIS 3 cluster (bench/README.md, "The
# PostGIS peer").
#
#   postgis_bench.sh WORKLOAD_DIR OUT.csv TIMING_DIR
#
# initdb in a temporary folder (not timed), the server on a Unix socket there (no TCP). Two
# server lifetimes:
#   end to end: start the server, load (below), compute (postgis_bench.sql), COPY the result out
#     as CSV, stop the server; all of it under one /usr/bin/time -v, the postmaster a child of
#     the timed shell, so its CPU and its backends' (reaped) count:
#     TIMING_DIR/postgis-e2e.time.
#   warm: start the server again on the loaded cluster, compute once to warm its caches, then
#     compute and COPY out again, timed: TIMING_DIR/postgis-warm.time (the client's time -v,
#     with the server's CPU over the same interval added as "Server CPU (seconds)").
# Load, as an expert loads: each table UNLOGGED and filled by COPY in the transaction that
# creates it (ogr2ogr's PGDump driver piped to psql, the CSVs by psql's \copy), two loads at a
# time (two cores); then, two sessions at a time, the LSOAs repaired where invalid (ST_MakeValid;
# none are in this workload, the guard costs one ST_IsValid each), the footprints cut into small
# pieces (ST_Subdivide), GiST and b-tree indexes, ANALYZE.
# Runs the server as the `postgres` system user when started as root (initdb refuses root).
set -euo pipefail

work=$(realpath "$1")
out=$(realpath -m "$2")
timing=$(realpath -m "$3")
here=$(dirname "$(realpath "$0")")
pgbin=/usr/lib/postgresql/15/bin
mkdir -p "$timing"

for tool in "$pgbin/initdb" "$pgbin/postgres" psql ogr2ogr /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "postgis_bench: $tool not found (bash deploy/install-deps.sh)" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/pcnv-postgis.XXXXXX)
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$tmp"
  as_server=(runuser -u postgres --)
fi
chmod 755 "$tmp"
cleanup() {
  if [ -f "$tmp/data/postmaster.pid" ]; then
    "${as_server[@]}" "$pgbin/pg_ctl" stop -D "$tmp/data" -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_server[@]}" "$pgbin/initdb" -D "$tmp/data" -U bench --auth=trust -E UTF8 --no-locale \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 2; }

export PGHOST="$tmp" PGUSER=bench PGDATABASE=bench
export work out here tmp pgbin
export as_server_cmd="${as_server[*]}"

# The server in the foreground of a background job of the calling shell, so that the shell that
# waits for it collects its CPU. A throwaway cluster: durability off (it favours the peer),
# memory sized for the machine, parallel query on both cores.
start_server() {
  $as_server_cmd "$pgbin/postgres" -D "$tmp/data" -k "$tmp" -c listen_addresses='' \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c wal_level=minimal -c max_wal_senders=0 \
    -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB \
    -c max_wal_size=4GB -c checkpoint_timeout=30min \
    -c max_worker_processes=4 -c max_parallel_workers=2 -c max_parallel_workers_per_gather=2 \
    -c max_parallel_maintenance_workers=2 \
    >>"$tmp/server.log" 2>&1 &
  server_job=$!
  for _ in $(seq 1 200); do
    "$pgbin/pg_isready" -q -h "$tmp" && return 0
    sleep 0.05
  done
  cat "$tmp/server.log" >&2
  echo "postgis_bench: server did not start" >&2
  exit 2
}
stop_server() {
  # Fast shutdown through pg_ctl (runuser does not forward signals), then reap the server so
  # that its CPU is counted by whoever waits for this shell.
  $as_server_cmd "$pgbin/pg_ctl" stop -D "$tmp/data" -m fast -w >/dev/null
  wait "$server_job" || true
}

# CREATE UNLOGGED TABLE for a CSV: every header column as text, lower-cased, except the patient
# counts, which are bigint (COPY parses them once, not every query).
csv_table() {  # $1 table, $2 csv
  local cols
  cols=$(head -1 "$2" | tr -d '\r\357\273\277' | tr 'A-Z' 'a-z' |
    awk -F, '{for (i = 1; i <= NF; i++) printf "%s%s %s", (i > 1 ? ", " : ""), $i,
              ($i == "number_of_patients" ? "bigint" : "text")}')
  echo "CREATE UNLOGGED TABLE $1 ($cols);"
}

load_layer() {  # $1: layer (GeoPackage in the workload, table of the same name)
  ogr2ogr --config PG_USE_COPY YES -f PGDump /vsistdout/ "$work/$1.gpkg" -nln "$1" \
    -nlt MULTIPOLYGON -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE -lco FID=fid \
    -lco UNLOGGED=ON | psql -q -X -v ON_ERROR_STOP=1 >/dev/null
}
load_csv() {  # $1: table, $2: CSV file name in the workload
  { echo "BEGIN;"
    csv_table "$1" "$work/$2"
    echo "\\copy $1 FROM '$work/$2' CSV HEADER"
    echo "COMMIT;"
  } | psql -q -X -v ON_ERROR_STOP=1
}

load() {
  psql -q -X -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench"
  psql -q -X -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis"
  # Two loads at a time, the biggest of each kind first.
  { load_layer lsoa11; load_layer icb22; load_layer ltla24; load_csv pmap gp-reg-pat-prac-map.csv; } &
  local a=$!
  { load_csv dist gp-reg-pat-prac-lsoa-all.csv; load_csv lists gp-reg-pat-prac-all.csv; } &
  local b=$!
  wait "$a"
  wait "$b"
  psql -q -X -v ON_ERROR_STOP=1 <<'SQL' &
UPDATE lsoa11 SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
  WHERE NOT ST_IsValid(geom);
CREATE INDEX ON lsoa11 USING gist (geom);
CREATE UNIQUE INDEX ON lsoa11 (lsoa11_code);
ANALYZE lsoa11;
SQL
  a=$!
  psql -q -X -v ON_ERROR_STOP=1 <<'SQL' &
CREATE UNLOGGED TABLE icb22_part AS
  SELECT icb22cd AS code, ST_Subdivide(geom, 64) AS geom FROM icb22;
CREATE UNLOGGED TABLE ltla24_part AS
  SELECT ltla24_code AS code, ST_Subdivide(geom, 64) AS geom FROM ltla24;
CREATE INDEX ON icb22_part USING gist (geom);
CREATE INDEX ON ltla24_part USING gist (geom);
CREATE INDEX ON pmap (practice_code);
CREATE INDEX ON lists (code);
CREATE INDEX ON dist (practice_code);
ANALYZE icb22_part; ANALYZE ltla24_part; ANALYZE pmap; ANALYZE lists; ANALYZE dist;
SQL
  b=$!
  wait "$a"
  wait "$b"
}

compute() {  # $1: where the SQL's own step timings go
  psql -q -X -v ON_ERROR_STOP=1 -f "$here/postgis_bench.sql" >"$1"
  psql -q -X -v ON_ERROR_STOP=1 \
    -c "\\copy (SELECT * FROM result ORDER BY pcn_code) TO '$out' CSV HEADER"
}

end_to_end() {
  set -euo pipefail
  start_server
  load
  compute "$tmp/compute-e2e.log"
  stop_server
}
export -f start_server stop_server csv_table load_layer load_csv load compute end_to_end

/usr/bin/time -v -o "$timing/postgis-e2e.time" bash -c end_to_end
cp "$tmp/compute-e2e.log" "$timing/postgis-e2e-steps.log"

# The server's CPU so far, in clock ticks: the postmaster, the backends it has reaped, and the
# processes it still runs.
server_ticks() {
  local pm total=0 pid
  pm=$(head -1 "$tmp/data/postmaster.pid")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

start_server
compute "$tmp/compute-warmup.log"
sleep 0.2  # the warm-up's backends reaped
before=$(server_ticks)
/usr/bin/time -v -o "$timing/postgis-warm.time" bash -c 'compute "$tmp/compute-warm.log"'
sleep 0.2
after=$(server_ticks)
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "\tServer CPU (seconds): %.2f\n", t / hz}' >>"$timing/postgis-warm.time"
cp "$tmp/compute-warm.log" "$timing/postgis-warm-steps.log"
stop_server
echo "postgis_bench: wrote $out" >&2
