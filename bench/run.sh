#!/usr/bin/env bash
# The national benchmark in one command (bench/README.md, docs/PERFORMANCE.md):
#
#   bench/run.sh [--region STP_CODE] [--work DIR] [--build DIR | --bin DIR] [--data DIR]
#
# --build DIR configures (Release) and builds the two bench programs there (default
# build/bench); --bin DIR uses already built ones (the CTest smoke run). Exit 77 when the shared
# data folder is absent (CTest reports a skip), 1 when a run fails or the outputs disagree.
#
# Regenerates the workload, runs the input-read lower bound, pcnv, PostGIS and geopandas under
# /usr/bin/time -v, checks that the three outputs agree (fails loudly, exit 1, if not) and prints
# one table. Without --region: all of England.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data="$repo/../shared/data"
build="${PCNV_BENCH_BUILD:-$repo/build/bench}"
region=""
work=""
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--region STP_CODE] [--work DIR] [--build DIR] [--data DIR]" >&2
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
  cmake --build "$build" -j"$(nproc)" --target pcnv-bench-workload pcnv-bench-national >/dev/null
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

echo "bench: input read lower bound" >&2
timed read "$bin/pcnv-bench-national" --workload "$work/input" --read-only
echo "bench: pcnv" >&2
timed pcnv "$bin/pcnv-bench-national" --workload "$work/input" --out "$work/pcnv.csv"
echo "bench: PostGIS" >&2
bash "$repo/bench/peers/postgis_bench.sh" "$work/input" "$work/postgis.csv" "$work/timing" \
  2>"$work/postgis.log" || { echo "bench: PostGIS failed:" >&2; tail -20 "$work/postgis.log" >&2; exit 1; }
echo "bench: geopandas" >&2
timed geopandas "$py" "$repo/bench/peers/geopandas_bench.py" "$work/input" "$work/geopandas.csv"

if ! "$py" "$repo/bench/tools/compare.py" "$work/pcnv.csv" "$work/postgis.csv" \
    "$work/geopandas.csv"; then
  echo "bench: FAIL: the implementations disagree (outputs in $work)" >&2
  exit 1
fi
echo
echo "National benchmark, ${region:-England}: $(date -u +%Y-%m-%d), $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
grep -E '^(practices|distribution_rows|median_rows_per_practice|lsoas)=' "$work/input/workload.txt" |
  tr '\n' ' '
echo
"$py" "$repo/bench/tools/table.py" "$work/timing"
