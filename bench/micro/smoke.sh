#!/usr/bin/env bash
# CTest smoke run of pcnv-bench-micro (bench/README.md): a one-STP workload (Cumbria and North
# East, QHM), then every benchmark with a tiny minimum time, so the program cannot rot.
#
#   bench/micro/smoke.sh BIN_DIR WORK_DIR DATA_DIR
#
# Exit 77 (a CTest skip) when the shared data folder is absent.
set -euo pipefail
bin=$1
work=$2
data=$3
[ -d "$data/ons" ] || { echo "bench-micro smoke: SKIP: no shared data at $data" >&2; exit 77; }
rm -rf "$work"
mkdir -p "$work"
"$bin/pcnv-bench-workload" --data "$data" --out "$work/input" --region QHM >"$work/workload.log"
"$bin/pcnv-bench-micro" --workload "$work/input" --data "$data" --benchmark_min_time=0.01
