#!/usr/bin/env bash
# Installs the Kubernetes schema check's npm packages (tests/deploy/k8s-schema, versions pinned by
# its package-lock.json) into DEST, once per lock file: `npm ci` runs again only when the lock file
# changed. The setup step of the deploy_files test (tests/CMakeLists.txt).
set -euo pipefail
src=$(cd "$(dirname "$0")/k8s-schema" && pwd)
dest=${1:?usage: install_schema_check.sh DEST}
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$src/validate.js" "$dest/"
if cmp -s "$src/package-lock.json" "$dest/.installed-lock.json" && [ -d "$dest/node_modules" ]; then
  echo "install_schema_check: $dest is up to date"
  exit 0
fi
command -v npm >/dev/null || { echo "install_schema_check: no npm (bash deploy/install-deps.sh)" >&2; exit 1; }
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
cp "$src/package-lock.json" "$dest/.installed-lock.json"
