#!/usr/bin/env bash
# Installs what is missing and builds the default preset (build/default). Used by demo.sh and
# test.sh; safe to run again (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
# Ask for the CMake File API codemodel before the first configure too, so that this configure
# answers it: the layering test reads the link graph from it (CMakeLists.txt asks on every run).
mkdir -p build/default/.cmake/api/v1/query
touch build/default/.cmake/api/v1/query/codemodel-v2
cmake --preset default >/dev/null
cmake --build --preset default "$@"
