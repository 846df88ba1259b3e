#!/usr/bin/env bash
# CI's fuzz smoke run: builds the fuzz preset (clang-14, libFuzzer, ASan+UBSan) and runs every
# fuzz target for a few seconds over its seed corpus (fuzz/corpus/TARGET), its crash
# regressions (fuzz/regressions/TARGET) and, when ../shared/data is there, small extracts of the
# real data (fuzz/extract_seeds.sh real). It keeps the targets building and running; finding
# new bugs is the campaign's job (fuzz/campaign.sh). deploy/test.sh runs it after the suite.
# A fixed seed (-seed=1) makes each run try the same inputs, so CI does not fail at random.
#
#   fuzz/smoke.sh [SECONDS]    seconds per target (default 5, or PCNV_FUZZ_SMOKE_SECONDS)
#
# Fails on the first target that crashes, leaks, trips UBSan or hangs (-timeout), printing the
# tail of its log; the input is left in build/fuzz-smoke/TARGET/ (crash-*, leak-*, timeout-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${PCNV_FUZZ_SMOKE_SECONDS:-5}}
source fuzz/fuzz_env.sh

start=$SECONDS
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
echo "fuzz smoke: build took $((SECONDS - start)) s"

work=build/fuzz-smoke
rm -rf "$work"
mkdir -p "$work"
if [ -d ../shared/data ]; then
  bash fuzz/extract_seeds.sh real ../shared/data "$work/real" 2>/dev/null
fi

run_start=$SECONDS
printf '%-20s %10s %8s %8s %6s\n' target executions cov ft corpus
for t in "${fuzz_targets[@]}"; do
  mkdir -p "$work/$t/new"
  dirs=("$work/$t/new" "fuzz/corpus/$t")
  [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
  [ -d "$work/real/$t" ] && dirs+=("$work/real/$t")
  if ! "$fuzz_bin/fuzz_$t" -seed=1 -max_total_time="$seconds" -runs=2000000 -timeout=25 \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$t/" "${dirs[@]}" > "$work/$t.log" 2>&1; then
    echo "fuzz smoke: fuzz_$t FAILED; last lines of $work/$t.log:" >&2
    tail -n 60 "$work/$t.log" >&2
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  last=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$work/$t.log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-20s %10s %8s %8s %6s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
done
echo "fuzz smoke: ${#fuzz_targets[@]} targets, ${seconds} s each, $((SECONDS - run_start)) s of runs"
