#!/usr/bin/env python3
"""The numbers of the decision item and the climate plan, read back from
their HTML (html.parser) and PDF (pdftotext), equal those of
`ilmava pathway --plan ID --json`, formatted as the documents format them
(Finnish: 1 decimal kt with a decimal comma and no-break-space groups).

Usage: check_numbers.py ILMAVA_BIN DB PLAN_ID TMPDIR
SPDX-License-Identifier: AGPL-3.0-or-later
"""
import html.parser
import json
import re
import subprocess
import sys

BIN, DB, PLAN, TMP = sys.argv[1:5]
failures = []


def run(*args):
    return subprocess.run([BIN, "--db", DB, *args], check=True, capture_output=True).stdout


def kt(t):
    """t CO2e -> "1 234,5" as the Finnish documents print kt."""
    s = f"{t / 1000:,.1f}"
    return s.replace(",", " ").replace(".", ",")


def pct(f):
    return f"{100 * f:.0f} %"


def norm(text):
    """No-break spaces as spaces, every run of white space as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


class Text(html.parser.HTMLParser):
    """The visible text, and every table as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.parts, self.tables, self.cell = [], [], None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "svg"):
            self.skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("style", "svg"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append(norm("".join(self.cell)).strip())
            self.cell = None
        self.parts.append(" ")

    def handle_data(self, data):
        if self.skip:
            return
        self.parts.append(data)
        if self.cell is not None:
            self.cell.append(data)


res = json.loads(run("pathway", "--plan", PLAN, "--json"))
T = res["target_year"]
i = res["years"].index(T)
expect = [
    f"enintään {kt(res['target_value'])} kt CO2e",
    f"{T} {kt(res['scenario'][i])} kt CO2e",
    f"olisivat {kt(res['baseline'][i])} kt CO2e",
    (f"Tavoitteesta jäädään {kt(res['gap'])} kt CO2e" if res["gap"] > 0
     else f"marginaalilla"),
]
mc = res.get("monte_carlo")
if mc:
    j = mc["years"].index(T)
    expect.append(f"saavuttaa tavoite on {pct(mc['p_meet'])}")
    expect.append(f"välillä {kt(mc['p5'][j])}–{kt(mc['p95'][j])} kt CO2e")

rows = {}
for k, year in enumerate(res["years"]):
    if year >= res["last_year"] and (year % 5 == 0 or year in (res["last_year"], T)):
        rows[str(year)] = [kt(res["baseline"][k]), kt(res["scenario"][k]),
                           kt(res["target_path"][k])]

# The decision item.
html_path, pdf_path = f"{TMP}/decision.html", f"{TMP}/decision.pdf"
run("report", "decision", PLAN, "--format", "html", "-o", html_path)
run("report", "decision", PLAN, "--format", "pdf", "-o", pdf_path)
parser = Text()
with open(html_path, encoding="utf-8") as f:
    page = f.read()
parser.feed(page)
html_text = norm("".join(parser.parts))
pdf_text = norm(subprocess.run(["pdftotext", "-enc", "UTF-8", pdf_path, "-"], check=True,
                               capture_output=True, text=True).stdout)
for want in expect:
    if norm(want) not in html_text:
        failures.append(f"decision HTML lacks {want!r}")
    if norm(want) not in pdf_text:
        failures.append(f"decision PDF lacks {want!r}")

# The pathway table in the HTML, cell by cell.
path_tables = [t for t in parser.tables if t and t[0][:1] == ["Vuosi"] and
               "Tavoitepolku" in t[0]]
if not path_tables:
    failures.append("decision HTML has no pathway table")
else:
    got = {r[0]: r[1:] for r in path_tables[0][1:]}
    for year, values in rows.items():
        if got.get(year) != values:
            failures.append(f"pathway table {year}: {got.get(year)} != {values}")

if "<script" in page or re.search(r"(src|href)=\"https?:", page):
    failures.append("decision HTML is not self-contained")

# The climate plan: the target value and the gap, in its HTML and PDF.
run("report", "plan", PLAN, "--format", "html", "-o", f"{TMP}/plan.html")
run("report", "plan", PLAN, "--format", "pdf", "-o", f"{TMP}/plan.pdf")
with open(f"{TMP}/plan.html", encoding="utf-8") as f:
    page = f.read()
p = Text()
p.feed(page)
plan_html = norm("".join(p.parts))
plan_pdf = norm(subprocess.run(["pdftotext", "-enc", "UTF-8", f"{TMP}/plan.pdf", "-"],
                               check=True, capture_output=True, text=True).stdout)
plan_expect = [f"enintään {kt(res['target_value'])} kt CO2e", f"{kt(abs(res['gap']))} kt CO2e"]
for want in plan_expect:
    for name, text in (("HTML", plan_html), ("PDF", plan_pdf)):
        if norm(want) not in text:
            failures.append(f"climate plan {name} lacks {want!r}")
if page.count("<svg") < 2:
    failures.append("climate plan HTML has fewer than two inline SVG charts")
for want in ("Päästöt sektoreittain", "Päästöpolku", "ä", "ö"):
    if want not in plan_pdf:
        failures.append(f"climate plan PDF text lacks {want!r}")

for f in failures:
    print("FAIL:", f)
print(f"check_numbers: {len(expect) * 2 + len(rows) + len(plan_expect) * 2} checks, "
      f"{len(failures)} failed")
sys.exit(1 if failures else 0)
