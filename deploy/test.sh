#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite (CTest).
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh
ctest --preset default -j2 "$@"
