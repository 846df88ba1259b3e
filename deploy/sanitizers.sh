#!/usr/bin/env bash
# The reliability runs of CI (docs/RELIABILITY.md, "Sanitizers" and "Fuzzing"); deploy/test.sh
# runs them after the suite and the lint.
#
#   deploy/sanitizers.sh [asan] [tsan]      (default: both)
#
# asan: the asan preset (clang-14, ASan + UBSan, leak detection on, every UBSan report fatal)
#       builds everything, the libFuzzer targets included; every fuzz target runs for a few
#       seconds (fuzz/smoke.sh), then the suite runs but for the tests labelled `slow` (the
#       national HTML report in Chromium, which measures load time and runs alone for minutes)
#       and `perf` (the bench smoke runs, the soak smoke run and the local fleet, which measure
#       latency and throughput);
# tsan: the tsan preset (ThreadSanitizer) builds geo_tests and server_tests and runs them: the
#       engine's workers (Validate runs PCNs on every core), its scratch pools and stop tokens,
#       the suggestion search; the server (in-process and the pcnv-server binary) under
#       concurrent calls, streams, cancellation, reloads and drains. Debian builds gRPC and
#       Abseil without TSan: pcnv's locks are std::mutex (server/mutex.h) so that TSan sees them,
#       and what TSan cannot see inside gRPC is left out (docs/RELIABILITY.md, "Sanitizers").
# The sanitizer options are the test presets' (CMakePresets.json); suppressions, third-party
# only, are in tests/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(asan tsan)

for s in "${which[@]}"; do
  case $s in
    asan | tsan) ;;
    *)
      echo "usage: $0 [asan] [tsan]" >&2
      exit 2
      ;;
  esac
  start=$SECONDS
  cmake --preset "$s" >/dev/null
  cmake --build --preset "$s"
  built=$SECONDS
  if [ "$s" = asan ]; then
    bash fuzz/smoke.sh
    ctest --preset asan -j2 --label-exclude '^(slow|perf)$'
  else
    ctest --preset tsan -j2
  fi
  echo "sanitizers: $s build $((built - start)) s, tests $((SECONDS - built)) s"
done
