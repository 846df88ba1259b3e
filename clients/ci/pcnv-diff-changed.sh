#!/usr/bin/env bash
# Runs `pcnv diff` for a boundary-data folder kept in git: the committed version (base, from
# HEAD or $PCNV_BASE_REF) against the working tree (candidate). Used by the pre-commit hook
# (.pre-commit-hooks.yaml) and usable by hand or in any CI system.
#
#   clients/ci/pcnv-diff-changed.sh [CHANGED_FILE...]
#
# Environment:
#   PCNV_RELEASE_DIR  folder holding the release files (default: data/release); see
#                     docs/OUTPUTS.md for the names pcnv diff looks for
#   PCNV_BASE_REF     git revision of the base release (default: HEAD)
#   PCNV              the pcnv binary (default: pcnv on PATH)
#   PCNV_DIFF_ARGS    extra arguments, e.g. "--reference ref.gpkg --fail-on new-errors
#                     --waivers data/waivers.json --junit pcnv-junit.xml"
# Exit codes are pcnv's: 0 no regression, 1 a regression, 2 bad input or usage.
set -euo pipefail

release_dir="${PCNV_RELEASE_DIR:-data/release}"
base_ref="${PCNV_BASE_REF:-HEAD}"
pcnv="${PCNV:-pcnv}"

# pre-commit passes the changed files; when none of them is in the release folder there is
# nothing to compare.
if [ "$#" -gt 0 ]; then
  relevant=0
  for f in "$@"; do
    case "$f" in "$release_dir"/*) relevant=1 ;; esac
  done
  [ "$relevant" -eq 1 ] || exit 0
fi

if [ ! -d "$release_dir" ]; then
  echo "pcnv-diff-changed: $release_dir is not a folder (set PCNV_RELEASE_DIR)" >&2
  exit 2
fi

base_dir="$(mktemp -d)"
trap 'rm -rf "$base_dir"' EXIT

# The base release: every file of the folder as committed at $base_ref. A release folder that
# does not exist at the base (a first commit) has nothing to regress against.
if ! git cat-file -e "$base_ref:$release_dir" 2>/dev/null; then
  echo "pcnv-diff-changed: $release_dir does not exist at $base_ref; nothing to compare"
  exit 0
fi
git archive "$base_ref" "$release_dir" | tar -x -C "$base_dir"

# shellcheck disable=SC2086  # PCNV_DIFF_ARGS is a list of arguments on purpose
exec "$pcnv" diff --base "$base_dir/$release_dir" --candidate "$release_dir" ${PCNV_DIFF_ARGS:-}
