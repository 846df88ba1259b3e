#!/usr/bin/env bash
# Throughput of a local pcnv fleet behind HAProxy (deploy/fleet/run-local.sh) with 1, 2 and 3
# replicas, beside one pcnv-server called directly, and where the machine's cores go: the load
# generator, the proxy, the replicas (docs/PERFORMANCE.md, "Through a proxy").
#
#   bench/fleet.sh [--work DIR] [--build DIR] [--data DIR] [--clients 16] [--seconds 10]
#                  [--replicas "1 2 3"] [--lb haproxy|nginx]
#
# The workload and reference store are bench/run.sh's (all of England; made here under --work
# when absent: pcnv-bench-workload from --data, the store with pcnv-bench-national). Each row runs
# pcnv-bench-load closed loop with --clients clients (one connection each) for --seconds; the CPU
# time of every process (utime + stime from /proc/PID/stat, taken before and after the run, so
# the load generator's start-up, when the others are idle, costs them nothing) is divided by the
# measured seconds: cores each kept busy. "other" is what the rest of the machine used meanwhile
# (/proc/stat); well above 0 means the run was disturbed. Any failed call fails the benchmark.
# Exit 77 without the shared data (a skip for CTest), 1 on failure.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data="$repo/../shared/data"
build="$repo/build/default"
work=/tmp/pcnv-bench-england
clients=16
seconds=10
replica_counts="1 2 3"
lb=haproxy
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --replicas) replica_counts=$2; shift 2 ;;
    --lb) lb=$2; shift 2 ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
server="$build/server/pcnv-server"
loadgen="$build/bench/pcnv-bench-load"
for tool in "$server" "$loadgen" "$build/bench/pcnv-bench-workload" "$build/bench/pcnv-bench-national"; do
  [ -x "$tool" ] || { echo "bench-fleet: $tool missing (bash deploy/build.sh)" >&2; exit 1; }
done
source "$repo/bench/lib.sh"
ensure_workload "$work" "$data" "$build" || exit $?
out="$work/fleet"
mkdir -p "$out"
# As bench/run.sh's load benchmark: no call log, no heavy-call limit.
server_flags=(--no-call-log --max-concurrent-heavy-calls 0)

