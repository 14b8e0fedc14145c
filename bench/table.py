#!/usr/bin/env python3
"""The benchmark's table: bench/run.sh's timings (name, wall s, CPU s, peak KiB) as figures per report, ratios and
whether each target holds.

    table.py TIMES N BIG CORES [ROUNDS]

ROUNDS (round, name, wall s, CPU s) has every run of the tools that took turns. A ratio target is decided by the
ratio of the best figures: what slows a run down (another program on the host, on a virtual machine) only ever
adds time, so a tool's least time over many runs is the best estimate of its own cost. Each ratio is also shown
within every round, where the two ran one right after the other, with its range and median over the rounds: how
far the machine's state moved the figures. Beside the speed-up on every core, the machine's own: nproc copies of
the parse-only floor at once, which share nothing, against one copy, from the best figures of both.
"""
import statistics
import sys
from collections import defaultdict


def main() -> int:
    path, n, big, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    t = {}
    for line in open(path, encoding="utf-8"):
        name, wall, cpu, kb = line.rstrip("\n").split("\t")
        t[name] = (float(wall), float(cpu), int(kb))
    rounds = defaultdict(dict)
    for line in open(sys.argv[5], encoding="utf-8") if len(sys.argv) > 5 else []:
        r, name, wall, cpu = line.rstrip("\n").split("\t")
        rounds[r][name] = (float(wall), float(cpu))

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

    def paired(ratio):
        """The ratio within every round that ran both tools: (median, least, most), or None."""
        values = []
        for runs in rounds.values():
            try:
                values.append(ratio(runs))
            except (KeyError, ZeroDivisionError):
                pass
        return (statistics.median(values), min(values), max(values)) if values else None

    def ratio_target(label, best, ratio, ok):
        """A ratio target, decided by the best figures; the same ratio within each round follows it."""
        target(label, f"{best:.2f}x", ok(best))
        within = paired(ratio)
        if within is not None:
            median, least, most = within
            print(f"{'':4}within each of {len(rounds)} rounds: {least:.2f}x to {most:.2f}x, median {median:.2f}x")

    script, bulk, floor = per("script_1"), per("bulk_j1"), per("floor")
    target("bulk -j 1 vs the script, per core (CPU)  >= 50x", f"{script / bulk:.1f}x", script / bulk >= 50)
    ratio_target("bulk -j 1 vs the parse-only floor (CPU)   <= 2x", bulk / floor,
                 lambda r: r["bulk_j1"][1] / r["floor"][1], lambda x: x <= 2)
    speedup = t["bulk_j1"][0] / t[f"bulk_j{cores}"][0]
    ratio_target(f"bulk -j {cores} vs -j 1 (wall)                  >= 1.8x", speedup,
                 lambda r: r["bulk_j1"][0] / r[f"bulk_j{cores}"][0], lambda x: x >= 1.8)
    together = f"floor_x{cores}"
    if together in t:
        machine = cores * t["floor"][0] / t[together][0]
        within = paired(lambda r: cores * r["floor"][0] / r[together][0])
        spread = f" (within rounds: {within[1]:.2f}x to {within[2]:.2f}x, median {within[0]:.2f}x)" if within else ""
        print(f"{'':4}the machine itself, on work that shares nothing: {cores} copies of the floor at once get "
              f"{machine:.2f}x the throughput of one{spread}")
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
