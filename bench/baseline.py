#!/usr/bin/env python3
"""The script an analyst would otherwise write to get the tables of many reports out: the benchmark's baseline.

Every file under DIR (walked in name order, as `nianbao bulk` does) is read with the library a Python user reaches
for: pandas.read_html (lxml) for web pages, pandas.read_excel (openpyxl) for spreadsheets, python-docx for Word,
pdfplumber for PDF, and for text copies and Markdown a line parser (a row is a label followed by numbers, or a pipe
row). It does far less than nianbao — no template mapping, no traditional characters, no checks, no legacy .doc
(no Python library reads it: those files count as failures) — so it is a floor for the work, not a peer.

    baseline.py bulk OUT DIR [K/N]      every table cell of every report into one long OUT/cells.csv
    baseline.py convert OUT DIR [K/N]   one workbook per report, OUT/<name>.xlsx, one sheet per table (openpyxl)

With K/N, only every N-th file from the K-th on (K = 0 … N-1): N processes over the parts are the script on N cores.
"""
import csv
import io
import os
import re
import sys

import pandas as pd

ROW = re.compile(r"^(?P<label>.*?[^\d\s.,/|])?[\s|]*(?P<values>(?:[-\d][\d.,]*[\s|]*)+)$")


def files(root: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if not f.startswith("."))
    return out


def text_tables(data: bytes) -> list[pd.DataFrame]:
    """Rows of a text copy: a label and its numbers, or a Markdown pipe row; consecutive rows make a table."""
    text = data.decode("utf-8")
    tables, rows = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
            continue
        m = ROW.match(line)
        if m and m.group("values"):
            rows.append([m.group("label") or ""] + m.group("values").replace("|", " ").split())
        elif rows:
            tables.append(pd.DataFrame(rows))
            rows = []
    if rows:
        tables.append(pd.DataFrame(rows))
    return tables


def docx_tables(path: str) -> list[pd.DataFrame]:
    import docx

    doc = docx.Document(path)
    return [pd.DataFrame([[cell.text for cell in row.cells] for row in t.rows]) for t in doc.tables]


def pdf_tables(path: str) -> list[pd.DataFrame]:
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            out.extend(pd.DataFrame(t) for t in page.extract_tables())
    return out


def tables_of(path: str) -> list[pd.DataFrame]:
    ext = os.path.splitext(path)[1].lower()
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        raise ValueError("empty file")
    if ext in (".html", ".htm"):
        return pd.read_html(io.BytesIO(data))
    if ext in (".xlsx", ".xls"):
        return [df for df in pd.read_excel(io.BytesIO(data), sheet_name=None, header=None).values()]
    if ext == ".docx":
        return docx_tables(path)
    if ext == ".pdf":
        return pdf_tables(path)
    if ext in (".txt", ".md"):
        return text_tables(data)
    raise ValueError(f"no Python reader for {ext}")


def main() -> int:
    mode, out, root = sys.argv[1], sys.argv[2], sys.argv[3]
    k, n = (int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "0/1").split("/"))
    os.makedirs(out, exist_ok=True)
    inputs = files(root)[k::n]
    failed = 0
    cells_file = open(os.path.join(out, f"cells_{k}.csv"), "w", newline="", encoding="utf-8") if mode == "bulk" else None
    writer = csv.writer(cells_file) if cells_file else None
    for path in inputs:
        try:
            tables = tables_of(path)
        except Exception as exc:  # one bad file must not stop the batch
            failed += 1
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        if mode == "bulk":
            for i, t in enumerate(tables):
                long = t.stack().reset_index()
                long.insert(0, "table", i)
                long.insert(0, "path", path)
                long.to_csv(cells_file, header=False, index=False)
        else:
            stem = os.path.splitext(os.path.basename(path))[0]
            with pd.ExcelWriter(os.path.join(out, f"{stem}.xlsx"), engine="openpyxl") as book:
                for i, t in enumerate(tables):
                    t.to_excel(book, sheet_name=f"table{i + 1}", index=False, header=False)
                if not tables:
                    pd.DataFrame().to_excel(book, sheet_name="empty")
    if cells_file:
        cells_file.close()
    print(f"baseline {mode}: {len(inputs) - failed} of {len(inputs)} inputs read", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
