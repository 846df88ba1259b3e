#!/usr/bin/python3
"""Prints the benchmark table and the ratio targets from /usr/bin/time -v reports in
TIMING_DIR (bench/run.sh)."""
import os
import re
import sys


def parse(path):
    text = open(path).read()

    def num(label, default="0"):
        m = re.search(re.escape(label) + r":\s*([0-9.:]+)", text)
        return m.group(1) if m else default
    wall = 0.0
    for part in num("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    # Server CPU: added by postgis_bench.sh to the warm compute's client report.
    cpu = (float(num("User time (seconds)")) + float(num("System time (seconds)"))
           + float(num("Server CPU (seconds)")))
    rss = int(num("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, rss


def main():
    d = sys.argv[1]
    t = lambda name: parse(os.path.join(d, name + ".time"))
    store = t("cli-store")
    rows = [
        ("input read floor (every byte scanned, nothing decoded)", t("floor")),
        ("input read by pcnv's readers (store + CSVs)", t("read")),
        ("`pcnv validate --reference STORE --out report.json`", store),
        ("`pcnv validate` with the layers (no store)", t("cli-layers")),
        ("`pcnv validate --server` (pcnv-server, one call)", t("cli-server")),
        ("`pcnv validate --server --stream` (ValidateStream)", t("cli-stream")),
        ("`pcnv reference build` (once per vintage)", t("reference")),
        ("pcnv-bench-national (engine in-process, CSV)", t("pcnv")),
        ("PostGIS end to end (start, load, compute, write, stop)", t("postgis-e2e")),
        ("PostGIS compute + write, warm loaded server", t("postgis-warm")),
        ("geopandas end to end", t("geopandas")),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"| {'run':<{width}} | {'wall s':>7} | {'CPU s':>7} | {'peak RSS MiB':>12} |"
          f" {'wall / validate':>15} |")
    print(f"|{'-' * (width + 2)}|{'-' * 8}:|{'-' * 8}:|{'-' * 13}:|{'-' * 16}:|")
    for name, (wall, cpu, rss) in rows:
        ratio = wall / store[0] if store[0] > 0 else float("nan")
        print(f"| {name:<{width}} | {wall:7.2f} | {cpu:7.2f} | {rss:12.0f} | {ratio:14.2f}x |")
    print("(`wall / validate`: this row's wall time over `pcnv validate --reference STORE`'s.)")

    # The targets of issue 15, as ratios from this run.
    e2e, warm, layers, read, floor = t("postgis-e2e")[0], t("postgis-warm")[0], \
        t("cli-layers")[0], t("read")[0], t("floor")[0]
    targets = [
        ("store validate vs PostGIS compute on a warm loaded server", warm / store[0], 10, ">="),
        ("store validate vs PostGIS end to end", e2e / store[0], 20, ">="),
        ("validate with layers vs PostGIS end to end", e2e / layers, 6, ">="),
        ("store validate vs reading its inputs with pcnv's readers", store[0] / read, 1.5, "<="),
        ("store validate vs the input-read floor", store[0] / floor, 1.5, "<="),
        ("store validate peak RSS MiB", store[2], 300, "<="),
    ]
    print()
    print("| target | measured | goal | |")
    print("|---|--:|--:|---|")
    for name, value, goal, op in targets:
        met = value >= goal if op == ">=" else value <= goal
        unit = "" if "RSS" in name else "x"
        print(f"| {name} | {value:.2f}{unit} | {op} {goal}{unit} | {'met' if met else 'NOT met'} |")


if __name__ == "__main__":
    main()
