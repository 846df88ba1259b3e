#!/usr/bin/python3
"""How pcnv's time and memory grow with the size of a call (bench/README.md, "Scaling").

    bench/scaling.py --bin BUILD_TREE [--work /tmp/pcnv-bench-england] [--repeat 3]
                     [--png docs/scaling.png]

Cuts the national workload (made by bench/run.sh or bench/lib.sh's ensure_workload: WORK/input
and WORK/reference.gpkg) down to 1, 10, 100 and all of its PCNs (evenly spaced in code order,
with their practices' list-size and distribution rows), then times, REPEAT times each (the
median is kept):
  - the CLI as users run it: `pcnv validate --reference WORK/reference.gpkg ... --out
    report.json` (wall and peak RSS from /usr/bin/time);
  - the server: `pcnv validate --server` against one pcnv-server holding the same store (wall
    as the client sees it, the whole call; the server's resident memory after the call).
Prints a markdown table and draws the PNG (time and memory against PCNs and against
distribution rows). Exit 1 when a run fails (pcnv's exit 1, findings at ERROR, is not a failure).
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import time

SIZES = [1, 10, 100, None]  # None: every PCN


def subset(src, dst, pcns):
    """The workload's three CSVs cut to `pcns` (the practice map's rows of those PCNs, and the
    list-size and distribution rows of their practices); returns the distribution rows kept."""
    os.makedirs(dst, exist_ok=True)
    practices = set()
    with open(f"{src}/gp-reg-pat-prac-map.csv", newline="") as f, \
            open(f"{dst}/gp-reg-pat-prac-map.csv", "w", newline="") as out:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(out, reader.fieldnames)
        writer.writeheader()
        for row in reader:
            if row["PCN_CODE"] in pcns:
                practices.add(row["PRACTICE_CODE"])
                writer.writerow(row)
    kept = {}
    for name, column in (("gp-reg-pat-prac-all.csv", "CODE"),
                         ("gp-reg-pat-prac-lsoa-all.csv", "PRACTICE_CODE")):
        with open(f"{src}/{name}", newline="") as f, open(f"{dst}/{name}", "w",
                                                          newline="") as out:
            reader = csv.DictReader(f)
            writer = csv.DictWriter(out, reader.fieldnames)
            writer.writeheader()
            n = 0
            for row in reader:
                if row[column] in practices:
                    writer.writerow(row)
                    n += 1
            kept[name] = n
    return kept["gp-reg-pat-prac-lsoa-all.csv"]


def csv_flags(folder):
    return ["--practices", f"{folder}/gp-reg-pat-prac-map.csv",
            "--list-sizes", f"{folder}/gp-reg-pat-prac-all.csv",
            "--distribution", f"{folder}/gp-reg-pat-prac-lsoa-all.csv"]


def timed(cmd, log):
    """Wall seconds and peak RSS (MiB) of cmd under /usr/bin/time."""
    fmt = "pcnv-scaling %e %M"
    with open(log, "w") as err:
        r = subprocess.run(["/usr/bin/time", "-f", fmt] + cmd, stdout=subprocess.DEVNULL,
                           stderr=err)
    text = open(log).read()
    if r.returncode not in (0, 1):
        sys.exit(f"scaling: {' '.join(cmd[:3])} failed (exit {r.returncode}):\n{text[-2000:]}")
    m = re.findall(r"pcnv-scaling ([0-9.]+) ([0-9]+)", text)[-1]
    return float(m[0]), int(m[1]) / 1024


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(server_bin, store, log_prefix):
    out = open(f"{log_prefix}.out", "w")
    err = open(f"{log_prefix}.log", "w")
    proc = subprocess.Popen([server_bin, "--reference", store, "--host", "127.0.0.1", "--port",
                             "0", "--no-call-log", "--max-concurrent-heavy-calls", "0"],
                            stdout=out, stderr=err)
    for _ in range(600):
        text = open(f"{log_prefix}.out").read()
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
        if m and "pcnv-server: loaded" in open(f"{log_prefix}.log").read():
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    sys.exit(f"scaling: pcnv-server did not start:\n{open(f'{log_prefix}.log').read()[-2000:]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="build tree with clients/cli/pcnv and "
                    "server/pcnv-server (e.g. build/release)")
    ap.add_argument("--work", default="/tmp/pcnv-bench-england")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--png", default="")
    args = ap.parse_args()
    pcnv = f"{args.bin}/clients/cli/pcnv"
    server_bin = f"{args.bin}/server/pcnv-server"
    store = f"{args.work}/reference.gpkg"
    src = f"{args.work}/input"
    for path in (pcnv, server_bin, store, f"{src}/gp-reg-pat-prac-map.csv"):
        if not os.path.exists(path):
            sys.exit(f"scaling: {path} missing (build pcnv and pcnv-server; make the workload "
                     "with bench/run.sh)")

    with open(f"{src}/gp-reg-pat-prac-map.csv", newline="") as f:
        codes = sorted({r["PCN_CODE"] for r in csv.DictReader(f)})
    work = f"{args.work}/scaling"
    points = []
    for size in SIZES:
        n = len(codes) if size is None else size
        chosen = {codes[round(i * (len(codes) - 1) / max(n - 1, 1))] for i in range(n)}
        folder = f"{work}/{n}"
        rows = subset(src, folder, chosen)
        points.append((len(chosen), rows, folder))
        print(f"scaling: {len(chosen)} PCNs, {rows} distribution rows -> {folder}",
              file=sys.stderr)

    proc, port = start_server(server_bin, store, f"{work}/server")
    results = []
    try:
        for pcns, rows, folder in points:
            cli, remote, server_rss = [], [], []
            for i in range(args.repeat):
                cli.append(timed([pcnv, "validate", "--reference", store] + csv_flags(folder)
                                 + ["--out", f"{folder}/report.json"], f"{folder}/cli.log"))
                remote.append(timed([pcnv, "validate", "--server", f"127.0.0.1:{port}"]
                                    + csv_flags(folder) + ["--out", f"{folder}/server.json"],
                                    f"{folder}/server-call.log"))
                server_rss.append(rss_mib(proc.pid))
            results.append({
                "pcns": pcns, "rows": rows,
                "cli_s": statistics.median(w for w, _ in cli),
                "cli_mib": statistics.median(m for _, m in cli),
                "server_s": statistics.median(w for w, _ in remote),
                "client_mib": statistics.median(m for _, m in remote),
                "server_mib": max(server_rss),
            })
    finally:
        proc.terminate()
        proc.wait()

    print(f"| PCNs | distribution rows | `pcnv validate --reference` s | its peak RSS MiB |"
          f" `pcnv validate --server` s | server RSS after MiB |")
    print("|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(f"| {r['pcns']:,} | {r['rows']:,} | {r['cli_s']:.2f} | {r['cli_mib']:.0f} |"
              f" {r['server_s']:.2f} | {r['server_mib']:.0f} |")

    if args.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 3, figsize=(13, 4))
        pcns = [r["pcns"] for r in results]
        rows = [r["rows"] for r in results]
        for ax, x, label in ((axes[0], pcns, "PCNs in the call"),
                             (axes[1], rows, "distribution rows in the call")):
            ax.plot(x, [r["cli_s"] for r in results], "o-",
                    label="pcnv validate --reference STORE")
            ax.plot(x, [r["server_s"] for r in results], "s-", label="pcnv validate --server")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(label)
            ax.set_ylabel("wall s (median of %d)" % args.repeat)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
        axes[2].plot(pcns, [r["cli_mib"] for r in results], "o-", label="CLI peak RSS")
        axes[2].plot(pcns, [r["server_mib"] for r in results], "s-",
                     label="server RSS after the call")
        axes[2].set_xscale("log")
        axes[2].set_xlabel("PCNs in the call")
        axes[2].set_ylabel("MiB")
        axes[2].grid(True, which="both", alpha=0.3)
        axes[2].legend(fontsize=8)
        fig.suptitle("pcnv on the national reference store: one call of 1 to all PCNs")
        fig.tight_layout()
        fig.savefig(args.png, dpi=110)
        print(f"scaling: plot written to {args.png}", file=sys.stderr)


if __name__ == "__main__":
    main()
