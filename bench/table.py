#!/usr/bin/env python3
"""The benchmark's table: bench/run.sh's timings (name, wall s, CPU s, peak KiB) as figures per report, ratios and
whether each target holds.

    table.py TIMES N BIG CORES
"""
import sys


def main() -> int:
    path, n, big, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    t = {}
    for line in open(path, encoding="utf-8"):
        name, wall, cpu, kb = line.rstrip("\n").split("\t")
        t[name] = (float(wall), float(cpu), int(kb))

    def per(name, i=1, count=n):
        return t[name][i] / count * 1000 if name in t else float("nan")

    rows = [
        ("parse-only floor (1 core)", "floor", 1),
        ("nianbao bulk -j 1", "bulk_j1", 1),
        ("Python script, 1 process", "script_1", 1),
        (f"nianbao bulk -j {cores}", f"bulk_j{cores}", 0),
        (f"Python script, {cores} processes", f"script_{cores}", 0),
        ("nianbao convert --format xlsx", "convert_xlsx", 1),
        ("Python script, one workbook each", "script_convert", 1),
    ]
    print(f"{'':36} {'CPU ms/report':>13} {'wall ms/report':>14} {'peak RSS MB':>11}")
    for label, name, _ in rows:
        if name in t:
            print(f"{label:36} {per(name):13.2f} {per(name, 0):14.2f} {t[name][2] / 1024:11.1f}")
    if f"bulk_j{cores}_big" in t:
        name = f"bulk_j{cores}_big"
        print(f"{f'nianbao bulk -j {cores}, {big} reports':36} {per(name, 1, big):13.2f} {per(name, 0, big):14.2f} "
              f"{t[name][2] / 1024:11.1f}")
    print()

    def target(label, value, ok):
        print(f"{label:58} {value:>12}  {'holds' if ok else 'MISSED'}")

    script, bulk, floor = per("script_1"), per("bulk_j1"), per("floor")
    target("bulk -j 1 vs the script, per core (CPU)  >= 50x", f"{script / bulk:.1f}x", script / bulk >= 50)
    target("bulk -j 1 vs the parse-only floor (CPU)   <= 2x", f"{bulk / floor:.2f}x", bulk / floor <= 2)
    speedup = t["bulk_j1"][0] / t[f"bulk_j{cores}"][0]
    target(f"bulk -j {cores} vs -j 1 (wall)                  >= 1.8x", f"{speedup:.2f}x", speedup >= 1.8)
    conv = per("script_convert") / per("convert_xlsx")
    target("convert XLSX vs the script's workbooks (CPU) >= 10x", f"{conv:.1f}x", conv >= 10)
    small = t[f"bulk_j{cores}"][2] / 1024
    if f"bulk_j{cores}_big" in t:
        large = t[f"bulk_j{cores}_big"][2] / 1024
        target(f"peak RSS at {n} / {big} reports        < 200 MB, flat", f"{small:.0f}/{large:.0f} MB",
               large < 200 and large < small * 1.5 + 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
