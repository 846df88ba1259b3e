#!/usr/bin/env bash
# The soak run (docs/RELIABILITY.md, "Soak"): pcnv-server with the national snapshot under a
# steady open-loop load at a fraction of its measured capacity for a long time.
#
#   bench/reliability/soak.sh [--build DIR] [--data DIR] [--work DIR] [--region CODE]
#                             [--seconds 600] [--load 0.8] [--clients 16] [--interval 30]
#                             [--plot PNG] [--judge-p99 yes|no]
#
# 1. Capacity: pcnv-bench-load closed loop, --clients clients, 10 s (after 2 s of warm-up).
# 2. The soak: the same clients offering --load x capacity calls/s (open loop, so a slow call
#    cannot hide the calls queued behind it) for --seconds, one `interval` line of latency per
#    --interval seconds; meanwhile the server's resident memory is read every 5 s.
# 3. Verdict, each printed with its figures: no call failed (pcnv-bench-load fails on any error
#    or wrong reply); the offered rate was sustained; p99 stable after warm-up (over the
#    intervals that end after the first minute, the largest interval p99 at most 2x their
#    median; the warm-up's are printed); memory after warm-up (the mean RSS over the 60 s after
#    the first minute, against the mean over the last 60 s; a fifth of the run each when it is
#    shorter than 5 minutes) grows less than 5%.
# Writes WORK/soak/{load.txt,rss.tsv,summary.txt} and, with --plot, a PNG of p99 and RSS over
# time (bench/reliability/plot_soak.py). Exit 0 when every check holds, 1 when one fails, 77
# without the shared data. --judge-p99 no (the suite's 20 s smoke run): p99 stability is printed
# but not judged, since four 5-second windows on a machine running other tests say nothing about
# it; every other check still holds the run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build="$repo/build/default"
data="$repo/../shared/data"
work=/tmp/pcnv-bench-england
region=""
seconds=600
load=0.8
clients=16
interval=30
plot=""
judge_p99=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --plot) plot=$2; shift 2 ;;
    --judge-p99) judge_p99=$2; shift 2 ;;
    *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
source "$repo/bench/lib.sh"
server="$build/server/pcnv-server"
loadgen="$build/bench/pcnv-bench-load"
for tool in "$server" "$loadgen"; do
  [ -x "$tool" ] || { echo "soak: $tool missing (bash deploy/build.sh)" >&2; exit 1; }
done
ensure_workload "$work" "$data" "$build" "$region" || exit $?
out="$work/soak"
rm -rf "$out"
mkdir -p "$out"

# As in production but for the call log (a line per call: 600,000 lines would only measure the
# disk) and the heavy-call limit (every call here is light).
start_server "$out/server" "$server" --reference "$work/reference.gpkg" --no-call-log \
  || { echo "soak: FAIL: the server did not start" >&2; exit 1; }
trap 'kill -TERM $server_pid 2>/dev/null || true' EXIT
target="127.0.0.1:$server_port"

echo "soak: measuring capacity ($clients clients, closed loop, 10 s)" >&2
capacity_out=$("$loadgen" --target "$target" --workload "$work/input" --clients "$clients" \
  --seconds 10 --warmup-seconds 2 2>>"$out/loadgen.log") \
  || { echo "soak: FAIL: the capacity run failed:" >&2; echo "$capacity_out" | tail -3 >&2; exit 1; }
capacity=$(load_field "$(echo "$capacity_out" | grep '^load N=')" rps)
rate=$(awk -v c="$capacity" -v f="$load" 'BEGIN {printf "%.0f", c * f}')
echo "soak: capacity $capacity calls/s; offering $rate calls/s for $seconds s" >&2

# Resident memory every 5 s (every second in a run shorter than 100 s), from the start of the
# soak (t in seconds, RSS in KiB).
sample_every=$([ "$seconds" -ge 100 ] && echo 5 || echo 1)
printf 't_s\trss_kib\n' >"$out/rss.tsv"
(
  start=$(date +%s.%N)
  while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(rss_kib "$server_pid")
    [ -n "$rss" ] && awk -v now="$(date +%s.%N)" -v s="$start" -v r="$rss" \
      'BEGIN {printf "%.1f\t%s\n", now - s, r}' >>"$out/rss.tsv"
    sleep "$sample_every"
  done
) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; kill -TERM $server_pid 2>/dev/null || true' EXIT

