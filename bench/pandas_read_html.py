#!/usr/bin/env python3
"""Baseline for the benchmark: what an analyst would otherwise write to get report tables into CSV.

For every HTML file given (or every file in the directories given), read all its <table>s with pandas.read_html
and write each one as a CSV next to the others in OUT. This does far less than nianbao (no template mapping, no
checks, no traditional characters, no text or spreadsheet inputs), so it is a floor for the work, not a peer.

Usage: pandas_read_html.py OUT_DIR INPUT...
"""
import io
import os
import sys

import pandas as pd


def main() -> int:
    out_dir, inputs = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    failed = 0
    for path in inputs:
        stem = os.path.splitext(os.path.basename(path))[0]
        try:
            with open(path, "rb") as f:
                tables = pd.read_html(io.BytesIO(f.read()))
        except Exception as exc:  # one bad file must not stop the batch
            failed += 1
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        for i, table in enumerate(tables):
            table.to_csv(os.path.join(out_dir, f"{stem}_{i}.csv"), index=False)
    print(f"{len(inputs) - failed} of {len(inputs)} inputs read", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
