#!/usr/bin/env bash
# Installs what is missing, builds everything, runs the whole test suite (CTest) and then the
# lint (.ci/lint: clang-format and clang-tidy); then the reliability runs (docs/RELIABILITY.md,
# deploy/sanitizers.sh): every fuzz target for a few seconds, the suite under ASan+UBSan and the
# engine and server tests under TSan. `.ci/run` calls exactly this.
#
# PCNV_CI_SANITIZERS=0 skips the reliability runs (about 40 minutes on 2 cores) for a quick local
# check; CI always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh
ctest --preset default -j2 "$@"
bash .ci/lint
if [ "${PCNV_CI_SANITIZERS:-1}" = 0 ] && [ -z "${CI:-}" ]; then
  echo "test: PCNV_CI_SANITIZERS=0: fuzz smoke run and sanitizer runs skipped"
  exit 0
fi
bash deploy/sanitizers.sh asan tsan
