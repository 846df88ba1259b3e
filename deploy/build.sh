#!/usr/bin/env bash
# Installs what is missing and builds the default preset (build/default). Used by demo.sh and
# test.sh; safe to run again (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default "$@"
