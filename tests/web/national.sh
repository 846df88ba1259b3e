#!/usr/bin/env bash
# The web page test (page_test.js) on England's files: makes the national benchmark workload
# once (bench/lib.sh ensure_workload, /tmp/pcnv-bench-england, about a minute) and runs the
# test on it. Exit 77 (skipped) without ../shared/data.
#   tests/web/national.sh BUILD_DIR NPM_DIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?BUILD_DIR}
npm_dir=${2:?NPM_DIR}
data="$repo/../shared/data"
[ -d "$data" ] || { echo "national.sh: no $data: skipped"; exit 77; }
work=/tmp/pcnv-bench-england
source "$repo/bench/lib.sh"
ensure_workload "$work" "$data" "$build"
cd "$npm_dir"
PCNV_WEB_NATIONAL=$work exec node page_test.js
