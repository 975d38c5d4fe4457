#!/usr/bin/env python3
"""The XLSX export read back two ways: by a reader of our own (zipfile +
xml.etree: the numbers are number cells) and, when LibreOffice is
installed, by `libreoffice --headless --convert-to csv` (every sheet).
The pathway, target and Monte Carlo cells equal `ilmava pathway --json`.

Usage: check_xlsx.py ILMAVA_BIN DB PLAN_ID FILE.xlsx
SPDX-License-Identifier: AGPL-3.0-or-later
"""
import csv
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

BIN, DB, PLAN, XLSX = sys.argv[1:5]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
failures = []
checks = 0


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


res = json.loads(subprocess.run([BIN, "--db", DB, "pathway", "--plan", PLAN, "--json"],
                                check=True, capture_output=True).stdout)


def expect_rows():
    """Sheet index -> the expected numeric rows (after the header)."""
    path = [[y, b, s, t] for y, b, s, t in zip(res["years"], res["baseline"], res["scenario"],
                                                res["target_path"])]
    mc = res.get("monte_carlo") or {"years": [], "p5": [], "p50": [], "p95": []}
    carlo = [list(r) for r in zip(mc["years"], mc["p5"], mc["p50"], mc["p95"])]
    return {3: path, 5: carlo}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# 1. Our own reader.
with zipfile.ZipFile(XLSX) as z:
    names = z.namelist()
    book = ET.fromstring(z.read("xl/workbook.xml"))
    sheets = book.findall("m:sheets/m:sheet", NS)
    if len(sheets) != 6:
        failures.append(f"{len(sheets)} sheets, expected 6")
    for index, rows in expect_rows().items():
        data = ET.fromstring(z.read(f"xl/worksheets/sheet{index + 1}.xml"))
        got = []
        for row in data.findall("m:sheetData/m:row", NS)[1:]:
            cells = {}
            for c in row.findall("m:c", NS):
                if c.get("t") not in (None, "n"):
                    failures.append(f"sheet {index + 1} {c.get('r')}: a {c.get('t')} cell, "
                                    "expected a number")
                    continue
                v = c.find("m:v", NS)
                cells[col_index(c.get("r"))] = float(v.text)
            got.append([cells.get(k) for k in range(4)])
        if len(got) != len(rows):
            failures.append(f"sheet {index + 1}: {len(got)} rows, expected {len(rows)}")
        for g, w in zip(got, rows):
            checks += 1
            if not all(a is not None and close(a, b) for a, b in zip(g, w)):
                failures.append(f"sheet {index + 1}: {g} != {w}")
    # The target sheet: the target value and the gap are numbers in column B.
    target = ET.fromstring(z.read("xl/worksheets/sheet3.xml"))
    values = []
    for row in target.findall("m:sheetData/m:row", NS)[1:]:
        for c in row.findall("m:c", NS):
            if col_index(c.get("r")) == 1 and c.get("t") in (None, "n") and c.find("m:v", NS) is not None:
                values.append(float(c.find("m:v", NS).text))
    for name in ("target_value", "gap"):
        checks += 1
        if not any(close(v, res[name]) for v in values):
            failures.append(f"target sheet lacks {name} {res[name]}")

    # Shares are percentages: the reduction and the probability cells of
    # the target sheet have a number format with "%".
    styles = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {int(f.get("numFmtId")): f.get("formatCode")
            for f in styles.findall("m:numFmts/m:numFmt", NS)}
    xfs = [int(x.get("numFmtId", "0")) for x in styles.findall("m:cellXfs/m:xf", NS)]
    rows = target.findall("m:sheetData/m:row", NS)
    for row in rows[1:]:
        r = int(row.get("r"))
        for c in row.findall("m:c", NS):
            if col_index(c.get("r")) != 1 or r not in (4, 10) or c.find("m:v", NS) is None:
                continue
            checks += 1
            code = fmts.get(xfs[int(c.get("s", "0"))], "")
            if "%" not in code:
                failures.append(f"target sheet {c.get('r')}: format {code!r}, expected a percentage")

    # Every sheet's columns fit their content: each column is at least as
    # wide as its longest text cell (labels are not cut off).
    strings = [si.findtext("m:t", "", NS) or "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
               for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    for index in range(len(sheets)):
        data = ET.fromstring(z.read(f"xl/worksheets/sheet{index + 1}.xml"))
        widths = {}
        for col in data.findall("m:cols/m:col", NS):
            for k in range(int(col.get("min")), int(col.get("max")) + 1):
                widths[k - 1] = float(col.get("width"))
        longest = {}
        for row in data.findall("m:sheetData/m:row", NS)[1:]:
            for c in row.findall("m:c", NS):
                if c.get("t") == "s":
                    text = strings[int(c.find("m:v", NS).text)]
                    k = col_index(c.get("r"))
                    longest[k] = max(longest.get(k, 0), min(len(text), 58))
        for k, n in longest.items():
            checks += 1
            if widths.get(k, 8.43) < n:
                failures.append(f"sheet {index + 1} column {k + 1}: width {widths.get(k, 8.43)} "
                                f"< {n} characters of text")

# 2. LibreOffice, when the machine has it: every sheet to CSV.
office = shutil.which("libreoffice") or shutil.which("soffice")
if office:
    out = tempfile.mkdtemp(prefix="ilmava-lo-")
    try:
        subprocess.run([office, f"-env:UserInstallation=file://{out}/profile", "--headless",
                        "--convert-to",
                        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                        "--outdir", out, XLSX], check=True, capture_output=True, timeout=180)
        sheet_names = [s.get("name") for s in sheets]
        stem = os.path.splitext(os.path.basename(XLSX))[0]
        for index, rows in expect_rows().items():
            path = os.path.join(out, f"{stem}-{sheet_names[index]}.csv")
            if not os.path.exists(path):
                failures.append(f"LibreOffice wrote no {path}: {glob.glob(out + '/*.csv')}")
                continue
            with open(path, encoding="utf-8") as f:
                got = list(csv.reader(f))[1:]
            if len(got) != len(rows):
                failures.append(f"LibreOffice sheet {sheet_names[index]}: {len(got)} rows")
            for g, w in zip(got, rows):
                checks += 1
                if not all(close(float(a), b) for a, b in zip(g, w)):
                    failures.append(f"LibreOffice sheet {sheet_names[index]}: {g} != {w}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
else:
    print("check_xlsx: LibreOffice is not installed: the second reader is skipped")

for f in failures[:20]:
    print("FAIL:", f)
print(f"check_xlsx: {checks} checks, {len(failures)} failed")
sys.exit(1 if failures else 0)
