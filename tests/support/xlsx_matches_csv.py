#!/usr/bin/python3
"""Reads an XLSX export back with openpyxl and compares it with the CSV exports, cell for cell.

Usage: xlsx_matches_csv.py BOOK.xlsx SHEET_TITLE=TABLE.csv [SHEET_TITLE=TABLE.csv ...]
Each named sheet must equal its CSV file: the same rows, the same cells (a number read from the
workbook compares as its integer text). The workbook must have exactly the sheets named.
Exit 0 when they all match; 1 naming the first difference. Run with Debian's /usr/bin/python3
(python3-openpyxl).
"""
import csv
import sys

import openpyxl


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    book = openpyxl.load_workbook(argv[1], read_only=True, data_only=True)
    pairs = [a.split("=", 1) for a in argv[2:]]
    if sorted(book.sheetnames) != sorted(p[0] for p in pairs):
        print(f"sheets {book.sheetnames} != {[p[0] for p in pairs]}", file=sys.stderr)
        return 1
    cells = 0
    for title, path in pairs:
        with open(path, newline="", encoding="utf-8-sig") as f:
            want = [row for row in csv.reader(f)]
        got = [[cell_text(v) for v in row] for row in book[title].iter_rows(values_only=True)]
        if len(got) != len(want):
            print(f"{title}: {len(got)} rows in the workbook, {len(want)} in {path}",
                  file=sys.stderr)
            return 1
        for r, (g, w) in enumerate(zip(got, want)):
            if g != w:
                print(f"{title} row {r + 1}: {g} != {w}", file=sys.stderr)
                return 1
            cells += len(w)
    print(f"{len(pairs)} sheets, {cells} cells equal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
