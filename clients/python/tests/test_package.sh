#!/usr/bin/env bash
# `pip install ./clients/python` as a user would, in a fresh virtual environment that uses the
# system site packages (Debian's python3-grpcio, python3-protobuf, python3-shapely) and with no
# package index at all, then the client's tests against the package as installed.
#   tests/test_package.sh CLIENT_SOURCE_DIR   (PCNV_SERVER, PCNV_CLI, PCNV_SAMPLE_DIR as ctest sets)
set -euo pipefail
src=$(cd "${1:?clients/python}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$work/venv/bin/pip" install --quiet "$src"
cd "$src/tests"
env -u PCNV_PY_GEN -u PYTHONPATH PCNV_CLIENT_INSTALLED=1 "$work/venv/bin/python" -m unittest -v test_client
