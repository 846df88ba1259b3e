#!/usr/bin/env bash
# Installs the npm packages a test needs (SRC/package.json, versions pinned by SRC's
# package-lock.json, plus SRC's own *.js) into DEST, once per lock file: `npm ci` runs again only
# when the lock file changed. The setup step of the tests that use them (tests/CMakeLists.txt):
# the Kubernetes schema check (tests/deploy/k8s-schema) and buf (tests/api).
#
#   tests/install_npm_packages.sh SRC DEST
set -euo pipefail
src=$(cd "${1:?usage: install_npm_packages.sh SRC DEST}" && pwd)
dest=${2:?usage: install_npm_packages.sh SRC DEST}
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
shopt -s nullglob
for js in "$src"/*.js; do cp "$js" "$dest/"; done
if cmp -s "$src/package-lock.json" "$dest/.installed-lock.json" && [ -d "$dest/node_modules" ]; then
  echo "install_npm_packages: $dest is up to date"
  exit 0
fi
command -v npm >/dev/null || { echo "install_npm_packages: no npm (bash deploy/install-deps.sh)" >&2; exit 1; }
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
cp "$src/package-lock.json" "$dest/.installed-lock.json"
