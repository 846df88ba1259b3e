#!/usr/bin/python3
"""Checks that benchmark outputs agree (bench/README.md): REFERENCE.csv OTHER [OTHER...]

Exact: PCN codes, population, territory_areas, territory_parts. Within 1e-6 absolute: every
share and outside share. Territory km2 within 1e-6 relative. Dominant codes must match unless
the competing shares are within 1e-6 of each other. Exit 1 with every difference listed.

An OTHER ending in .json is a pcnv report (`pcnv validate --out`, through the server or not):
its PCNs' population, territory areas and parts are compared exactly and their km2, which the
report rounds to 4 decimals, within 0.5e-4; a report holds no area shares, so those are not.
"""
import csv
import json
import sys

TOL = 1e-6
REPORT_KM2_TOL = 0.5e-4  # the report's territory.area_km2 has 4 decimals


def load_report(path):
    with open(path) as f:
        report = json.load(f)
    rows = {}
    for p in report["pcns"]:
        t = p.get("territory") or {}
        rows[p["code"]] = {"population": str(p.get("population", 0)),
                           "territory_areas": str(t.get("areas", 0)),
                           "territory_parts": str(t.get("parts", 0)),
                           "territory_area_km2": str(t.get("area_km2", 0.0)),
                           "report": True}
    return rows


def load(path):
    if path.endswith(".json"):
        return load_report(path)
    with open(path, newline="") as f:
        return {r["pcn_code"]: r for r in csv.DictReader(f)}


def shares(text):
    out = {}
    for item in filter(None, text.split("|")):
        code, value = item.rsplit(":", 1)
        out[code] = float(value)
    return out


def compare(ref_path, other_path):
    ref, other = load(ref_path), load(other_path)
    errors = []
    for code in sorted(set(ref) ^ set(other)):
        errors.append(f"{code}: only in {ref_path if code in ref else other_path}")
    for code in sorted(set(ref) & set(other)):
        a, b = ref[code], other[code]
        for col in ("population", "territory_areas", "territory_parts"):
            if int(float(a[col] or 0)) != int(float(b[col] or 0)):
                errors.append(f"{code} {col}: {a[col]} vs {b[col]}")
        ka, kb = float(a["territory_area_km2"] or 0), float(b["territory_area_km2"] or 0)
        if b.get("report"):
            if abs(ka - kb) > REPORT_KM2_TOL + TOL * abs(ka):
                errors.append(f"{code} territory_area_km2: {ka} vs {kb}")
            continue  # a report has no area shares
        if abs(ka - kb) > TOL * max(1.0, abs(ka)):
            errors.append(f"{code} territory_area_km2: {ka} vs {kb}")
        for layer in ("icb", "community"):
            sa, sb = shares(a[f"{layer}_shares"]), shares(b[f"{layer}_shares"])
            for f in sorted(set(sa) | set(sb)):
                if abs(sa.get(f, 0.0) - sb.get(f, 0.0)) > TOL:
                    errors.append(f"{code} {layer} share {f}: {sa.get(f)} vs {sb.get(f)}")
            oa = float(a[f"{layer}_outside_share"] or 0)
            ob = float(b[f"{layer}_outside_share"] or 0)
            if abs(oa - ob) > TOL:
                errors.append(f"{code} {layer}_outside_share: {oa} vs {ob}")
            da, db = a[f"{layer}_dominant"], b[f"{layer}_dominant"]
            if da != db and abs(sa.get(da, 0.0) - sa.get(db, 0.0)) > TOL:
                errors.append(f"{code} {layer}_dominant: {da} vs {db}")
    return len(ref), errors


def main():
    ref = sys.argv[1]
    failed = False
    for other in sys.argv[2:]:
        n, errors = compare(ref, other)
        if errors:
            failed = True
            print(f"DISAGREE: {other} vs {ref}: {len(errors)} differences", file=sys.stderr)
            for e in errors[:50]:
                print(f"  {e}", file=sys.stderr)
        else:
            print(f"agree: {other} matches {ref} on {n} PCNs", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
