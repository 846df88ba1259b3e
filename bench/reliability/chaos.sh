#!/usr/bin/env bash
# The chaos run (docs/RELIABILITY.md, "Chaos"): pcnv-server with the national snapshot under a
# steady load while everything around it misbehaves, then stopped with calls in flight.
#
#   bench/reliability/chaos.sh [--build DIR] [--data DIR] [--work DIR] [--region CODE]
#                              [--seconds 60] [--load 0.5] [--clients 8] [--hup-interval 1]
#
# For --seconds, all at once:
#  - steady: pcnv-bench-load, --clients clients offering --load x the measured capacity (open
#    loop), as a portal would call: with deploy/lb/grpc-service-config.json, which retries a call
#    the server sheds when busy (RESOURCE_EXHAUSTED, "retry with backoff") up to 4 times. Every
#    one of these calls must succeed with the right reply;
#  - badly behaved clients: 4 more offering a fifth of capacity, no retries, every call either with a 1-30 ms
#    deadline or cancelled by the client after 0-20 ms (--chaos-fraction 1). Each must end OK,
#    CANCELLED, DEADLINE_EXCEEDED or shed (RESOURCE_EXHAUSTED), nothing else;
#  - reloads: SIGHUP every second (--hup-interval: 0.3 makes a stress run of it), while the store
#    file the server reloads from is swapped at every third signal, in turn: truncated to half,
#    removed, replaced by random bytes, and put back. A reload of a bad store must fail, be
#    logged, and leave the server on the last good snapshot;
# Then a burst: 64 clients closed loop for 5 s (twice the server's heavy-call limit, far above
# capacity) beside the steady clients, all with the retries. Calls still shed after those
# (RESOURCE_EXHAUSTED, the documented answer to overload) are counted, any other failure fails the
# run, the server's memory is read before and at the end of the burst, and 5 s of the steady load
# right after it must succeed in full (the server recovers at once).
# Then SIGTERM with calls in flight: 3 whole-configuration validations (`pcnv validate --server`,
# every PCN of the workload) are started, the signal is sent as soon as the server's metrics show
# one running, and each must finish with its report; the server must exit 0 within its drain and
# grace periods.
# Every pcnv process's exit status is checked and the server's log is scanned for sanitizer
# reports (run it with --build build/asan to have them). Writes WORK/chaos/summary.txt; exit 0
# when every check holds, 1 when one fails, 77 without the shared data.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build="$repo/build/default"
data="$repo/../shared/data"
work=/tmp/pcnv-bench-england
region=""
seconds=60
load=0.5
clients=8
hup_interval=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --hup-interval) hup_interval=$2; shift 2 ;;
    *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
source "$repo/bench/lib.sh"
build=$(cd "$build" && pwd)  # absolute: the run below works in its own folder
server="$build/server/pcnv-server"
loadgen="$build/bench/pcnv-bench-load"
cli="$build/clients/cli/pcnv"
for tool in "$server" "$loadgen" "$cli"; do
  [ -x "$tool" ] || { echo "chaos: $tool missing (bash deploy/build.sh)" >&2; exit 1; }
done
# The workload's own tools come from the default build when --build (a sanitizer build, say) lacks
# them.
tools=$build
[ -x "$tools/bench/pcnv-bench-workload" ] || tools="$repo/build/default"
ensure_workload "$work" "$data" "$tools" "$region" || exit $?
out="$(cd "$work" && pwd)/chaos"
rm -rf "$out"
mkdir -p "$out"
# A crash leaves its core dump (core_pattern permitting) beside the stores it was reloading.
ulimit -c unlimited 2>/dev/null || true
cd "$out"
failures=()
fail() { failures+=("$1"); echo "chaos: FAIL: $1" >&2; }

# The store the server reloads from, and the bad versions swapped in for it.
store="$out/store.gpkg"
cp "$work/reference.gpkg" "$out/good.gpkg"
cp "$out/good.gpkg" "$store"
size=$(stat -c %s "$out/good.gpkg")
head -c $((size / 2)) "$out/good.gpkg" >"$out/truncated.gpkg"
head -c 65536 /dev/urandom >"$out/random.gpkg"

drain=3
grace=60
start_server "$out/server" "$server" --reference "$store" --no-call-log --metrics-port 0 \
  --drain-seconds "$drain" --grace-seconds "$grace" \
  || { echo "chaos: FAIL: the server did not start" >&2; exit 1; }
trap 'kill -KILL $server_pid 2>/dev/null || true' EXIT
target="127.0.0.1:$server_port"
metrics_port=$(sed -n 's/^pcnv-server metrics on [^:]*:\([0-9]*\)$/\1/p' "$out/server.out")
[ -n "$metrics_port" ] || { echo "chaos: FAIL: no metrics port in $out/server.out" >&2; exit 1; }
retries="$repo/deploy/lb/grpc-service-config.json"