cpu_of() {  # utime + stime of a process in clock ticks (0 if it is gone)
  awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_tree() {  # the same for a process and its children (nginx's workers)
  local total
  total=$(cpu_of "$1")
  for child in $(pgrep -P "$1" || true); do total=$((total + $(cpu_of "$child"))); done
  echo "$total"
}
busy() {  # busy ticks of the whole machine
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}
hz=$(getconf CLK_TCK)

rows=()
# measure NAME TARGET PROXY_PID REPLICA_PIDS...: one closed-loop run, one table row.
measure() {
  local name=$1 target=$2 proxy=$3
  shift 3
  local replicas=("$@") before_proxy before_busy before_reps=() result line
  before_proxy=$([ -n "$proxy" ] && cpu_tree "$proxy" || echo 0)
  for p in "${replicas[@]}"; do before_reps+=("$(cpu_of "$p")"); done
  before_busy=$(busy)
  result=$("$loadgen" --target "$target" --workload "$work/input" --clients "$clients" \
    --seconds "$seconds" --warmup-seconds 1 2>>"$out/loadgen.log") \
    || { echo "bench-fleet: $name: the load generator failed (calls failed?):" >&2; \
         echo "$result" | tail -5 >&2; tail -5 "$out/loadgen.log" >&2; exit 1; }
  local after_busy after_proxy reps_ticks=0
  after_busy=$(busy)
  after_proxy=$([ -n "$proxy" ] && cpu_tree "$proxy" || echo 0)
  for k in "${!replicas[@]}"; do
    reps_ticks=$((reps_ticks + $(cpu_of "${replicas[$k]}") - ${before_reps[$k]}))
  done
  line=$(echo "$result" | grep '^load N=')
  echo "$line" >>"$out/load-lines.txt"
  local calls rps p50 p99 wall client_ms
  calls=$(load_field "$line" calls); rps=$(load_field "$line" rps)
  p50=$(load_field "$line" p50_ms); p99=$(load_field "$line" p99_ms)
  wall=$(load_field "$line" seconds); client_ms=$(load_field "$line" client_cpu_ms)
  rows+=("$(awk -v name="$name" -v calls="$calls" -v rps="$rps" -v p50="$p50" -v p99="$p99" \
    -v wall="$wall" -v client_ms="$client_ms" -v proxy=$((after_proxy - before_proxy)) \
    -v reps="$reps_ticks" -v busy=$((after_busy - before_busy)) -v hz="$hz" -v n="${#replicas[@]}" '
    BEGIN {
      client = client_ms * calls / 1000 / wall  # cores: the generator measures its own phase
      prox = proxy / hz / wall; rep = reps / hz / wall; all = busy / hz / wall
      other = all - client - prox - rep; if (other < 0) other = 0
      printf "| %s | %d | %s | %.0f | %.2f | %.2f | %.2f | %s | %.2f | %.2f | %.2f |",
        name, n, calls, rps, p50, p99, client, (name ~ /direct/ ? "-" : sprintf("%.2f", prox)),
        rep, other, 1000 * reps / hz / calls
    }')")
  echo "bench-fleet: ${rows[-1]}" >&2
}

# 1. One pcnv-server, called directly.
start_server "$out/direct" "$server" --reference "$work/reference.gpkg" "${server_flags[@]}" \
  || { echo "bench-fleet: the direct server did not start" >&2; exit 1; }
direct=$server_pid
port=$server_port
trap 'kill -TERM $direct 2>/dev/null || true' EXIT
measure "direct (no proxy)" "127.0.0.1:$port" "" "$direct"
kill -TERM "$direct"; kill -TERM "$direct" 2>/dev/null || true
wait "$direct" 2>/dev/null || true
trap - EXIT

# 2. The fleet behind the proxy, for each replica count.
for n in $replica_counts; do
  state="$out/state-$n"
  rm -rf "$state"
  coproc FLEET { exec bash "$repo/deploy/fleet/run-local.sh" --replicas "$n" --lb "$lb" \
    --reference "$work/reference.gpkg" --build "$build" --state "$state" -- "${server_flags[@]}" \
    2>"$out/run-local-$n.log"; }
  fleet_pid=$FLEET_PID
  trap 'kill -TERM $fleet_pid 2>/dev/null || true; wait $fleet_pid 2>/dev/null || true' EXIT
  read -r proxy_port <&"${FLEET[0]}" || { echo "bench-fleet: run-local.sh failed:" >&2; \
    tail -5 "$out/run-local-$n.log" >&2; exit 1; }
  proxy_pid=$(pgrep -P "$fleet_pid" -x "$lb" | head -n1 || true)
  [ -n "$proxy_pid" ] || proxy_pid=$(pgrep -P "$fleet_pid" | xargs -r ps -o pid=,comm= -p \
    | awk -v lb="$lb" '$2 == lb {print $1}' | head -n1)
  reps=()
  for i in $(seq 1 "$n"); do reps+=("$(cat "$state/replica-$i.pid")"); done
  measure "through $lb" "127.0.0.1:$proxy_port" "$proxy_pid" "${reps[@]}"
  kill -TERM "$fleet_pid"
  wait "$fleet_pid" 2>/dev/null || true
  trap - EXIT
done

echo
echo "Through a proxy: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); pcnv-bench-load," \
  "$clients clients (one connection each), closed loop, $seconds s per row; build $build"
echo
echo "| setup | replicas | calls | calls/s | p50 ms | p99 ms | cores: load generator | cores: proxy | cores: replicas | cores: other | replica CPU ms/call |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
