#!/usr/bin/env bash
# The national benchmark in one command (bench/README.md, docs/PERFORMANCE.md):
#
#   bench/run.sh [--region STP_CODE] [--work DIR] [--build DIR | --bin DIR] [--data DIR]
#                [--no-micro] [--no-load] [--load-seconds S] [--load-rate R]
#
# --build DIR configures (Release) and builds the bench programs there (default build/bench);
# --bin DIR uses already built ones (the CTest smoke run). Exit 77 when the shared data folder is
# absent (CTest reports a skip), 1 when a run fails or the outputs disagree.
#
# Regenerates the workload, builds pcnv's reference store (`pcnv reference build`, once per boundary
# vintage), times the input-read lower bounds, `pcnv validate` as users run it (on the store, with
# the layers, through pcnv-server in one call and streamed), pcnv-bench-national, PostGIS (end to
# end, and warm) and geopandas under /usr/bin/time -v, checks that every output agrees (fails
# loudly, exit 1, if not) and prints one table with the ratio targets of issue 15. Then, unless --no-micro, runs the Google Benchmark micro-benchmarks
# (pcnv-bench-micro) on the same workload and prints theirs. Without --region: all of England.
#
# Then, unless --no-load, the interactive load benchmark: serves the reference store the national
# run used (built from the workload's layers), starts pcnv-server on a free loopback port (stopped on
# exit, whatever happens), and runs pcnv-bench-load with 1, 4 and 16 concurrent clients for
# --load-seconds each (default 10), closed loop (saturation throughput), then open loop: 16 clients
# offering --load-rate calls/s in all (default 1000; 0 skips it), latency at that fixed load. Any
# failed call fails the run.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data="$repo/../shared/data"
build="${PCNV_BENCH_BUILD:-$repo/build/bench}"
region=""
work=""
bin=""
micro=1
load=1
load_seconds=10
load_rate=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --no-micro) micro=""; shift ;;
    --no-load) load=""; shift ;;
    --load-seconds) load_seconds="$2"; shift 2 ;;
    --load-rate) load_rate="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--region STP_CODE] [--work DIR] [--build DIR] [--data DIR]" \
         "[--no-micro] [--no-load] [--load-seconds S] [--load-rate R]" >&2
       exit 2 ;;
  esac
done
[ -d "$data/ons" ] || { echo "bench: SKIP: no shared data at $data" >&2; exit 77; }
work="${work:-/tmp/pcnv-bench-${region:-england}}"
py=/usr/bin/python3  # Debian's python3, where python3-geopandas lives
for tool in /usr/bin/time "$py"; do
  [ -x "$tool" ] || { echo "bench: $tool missing (bash deploy/install-deps.sh)" >&2; exit 2; }
done

if [ -z "$bin" ]; then
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$build" -j"$(nproc)" --target pcnv-bench-workload pcnv-bench-national \
    pcnv-bench-micro pcnv pcnv-server ${load:+pcnv-bench-load} >/dev/null
  bin="$build/bench"
fi

