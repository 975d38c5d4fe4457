# CSV injection (issue 13, section 5): every CSV the project writes
# neutralises a text cell that a spreadsheet would read as a formula (it
# begins with =, +, -, @, a tab or a CR): a single quote before it, and the
# cell quoted, as OWASP recommends. Real numbers, negative ones too, stay
# numbers. Checked on every CSV route of the API (each export table and the
# GPC inventory) and every CSV command of the CLI (export csv, export gpc,
# inventory --csv), with a measure whose texts are formulas.
# SPDX-License-Identifier: AGPL-3.0-or-later

import csv
import io
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

ED = "editor@test.invalid"
TABLES = ("inventory", "totals", "target", "pathway", "measures", "montecarlo")
NUMBER = re.compile(r"^[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)?$")
RESPONSIBLE = "=cmd|' /C calc'!A0"
NAME = "+SUM(A1:A9)"
NOTES = "@evil"
HOSTILE = {"responsible": RESPONSIBLE, "name": NAME}


def check_csv(what, text, expect_hostile, sep=","):
    """Parses the CSV as a spreadsheet would see its cells; every cell that
    begins with a formula character must be a plain number, the hostile
    texts come out with a quote before them, and negative numbers stay
    plain. Returns the rows."""
    # The raw text: each risky cell is quoted, with the quote inside.
    for raw in (RESPONSIBLE, NAME):
        if expect_hostile:
            quoted = '"\'' + raw.replace('"', '""') + '"'
            A.check(quoted in text, f"{what}: {raw!r} is not written as {quoted!r}")
        A.check(sep + raw not in text and "\n" + raw not in text,
                f"{what}: {raw!r} is written as it is")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep))
    A.check(len(rows) > 1, f"{what}: no rows")
    negatives = 0
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                A.check(NUMBER.match(cell) is not None,
                        f"{what}: row {r} column {c} begins with {cell[:1]!r}: {cell[:40]!r}")
                negatives += cell.startswith("-")
    return rows, negatives


def main():
    store = A.Store()
    store.add_user(ED, "editor", "901")
    # The measure: its texts are formulas; its running costs are a saving, so
    # that its cost per tonne is a negative number.
    r = store.cli("measure", "add", "1", "id=evil", "sector=waste", "start=2026", "full=2030",
                  "share=0.1", "capex=1000", "lifetime=10", "opex=-50000",
                  f"responsible={RESPONSIBLE}", f"name={NAME}", f"notes={NOTES}")
    if r.returncode != 0:
        A.fatal(f"measure add: {r.stderr}")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def run(store, server):
    ed = server.client()
    ed.login(ED)
    total_negatives = 0
    for table in TABLES:
        for lang in ("fi", "en"):
            A.begin(f"API: exports/csv?table={table}&lang={lang}")
            r = ed.get(f"/api/plans/1/exports/csv?table={table}&lang={lang}")
            A.check_eq(r.status, 200, "status")
            _, neg = check_csv(f"{table}/{lang}", r.body.decode("utf-8"), table == "measures",
                               "," if lang == "en" else ";")
            total_negatives += neg
            if table == "measures":
                A.check(neg > 0, "the measures table lost its negative numbers")
            A.finish()
    A.begin("API: exports/gpc")
    r = ed.get("/api/plans/1/exports/gpc")
    A.check_eq(r.status, 200, "status")
    check_csv("gpc", r.body.decode("utf-8"), False)
    A.finish()

    # The command line writes the same files, and the inventory as CSV.
    for table in TABLES:
        A.begin(f"CLI: export csv --table {table}")
        p = store.cli("export", "csv", "1", "--table", table)
        A.check_eq(p.returncode, 0, f"exit code ({p.stderr[:200]})")
        _, neg = check_csv(f"cli {table}", p.stdout, table == "measures", ";")
        if table == "measures":
            A.check(neg > 0, "the measures table lost its negative numbers")
        A.finish()
    A.begin("CLI: export csv -o FILE is the same as the API's")
    path = os.path.join(store.dir, "measures.csv")
    p = store.cli("export", "csv", "1", "--table", "measures", "--lang", "en", "-o", path)
    A.check_eq(p.returncode, 0, "exit code")
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    check_csv("cli -o", text, True)
    A.check_eq(text, ed.get("/api/plans/1/exports/csv?table=measures&lang=en").body.decode(),
               "the file")
    A.finish()
    A.begin("CLI: export gpc")
    p = store.cli("export", "gpc", "1")
    A.check_eq(p.returncode, 0, "exit code")
    check_csv("cli gpc", p.stdout, False)
    A.finish()
    A.begin("CLI: inventory --csv")
    p = store.cli("inventory", "901", "--csv")
    A.check_eq(p.returncode, 0, "exit code")
    check_csv("cli inventory", p.stdout, False)
    A.finish()


if __name__ == "__main__":
    main()