capacity_out=$("$loadgen" --target "$target" --workload "$work/input" --clients "$clients" \
  --seconds 5 --warmup-seconds 1 2>>"$out/loadgen.log") \
  || { echo "chaos: FAIL: the capacity run failed" >&2; exit 1; }
capacity=$(load_field "$(echo "$capacity_out" | grep '^load N=')" rps)
rate=$(awk -v c="$capacity" -v f="$load" 'BEGIN {printf "%.0f", c * f}')
echo "chaos: capacity $capacity calls/s; steady load $rate calls/s for $seconds s" >&2

"$loadgen" --target "$target" --workload "$work/input" --clients "$clients" --rate "$rate" \
  --seconds "$seconds" --warmup-seconds 0 --server-pid "$server_pid" \
  --service-config "$retries" >"$out/steady.txt" 2>&1 &
steady=$!
"$loadgen" --target "$target" --workload "$work/input" --clients 4 --chaos-fraction 1 \
  --rate "$(awk -v c="$capacity" 'BEGIN {printf "%.0f", c / 5}')" \
  --seconds "$seconds" --warmup-seconds 0 --allow-status RESOURCE_EXHAUSTED \
  >"$out/badly-behaved.txt" 2>&1 &
badly=$!

# SIGHUP every --hup-interval seconds; the store swapped at every third (mv: the server never
# reads a file half-copied, as with an operator's or a sync job's atomic replace).
(
  states=(truncated missing random good)
  signals=$(awk -v s="$seconds" -v i="$hup_interval" 'BEGIN {printf "%d", s / i}')
  for ((i = 0; i < signals; i++)); do
    if ((i % 3 == 0)); then
      state=${states[$(((i / 3) % 4))]}
      case $state in
        missing) rm -f "$store" ;;
        *) cp "$out/$state.gpkg" "$store.tmp" && mv -f "$store.tmp" "$store" ;;
      esac
      echo "$i $state" >>"$out/store-states.txt"
    fi
    kill -HUP "$server_pid" 2>/dev/null || exit 0
    sleep "$hup_interval"
  done
  cp "$out/good.gpkg" "$store.tmp" && mv -f "$store.tmp" "$store"
) &
reloader=$!

wait "$reloader" || true
wait "$steady" || fail "steady load: a call failed: $(grep -m1 FAIL "$out/steady.txt" || true)"
wait "$badly" || fail "badly behaved clients: a call ended in an unexpected way: \
$(grep -m1 FAIL "$out/badly-behaved.txt" || true)"
kill -0 "$server_pid" 2>/dev/null || fail "the server died during the run"

# The burst, beside the steady load; then the steady load alone must succeed in full.
rss_before_burst=$(rss_kib "$server_pid")
"$loadgen" --target "$target" --workload "$work/input" --clients "$clients" --rate "$rate" \
  --seconds 5 --warmup-seconds 0 --service-config "$retries" --allow-status RESOURCE_EXHAUSTED \
  >"$out/steady-during-burst.txt" 2>&1 &
steady_burst=$!
"$loadgen" --target "$target" --workload "$work/input" --clients 64 --seconds 5 \
  --warmup-seconds 0 --allow-status RESOURCE_EXHAUSTED --service-config "$retries" \
  >"$out/burst.txt" 2>&1 \
  || fail "burst: calls failed other than by being shed: $(grep -m1 FAIL "$out/burst.txt" || true)"
rss_burst=$(rss_kib "$server_pid")
wait "$steady_burst" || fail "steady load during the burst: a call failed other than by being \
shed: $(grep -m1 FAIL "$out/steady-during-burst.txt" || true)"
"$loadgen" --target "$target" --workload "$work/input" --clients "$clients" --rate "$rate" \
  --seconds 5 --warmup-seconds 0 --service-config "$retries" >"$out/steady-after-burst.txt" 2>&1 \
  || fail "steady load after the burst: a call failed: \
$(grep -m1 FAIL "$out/steady-after-burst.txt" || true)"

# After the last swap the good store is back: one more reload must succeed, and a call answer.
kill -HUP "$server_pid"
sleep 1
"$loadgen" --target "$target" --workload "$work/input" --clients 1 --max-calls 20 --seconds 0 \
  --warmup-seconds 0 >"$out/after.txt" 2>&1 || fail "calls after the reloads failed"

# SIGTERM with calls in flight.
input="$work/input"
for i in 1 2 3; do
  (
    rc=0
    "$cli" validate --server "$target" --practices "$input/gp-reg-pat-prac-map.csv" \
      --list-sizes "$input/gp-reg-pat-prac-all.csv" \
      --distribution "$input/gp-reg-pat-prac-lsoa-all.csv" --out "$out/in-flight-$i.json" \
      >"$out/in-flight-$i.out" 2>&1 || rc=$?
    echo "$rc $(date +%s.%N)" >"$out/in-flight-$i.end"
  ) &
  in_flight[i]=$!