rm -rf "$work"
mkdir -p "$work/timing"
timed() {  # $1: name; rest: command. Its stderr goes to $work/$1.log.
  local name=$1; shift
  /usr/bin/time -v -o "$work/timing/$name.time" "$@" 2>"$work/$name.log" ||
    { echo "bench: $name failed:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
}

echo "bench: workload (${region:-england}) -> $work" >&2
"$bin/pcnv-bench-workload" --data "$data" --out "$work/input" ${region:+--region "$region"} \
  >"$work/workload.log"
cat "$work/input/workload.txt" >&2

top=$(cd "$bin/.." && pwd)  # the build tree: pcnv and pcnv-server beside the bench programs
pcnv_cli="$top/clients/cli/pcnv"
pcnv_server="$top/server/pcnv-server"
for tool in "$pcnv_cli" "$pcnv_server"; do
  [ -x "$tool" ] || { echo "bench: $tool missing (build the pcnv and pcnv-server targets)" >&2; exit 1; }
done
in="$work/input"
csvs=(--practices "$in/gp-reg-pat-prac-map.csv" --list-sizes "$in/gp-reg-pat-prac-all.csv"
  --distribution "$in/gp-reg-pat-prac-lsoa-all.csv")
layers=(--areas "$in/lsoa11.gpkg:lsoa11_code" --footprint "icb=$in/icb22.gpkg:ICB22CD"
  --footprint "community=$in/ltla24.gpkg:ltla24_code")
# `pcnv validate` exits 1 when a finding is at ERROR (the national map has some): that is its
# verdict, not a failure; 2 is.
timed_validate() {  # as timed
  local name=$1; shift
  /usr/bin/time -v -o "$work/timing/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.log" ||
    [ $? -eq 1 ] || { echo "bench: $name failed:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
}

# pcnv-server on the reference store (loopback, a free port), stopped on exit whatever happens;
# used by the --server row and, with the same store, by the load benchmark.
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT
trap 'exit 1' INT TERM HUP  # through the EXIT trap
start_server() {  # $1: name of its logs in $work; sets port
  # No call log (a JSON line per call is not what is measured); no heavy-call limit, so no call
  # is refused as SERVER_BUSY.
  "$pcnv_server" --reference "$work/reference.gpkg" --host 127.0.0.1 --port 0 --no-call-log \
    --max-concurrent-heavy-calls 0 --grace-seconds 2 >"$work/$1.out" 2>"$work/$1.log" &
  server_pid=$!
  # The port is printed at once; "loaded" follows on stderr once the snapshot serves.
  port=""
  for _ in $(seq 600); do
    port=$(sed -n 's/^pcnv-server listening on .*:\([0-9][0-9]*\)$/\1/p' "$work/$1.out")
    if [ -n "$port" ] && grep -q '^pcnv-server: loaded ' "$work/$1.log"; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null ||
      { echo "bench: pcnv-server exited:" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
    port=""
    sleep 0.2
  done
  echo "bench: pcnv-server did not load the reference in 120 s:" >&2
  tail -20 "$work/$1.log" >&2
  exit 1
}

# pcnv as users run it (README): the reference store built once per boundary vintage, then
# `pcnv validate` on it writing the full JSON report; with the layers given instead of a store;
# and through pcnv-server (`pcnv validate --server`: the whole national input in one Validate
# call, and with --stream in chunks through ValidateStream).
echo "bench: pcnv reference build (once per vintage)" >&2
timed reference "$pcnv_cli" reference build "${layers[@]}" --out "$work/reference.gpkg"
# What reading those inputs costs: pcnv's own readers (the store and the three CSVs, nothing
# validated), and the floor under any reader (every byte mapped and scanned for delimiters).
echo "bench: input read lower bounds" >&2
timed read "$bin/pcnv-bench-national" --workload "$in" --reference "$work/reference.gpkg" \
  --read-only
timed floor "$bin/pcnv-bench-national" --workload "$in" --reference "$work/reference.gpkg" \
  --read-floor
echo "bench: pcnv validate --reference STORE --out report.json" >&2
timed_validate cli-store "$pcnv_cli" validate --reference "$work/reference.gpkg" "${csvs[@]}" \
  --out "$work/cli-store.json"
echo "bench: pcnv validate with the layers (no store)" >&2
timed_validate cli-layers "$pcnv_cli" validate "${layers[@]}" "${csvs[@]}" \
  --out "$work/cli-layers.json"
start_server server-row
echo "bench: pcnv validate --server (pcnv-server on 127.0.0.1:$port)" >&2
timed_validate cli-server "$pcnv_cli" validate --server "127.0.0.1:$port" "${csvs[@]}" \
  --out "$work/cli-server.json"
echo "bench: pcnv validate --server --stream (ValidateStream)" >&2
timed_validate cli-stream "$pcnv_cli" validate --server "127.0.0.1:$port" --stream "${csvs[@]}" \
  --out "$work/cli-stream.json"
stop_server
# The engine alone, in-process, writing the comparison CSV (area shares included).
echo "bench: pcnv-bench-national (in-process)" >&2
timed pcnv "$bin/pcnv-bench-national" --workload "$in" --reference "$work/reference.gpkg" \
  --out "$work/pcnv.csv"
echo "bench: PostGIS" >&2
bash "$repo/bench/peers/postgis_bench.sh" "$in" "$work/postgis.csv" "$work/timing" \
  2>"$work/postgis.log" || { echo "bench: PostGIS failed:" >&2; tail -20 "$work/postgis.log" >&2; exit 1; }
echo "bench: geopandas" >&2
timed geopandas "$py" "$repo/bench/peers/geopandas_bench.py" "$in" "$work/geopandas.csv"

if ! "$py" "$repo/bench/tools/compare.py" "$work/pcnv.csv" "$work/postgis.csv" \
    "$work/geopandas.csv" "$work/cli-store.json" "$work/cli-layers.json" \
    "$work/cli-server.json" "$work/cli-stream.json"; then
  echo "bench: FAIL: the implementations disagree (outputs in $work)" >&2
  exit 1
fi
echo
echo "National benchmark, ${region:-England}: $(date -u +%Y-%m-%d), $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
grep -E '^(practices|distribution_rows|median_rows_per_practice|lsoas)=' "$in/workload.txt" |
  tr '\n' ' '
echo
"$py" "$repo/bench/tools/table.py" "$work/timing"

if [ -n "$micro" ]; then
  # Micro-benchmarks of the hot paths on the same workload (bench/README.md); load times and
  # errors go to $work/micro.log, the JSON to $work/micro.json.
  echo "bench: micro-benchmarks" >&2
  echo
  echo "Micro-benchmarks (pcnv-bench-micro), ${region:-England} workload:"
  "$bin/pcnv-bench-micro" --workload "$work/input" --data "$data" --benchmark_min_time=0.2 \
    --benchmark_out="$work/micro.json" --benchmark_out_format=json 2>"$work/micro.log" ||
    { echo "bench: micro-benchmarks failed:" >&2; tail -20 "$work/micro.log" >&2; exit 1; }
fi

if [ -n "$load" ]; then
  # The interactive load benchmark (bench/README.md): pcnv-bench-load against pcnv-server
  # from the same build tree, on the same reference store. Closed loop in $work/load.txt, open
  # loop in load-open.txt; logs: $work/server.log, load.log, load-open.log.
  [ -x "$bin/pcnv-bench-load" ] ||
    { echo "bench: $bin/pcnv-bench-load missing (build it, or pass --no-load)" >&2; exit 1; }
  start_server server
  echo "bench: interactive load: pcnv-bench-load on 127.0.0.1:$port (closed loop)" >&2
  "$bin/pcnv-bench-load" --target "127.0.0.1:$port" --workload "$work/input" \
    --clients 1,4,16 --seconds "$load_seconds" --server-pid "$server_pid" --slowest 5 \
    >"$work/load.txt" 2>"$work/load.log" ||
    { echo "bench: load benchmark failed:" >&2; cat "$work/load.txt" "$work/load.log" >&2; exit 1; }
  # Open loop: 16 clients together offering $load_rate calls/s, the latency at that load (the
  # closed loop above gives the saturation throughput). Same server.
  if [ "$load_rate" != 0 ]; then
    echo "bench: interactive load: pcnv-bench-load on 127.0.0.1:$port (open loop," \
      "$load_rate calls/s)" >&2
    "$bin/pcnv-bench-load" --target "127.0.0.1:$port" --workload "$work/input" \
      --clients 16 --rate "$load_rate" --seconds "$load_seconds" \
      --server-pid "$server_pid" --slowest 5 \
      >"$work/load-open.txt" 2>"$work/load-open.log" ||
      { echo "bench: open-loop load benchmark failed:" >&2
        cat "$work/load-open.txt" "$work/load-open.log" >&2; exit 1; }
  fi
  stop_server
  echo
  echo "Interactive load (pcnv-bench-load -> pcnv-server, loopback), ${region:-England}" \
    "workload, $(nproc) cores shared by server and clients; closed loop (saturation):"
  grep -v '^load ' "$work/load.txt"
  grep '^load ' "$work/load.txt" >&2
  if [ "$load_rate" != 0 ]; then
    echo
    echo "Open loop (latency at a fixed offered load): 16 clients offering $load_rate calls/s" \
      "in all:"
    grep -v -e '^load ' -e ' PCN requests from ' "$work/load-open.txt"
    grep '^load ' "$work/load-open.txt" >&2
  fi
fi
