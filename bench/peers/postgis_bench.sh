#!/usr/bin/env bash
# Runs the PostGIS peer on a throwaway PostgreSQL 15 + PostGIS 3 cluster (bench/README.md).
#
#   postgis_bench.sh WORKLOAD_DIR OUT.csv TIMING_DIR
#
# initdb in a temporary folder, server on a Unix socket there (no TCP), two phases each with its
# own server lifetime so that the server's CPU and peak RSS (its backends, reaped by the
# postmaster) are measured per phase by /usr/bin/time -v around the postmaster:
#   load:    CREATE EXTENSION postgis; ogr2ogr the three GeoPackages; COPY the three CSVs;
#            GiST indexes; ANALYZE.
#   compute: postgis_bench.sql, then COPY the result table out as CSV.
# Writes TIMING_DIR/postgis-{load,compute}-{client,server}.time. Runs the server as the
# `postgres` system user when started as root (initdb refuses root), else as the caller.
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
postmaster_pid=
cleanup() {
  if [ -n "$postmaster_pid" ] && kill -0 "$postmaster_pid" 2>/dev/null; then
    "${as_server[@]}" "$pgbin/pg_ctl" stop -D "$tmp/data" -m immediate -w >/dev/null 2>&1 || true
    wait "$postmaster_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_server[@]}" "$pgbin/initdb" -D "$tmp/data" -U bench --auth=trust -E UTF8 --no-locale \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 2; }

export PGHOST="$tmp" PGUSER=bench PGDATABASE=bench
pg="PG:host=$tmp user=bench dbname=bench"

# A throwaway cluster: durability off (it favours the peer), memory sized for the machine.
start_server() {  # $1: phase name
  "${as_server[@]}" /usr/bin/time -v -o "$tmp/server-$1.time" \
    "$pgbin/postgres" -D "$tmp/data" -k "$tmp" -c listen_addresses='' \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB \
    -c max_wal_size=4GB -c checkpoint_timeout=30min \
    >"$tmp/server-$1.log" 2>&1 &
  postmaster_pid=$!
  for _ in $(seq 1 100); do
    "$pgbin/pg_isready" -q -h "$tmp" && return 0
    sleep 0.1
  done
  cat "$tmp/server-$1.log" >&2
  echo "postgis_bench: server did not start" >&2
  exit 2
}
stop_server() {  # $1: phase name
  # Fast shutdown through pg_ctl (runuser does not forward signals); the time wrapper around
  # the postmaster then writes its report.
  "${as_server[@]}" "$pgbin/pg_ctl" stop -D "$tmp/data" -m fast -w >/dev/null
  wait "$postmaster_pid" || true
  postmaster_pid=
  cp "$tmp/server-$1.time" "$timing/postgis-$1-server.time"
}

# CREATE TABLE for a CSV: every header column as text, lower-cased.
csv_table() {  # $1 table, $2 csv
  local cols
  cols=$(head -1 "$2" | tr -d '\r\357\273\277' | tr 'A-Z' 'a-z' | sed 's/,/ text, /g')
  echo "CREATE TABLE $1 ($cols text);"
}

load() {
  set -e
  psql -q -X -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench"
  psql -q -X -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis"
  for layer in lsoa11 icb22 ltla24; do
    ogr2ogr -f PostgreSQL "$pg" "$work/$layer.gpkg" -nln "$layer" -nlt MULTIPOLYGON \
      -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE -lco FID=fid
  done
  {
    csv_table pmap "$work/gp-reg-pat-prac-map.csv"
    echo "\\copy pmap FROM '$work/gp-reg-pat-prac-map.csv' CSV HEADER"
    csv_table lists "$work/gp-reg-pat-prac-all.csv"
    echo "\\copy lists FROM '$work/gp-reg-pat-prac-all.csv' CSV HEADER"
    csv_table dist "$work/gp-reg-pat-prac-lsoa-all.csv"
    echo "\\copy dist FROM '$work/gp-reg-pat-prac-lsoa-all.csv' CSV HEADER"
    cat <<'SQL'
CREATE INDEX ON lsoa11 USING gist (geom);
CREATE UNIQUE INDEX ON lsoa11 (lsoa11_code);
CREATE INDEX ON icb22 USING gist (geom);
CREATE INDEX ON ltla24 USING gist (geom);
CREATE INDEX ON pmap (practice_code);
CREATE INDEX ON lists (code);
CREATE INDEX ON dist (practice_code);
ANALYZE;
SQL
  } | psql -q -X -v ON_ERROR_STOP=1
}

compute() {
  set -e
  psql -q -X -v ON_ERROR_STOP=1 -f "$here/postgis_bench.sql" >&2
  psql -q -X -v ON_ERROR_STOP=1 \
    -c "\\copy (SELECT * FROM result ORDER BY pcn_code) TO '$out' CSV HEADER"
}
export -f load compute csv_table
export work out here pg

start_server load
/usr/bin/time -v -o "$timing/postgis-load-client.time" bash -c load
stop_server load

start_server compute
/usr/bin/time -v -o "$timing/postgis-compute-client.time" bash -c compute
stop_server compute
echo "postgis_bench: wrote $out" >&2