status=0
"$loadgen" --target "$target" --workload "$work/input" --clients "$clients" --rate "$rate" \
  --seconds "$seconds" --warmup-seconds 0 --interval-seconds "$interval" \
  --server-pid "$server_pid" >"$out/load.txt" 2>>"$out/loadgen.log" || status=1
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
kill -0 "$server_pid" 2>/dev/null || { echo "soak: FAIL: the server died" >&2; exit 1; }
kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null || true
trap - EXIT
if [ $status -ne 0 ]; then
  echo "soak: FAIL: calls failed:" >&2
  grep -E "FAIL|load N=" "$out/load.txt" "$out/loadgen.log" | tail -5 >&2
  exit 1
fi

line=$(grep '^load N=' "$out/load.txt")
grep '^interval ' "$out/load.txt" | sed 's/^interval N=[0-9]* //' >"$out/intervals.txt"
verdict=0
/usr/bin/python3 - "$out" "$line" "$seconds" "$capacity" "$rate" "$(nproc)" "$judge_p99" \
  >"$out/summary.txt" <<'PY' || verdict=$?
import statistics, sys
out, line, seconds, capacity, rate, cores, judge_p99 = sys.argv[1:]
fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
intervals = [dict(kv.split("=", 1) for kv in l.split()) for l in open(f"{out}/intervals.txt")]
p99s = [float(i["p99_ms"]) for i in intervals]
rss = [tuple(map(float, l.split("\t"))) for l in open(f"{out}/rss.tsv").readlines()[1:]]
def mean_rss(lo, hi):
    v = [r for t, r in rss if lo <= t < hi]
    return sum(v) / len(v) if v else float("nan")
end = max(t for t, _ in rss)
w = min(60.0, float(seconds) / 5)  # the warm-up, and the width of the two windows compared
warm = mean_rss(w, 2 * w)
last = mean_rss(end - w, end + 1)
growth = (last - warm) / warm
# p99 stability is judged after the same warm-up as memory (new connections and the server's
# first calls on each), on the intervals that end after it; the warm-up's are printed too.
steady = [p for i, p in zip(intervals, p99s) if float(i["t_s"]) > w] or p99s
warmup = p99s[: len(p99s) - len(steady)]
median_p99 = statistics.median(steady)
checks = [
    ("no failed call", int(fields["errors"]) == 0, f"{fields['calls']} calls, {fields['errors']} errors"),
    ("offered rate sustained", fields.get("sustained") == "yes",
     f"offered {rate} calls/s ({float(rate) / float(capacity):.0%} of {float(capacity):.0f}), "
     f"achieved {float(fields['rps']):.1f}"),
    ("p99 stable after warm-up", max(steady) <= 2 * median_p99 or judge_p99 == "no",
     f"interval p99 after {w:.0f} s: median {median_p99:.2f} ms, min {min(steady):.2f}, max "
     f"{max(steady):.2f} over {len(steady)} intervals (warm-up intervals: "
     f"{', '.join(f'{p:.1f}' for p in warmup) or 'none'} ms); whole run p50 {fields['p50_ms']} "
     f"p99 {fields['p99_ms']} ms" + ("" if judge_p99 == "yes" else " (--judge-p99 no)")),
    ("memory flat after warm-up", growth < 0.05,
     f"RSS mean {warm / 1024:.1f} MiB at {w:.0f}-{2 * w:.0f} s, {last / 1024:.1f} MiB over the "
     f"last {w:.0f} s "
     f"({growth:+.2%}); peak {max(r for _, r in rss) / 1024:.1f} MiB; {len(rss)} samples"),
]
print(f"soak: {seconds} s, {cores} cores, server CPU {fields.get('server_cpu_ms', '?')} ms/call")
for name, ok, text in checks:
    verdict = "PASS" if ok else "FAIL"
    if name.startswith("p99 stable") and judge_p99 == "no":
        verdict = "NOT JUDGED"
    print(f"soak: {verdict}: {name}: {text}")
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
PY
cat "$out/summary.txt"
if [ -n "$plot" ]; then
  /usr/bin/python3 "$repo/bench/reliability/plot_soak.py" "$out" "$plot"
fi
exit "$verdict"
