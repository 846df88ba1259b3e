#!/bin/bash
# Fix suggestions verified independently (issue 16): `pcnv suggest` on the benchmark workload
# (bench/README.md: the 2020-09 practice map, 2021-01 list sizes, the semi-synthetic LSOA
# distribution), then for every suggestion (or an evenly spaced sample of --sample N) `pcnv
# suggest --apply ID` and a fresh `pcnv validate` of the practice file it writes: the targeted
# finding must be gone and no ERROR may be new. Prints the suggest time, candidates per second,
# and per rule how many targeted findings have at least one verified suggestion.
#
#   bench/suggest_verify.sh --bin DIR [--region STP] [--work DIR] [--data DIR] [--sample N]
#                           [--reuse] [--check-screen] [--jobs N]
#   --reuse: keep WORK/suggestions.json from an earlier run
#   --check-screen: search again with every candidate re-validated (--no-screen) and fail unless
#     the targets and suggestions are the same (the screen only spares re-validations)
#   --jobs N: suggestions verified N at a time (default: the number of cores)
#
# Exits 1 when a suggestion fails verification, 77 (a CTest skip) without ../shared/data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="" region="" work="" data="$here/../../shared/data" sample=0 reuse=0 check_screen=0
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --check-screen) check_screen=1; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    *) echo "usage: bench/suggest_verify.sh --bin DIR [--region STP] [--work DIR] [--data DIR] [--sample N]" >&2
       exit 2 ;;
  esac
done
[ -d "$data/nhsd" ] || { echo "suggest_verify: $data absent: skipped" >&2; exit 77; }
[ -n "$bin" ] || { echo "suggest_verify: --bin DIR (with pcnv and pcnv-bench-workload) is required" >&2; exit 2; }
pcnv="$bin/pcnv"
[ -x "$pcnv" ] || pcnv="$bin/../clients/cli/pcnv"
workload="$bin/pcnv-bench-workload"
[ -x "$workload" ] || workload="$bin/../bench/pcnv-bench-workload"
work="${work:-/tmp/pcnv-suggest-${region:-england}}"
mkdir -p "$work"
in="$work/input"
if [ ! -f "$in/workload.txt" ]; then
  "$workload" --data "$data" --out "$in" ${region:+--region "$region"} >"$work/workload.log"
fi
store="$work/reference.gpkg"
if [ ! -f "$store" ]; then
  "$pcnv" reference build --areas "$in/lsoa11.gpkg" --footprint "icb=$in/icb22.gpkg" \
    --footprint "community=$in/ltla24.gpkg:ltla24_code" --out "$store" >/dev/null
fi
# `pcnv COMMAND` on the workload's reference, list sizes and distribution, with ARGS.
on_workload() {
  "$pcnv" "$1" --reference "$store" --list-sizes "$in/gp-reg-pat-prac-all.csv" \
    --distribution "$in/gp-reg-pat-prac-lsoa-all.csv" --as-of 2021-01-31 "${@:2}"
}
on_workload validate --practices "$in/gp-reg-pat-prac-map.csv" --out "$work/base.json" --quiet || [ $? -eq 1 ]
if [ "$reuse" = 0 ] || [ ! -f "$work/suggestions.json" ]; then
  start=$(date +%s%N)
  on_workload suggest --practices "$in/gp-reg-pat-prac-map.csv" \
    --out "$work/suggestions.json" --quiet
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  read -r evaluated screened < <(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["candidates_evaluated"], s["candidates_screened"])' "$work/suggestions.json")
  echo "suggest_verify: pcnv suggest (${region:-england}) took $ms ms:" \
       "$((evaluated + screened)) candidates ($screened ruled out by the screen, $evaluated" \
       "re-validated), $(( (evaluated + screened) * 1000 / (ms > 0 ? ms : 1) )) per second" >&2
