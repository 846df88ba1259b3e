#!/usr/bin/env bash
# Installs what is missing, builds everything, runs the whole test suite (CTest) and then the
# lint (.ci/lint: clang-format and clang-tidy); then the reliability runs (docs/RELIABILITY.md):
# every fuzz target for a few seconds (fuzz/smoke.sh), the suite under ASan+UBSan and the engine
# and server tests under TSan (deploy/sanitizers.sh). `.ci/run` calls exactly this.
#
# PCNV_CI_SANITIZERS=0 skips the reliability runs (about N minutes) for a quick local check; CI
# always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh
ctest --preset default -j2 "$@"
bash .ci/lint
if [ "${PCNV_CI_SANITIZERS:-1}" = 0 ] && [ -z "${CI:-}" ]; then
  echo "test: PCNV_CI_SANITIZERS=0: fuzz smoke run and sanitizer runs skipped"
  exit 0
fi
start=$SECONDS
bash fuzz/smoke.sh
fuzzed=$SECONDS
bash deploy/sanitizers.sh asan tsan
echo "test: fuzz smoke $((fuzzed - start)) s, sanitizers $((SECONDS - fuzzed)) s"