done
# The CLI reads the whole configuration before it calls: stop the server as soon as its
# calls-in-flight gauge shows one of them running (or after 10 s). The drain period is longer
# than the CLI takes to read the national files, so the others still get in, and every one
# accepted must finish.
in_flight_now() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    awk '/^pcnv_calls_in_flight\{/ {n += $NF} END {print n + 0}'
}
for _ in $(seq 1 1000); do
  [ "$(in_flight_now)" -ge 1 ] && break
  sleep 0.01
done
running_at_term=$(in_flight_now)
term_at=$(date +%s.%N)
kill -TERM "$server_pid"
after_term=()
for i in 1 2 3; do
  wait "${in_flight[i]}" || true
  read -r rc end_at <"$out/in-flight-$i.end"
  if [ "$rc" -gt 1 ] || [ ! -s "$out/in-flight-$i.json" ]; then
    fail "in-flight call $i: exit $rc, no report: $(tail -n 2 "$out/in-flight-$i.out")"
  fi
  after_term+=("$(awk -v e="$end_at" -v t="$term_at" 'BEGIN {printf "%.2f", e - t}')")
done
server_rc=0
wait "$server_pid" || server_rc=$?
stopped_after=$(awk -v t="$term_at" -v now="$(date +%s.%N)" 'BEGIN {printf "%.1f", now - t}')
trap - EXIT
[ $server_rc -eq 0 ] || fail "the server exited with status $server_rc after SIGTERM"
if grep -qE "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:" "$out/server.log"; then
  fail "sanitizer report in the server log"
fi

# The figures.
steady_line=$(grep '^load N=' "$out/steady.txt" || true)
badly_line=$(grep '^load N=' "$out/badly-behaved.txt" || true)
burst_line=$(grep '^load N=' "$out/burst.txt" || true)
during_line=$(grep '^load N=' "$out/steady-during-burst.txt" || true)
after_line=$(grep '^load N=' "$out/steady-after-burst.txt" || true)
reloads_ok=$(grep -c "SIGHUP: reloaded" "$out/server.log" || true)
reloads_failed=$(grep "SIGHUP: " "$out/server.log" | grep -vc "SIGHUP: reloaded" || true)
{
  echo "chaos: $seconds s on $(nproc) cores, capacity $capacity calls/s, build $build"
  echo "chaos: steady: $(load_field "$steady_line" calls) calls at $rate calls/s offered," \
    "$(load_field "$steady_line" errors) errors, p50 $(load_field "$steady_line" p50_ms) ms," \
    "p99 $(load_field "$steady_line" p99_ms) ms, max $(load_field "$steady_line" max_ms) ms"
  echo "chaos: badly behaved: $(load_field "$badly_line" chaos_calls) calls:" \
    "$(load_field "$badly_line" chaos_ok) OK, $(load_field "$badly_line" chaos_cancelled) CANCELLED," \
    "$(load_field "$badly_line" chaos_deadline) DEADLINE_EXCEEDED," \
    "$(load_field "$badly_line" refused) shed, 0 otherwise"
  echo "chaos: burst (64 clients, 5 s): $(load_field "$burst_line" calls) calls answered," \
    "$(load_field "$burst_line" refused) shed after retries (RESOURCE_EXHAUSTED)," \
    "p99 $(load_field "$burst_line" p99_ms) ms; the steady clients meanwhile:" \
    "$(load_field "$during_line" calls) answered, $(load_field "$during_line" refused) shed," \
    "p99 $(load_field "$during_line" p99_ms) ms; server RSS $((rss_before_burst / 1024)) MiB before," \
    "$((rss_burst / 1024)) MiB at the end of the burst"
  echo "chaos: after the burst: $(load_field "$after_line" calls) steady calls," \
    "$(load_field "$after_line" errors) errors, p99 $(load_field "$after_line" p99_ms) ms"
  echo "chaos: reloads: $reloads_ok succeeded, $reloads_failed refused (bad or missing store)," \
    "the server serving its last good snapshot throughout"
  echo "chaos: SIGTERM with 3 whole-configuration calls started, $running_at_term running on the" \
    "server at the signal: all finished with their reports, ${after_term[*]} s after it; the server exited $server_rc" \
    "$stopped_after s after it (drain $drain s, grace $grace s)"
  if [ ${#failures[@]} -eq 0 ]; then
    echo "chaos: PASS"
  else
    printf 'chaos: FAIL: %s\n' "${failures[@]}"
    echo "chaos: the logs, the store versions and any core dump are in $out"
  fi
} | tee "$out/summary.txt"
[ ${#failures[@]} -eq 0 ]