fi
if [ "$check_screen" = 1 ]; then
  start=$(date +%s%N)
  on_workload suggest --practices "$in/gp-reg-pat-prac-map.csv" --no-screen \
    --out "$work/suggestions-unscreened.json" --quiet
  end=$(date +%s%N)
  /usr/bin/python3 - "$work/suggestions.json" "$work/suggestions-unscreened.json" \
    "$(( (end - start) / 1000000 ))" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
same = a["targets"] == b["targets"] and a["suggestions"] == b["suggestions"]
print(f"suggest_verify: without the screen {b['summary']['candidates_evaluated']} candidates "
      f"re-validated in {sys.argv[3]} ms; targets and suggestions "
      f"{'the same' if same else 'DIFFER'}", file=sys.stderr)
sys.exit(0 if same else 1)
PY
fi

ids=$(/usr/bin/python3 - "$work/suggestions.json" "$sample" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["suggestions"]
n = int(sys.argv[2])
ids = [x["id"] for x in s]
if n and len(ids) > n:
    ids = [ids[round(i * (len(ids) - 1) / (n - 1))] for i in range(n)] if n > 1 else ids[:1]
print("\n".join(ids))
PY
)
mkdir -p "$work/verify"
verify_one() {  # ID: apply it to the practice file, then validate that file from scratch
  "$pcnv" suggest --practices "$in/gp-reg-pat-prac-map.csv" --apply "$1" \
    --suggestions "$work/suggestions.json" --out "$work/verify/$1.csv" --quiet
  on_workload validate --practices "$work/verify/$1.csv" \
    --out "$work/verify/$1.json" --quiet || [ $? -eq 1 ]
}
export -f verify_one on_workload
export pcnv in work store
start=$(date +%s)
# Each job re-reads the inputs (a separate process, as a user would run it).
printf '%s\n' $ids | xargs -r -P "$jobs" -I{} bash -c 'verify_one "$1"' _ {}
count=$(printf '%s\n' $ids | grep -c . || true)
echo "suggest_verify: $count suggestions applied and validated again in $(( $(date +%s) - start )) s" \
     "($jobs at a time)" >&2
/usr/bin/python3 - "$work" $ids <<'PY'
import json, sys, collections
work, ids = sys.argv[1], sys.argv[2:]
base = json.load(open(f"{work}/base.json"))
sj = json.load(open(f"{work}/suggestions.json"))
by_id = {s["id"]: s for s in sj["suggestions"]}
def errors(report):
    return collections.Counter((f["rule"], f.get("pcn", ""), f.get("practice", ""))
                               for f in report["findings"]
                               if f["severity"] == "ERROR" and "waiver" not in f)
before = errors(base)
verified, failed = set(), []
for i in ids:
    after_report = json.load(open(f"{work}/verify/{i}.json"))
    after = errors(after_report)
    new = [k for k, n in after.items() if n > before.get(k, 0)]
    present = {(f["rule"], f.get("pcn", "")) for f in after_report["findings"] if "waiver" not in f}
    still = [(r["rule"], r["pcn"]) for r in by_id[i]["resolves"] if (r["rule"], r["pcn"]) in present]
    if new or still:
        failed.append((i, new, still))
    else:
        verified.add(i)
rules = collections.Counter()
with_verified = collections.Counter()
for t in sj["targets"]:
    key = "NEST" if t["rule"].startswith("NEST") else t["rule"]
    rules[key] += 1
    if any(i in verified for i in t["suggestions"]):
        with_verified[key] += 1
summary = sj["summary"]
print(f"targets {summary['targets']}, with suggestions {summary['targets_with_suggestions']}, "
      f"suggestions {summary['suggestions']}, candidates re-validated {summary['candidates_evaluated']}, "
      f"ruled out by the screen {summary.get('candidates_screened', 0)}")
print(f"verified {len(verified)} of {len(ids)} checked; failed {len(failed)}")
for rule in sorted(rules):
    print(f"  {rule}: {rules[rule]} findings, {with_verified[rule]} with a verified suggestion")
for i, new, still in failed[:20]:
    print(f"  FAILED {i}: new errors {new[:5]}, still present {still}")
sys.exit(1 if failed else 0)
PY
