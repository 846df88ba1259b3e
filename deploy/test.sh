#!/usr/bin/env bash
# Installs what is missing, builds everything, runs the whole test suite (CTest) and then the
# lint (.ci/lint: clang-format and clang-tidy). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh
ctest --preset default -j2 "$@"
bash .ci/lint
