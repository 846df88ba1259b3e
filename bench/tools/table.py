#!/usr/bin/python3
"""Prints the benchmark table from /usr/bin/time -v reports in TIMING_DIR (bench/run.sh)."""
import os
import re
import sys


def parse(path):
    text = open(path).read()
    def num(label):
        m = re.search(re.escape(label) + r":\s*([0-9.:]+)", text)
        return m.group(1) if m else "0"
    wall = 0.0
    for part in num("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(num("User time (seconds)")) + float(num("System time (seconds)"))
    rss = int(num("Maximum resident set size (kbytes)")) / 1024
    status = int(num("Exit status"))
    return wall, cpu, rss, status


def main():
    d = sys.argv[1]
    t = lambda name: parse(os.path.join(d, name + ".time"))
    rows = []
    read = t("read"); rows.append(("input read (lower bound)", *read[:3]))
    pcnv = t("pcnv"); rows.append(("pcnv (in-process, every rule)", *pcnv[:3]))
    ref = t("reference")
    rows.append(("pcnv reference store (per vintage)", *ref[:3]))
    rows.append(("pcnv store + run", ref[0] + pcnv[0], ref[1] + pcnv[1], max(ref[2], pcnv[2])))
    lc, ls = t("postgis-load-client"), t("postgis-load-server")
    cc, cs = t("postgis-compute-client"), t("postgis-compute-server")
    # Wall: the client's (it waits for the server). CPU: client + server (postmaster and the
    # backends it reaped). RSS: the largest single process of either.
    rows.append(("PostGIS load + compute", lc[0] + cc[0], lc[1] + ls[1] + cc[1] + cs[1],
                 max(lc[2], ls[2], cc[2], cs[2])))
    rows.append(("PostGIS compute alone", cc[0], cc[1] + cs[1], max(cc[2], cs[2])))
    gpd = t("geopandas"); rows.append(("geopandas", *gpd[:3]))
    print(f"| {'run':<35} | {'wall s':>8} | {'CPU s':>8} | {'peak RSS MiB':>12} | {'wall / pcnv':>11} |")
    print(f"|{'-' * 37}|{'-' * 9}:|{'-' * 9}:|{'-' * 13}:|{'-' * 12}:|")
    for name, wall, cpu, rss in rows:
        ratio = wall / pcnv[0] if pcnv[0] > 0 else float("nan")
        print(f"| {name:<35} | {wall:8.2f} | {cpu:8.2f} | {rss:12.0f} | {ratio:10.2f}x |")


if __name__ == "__main__":
    main()
