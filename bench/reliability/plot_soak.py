#!/usr/bin/python3
"""Plots a soak run (bench/reliability/soak.sh): p50 and p99 latency per interval and the
server's resident memory over time, one PNG for docs/RELIABILITY.md.

    plot_soak.py SOAK_DIR OUT.png

SOAK_DIR holds intervals.txt (pcnv-bench-load's `interval` lines) and rss.tsv.
"""
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    soak, png = sys.argv[1], sys.argv[2]
    intervals = [dict(kv.split("=", 1) for kv in line.split())
                 for line in open(f"{soak}/intervals.txt")]
    t = [float(i["t_s"]) for i in intervals]
    rss = [tuple(map(float, line.split("\t")))
           for line in open(f"{soak}/rss.tsv").readlines()[1:]]

    fig, (lat, mem) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    lat.plot(t, [float(i["p50_ms"]) for i in intervals], marker=".", label="p50")
    lat.plot(t, [float(i["p99_ms"]) for i in intervals], marker=".", label="p99")
    lat.set_ylabel("latency per interval (ms)")
    lat.set_ylim(bottom=0)
    lat.legend()
    lat.grid(alpha=0.3)
    lat.set_title("pcnv-server soak: national snapshot, open loop")
    mem.plot([r[0] for r in rss], [r[1] / 1024 for r in rss], color="tab:green")
    mem.set_ylabel("server resident memory (MiB)")
    mem.set_xlabel("seconds into the soak")
    mem.set_ylim(bottom=0)
    mem.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print(f"plot_soak: wrote {png}")


if __name__ == "__main__":
    main()
