#!/usr/bin/env bash
# The test suite under the sanitizers (docs/RELIABILITY.md, "Sanitizers"); deploy/test.sh runs
# it in CI after the fuzz smoke run.
#
#   deploy/sanitizers.sh [asan] [tsan]      (default: both)
#
# asan: the asan preset (ASan + UBSan, leak detection on, every UBSan report fatal) builds
#       everything and runs the suite but for the tests labelled `slow` (the national HTML
#       report in Chromium, which measures load time and runs alone for minutes);
# tsan: the tsan preset (ThreadSanitizer) builds geo_tests and server_tests (and the binaries
#       the server tests start) and runs them: the engine's workers and concurrent server calls.
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
    ctest --preset asan -j2 --label-exclude '^slow$'
  else
    ctest --preset tsan -j2
  fi
  echo "sanitizers: $s build $((built - start)) s, tests $((SECONDS - built)) s"
done
