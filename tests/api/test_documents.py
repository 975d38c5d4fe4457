# Documents and exports over HTTP: the decision item, the climate plan and
# the plan's exports are downloads equal to what the command line writes;
# bad parameters (language, format, Dnro, date, table) are a 422 naming
# the parameter; a plan without a target is a 422; nothing is stored.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def cli_bytes(store, *args):
    r = store.cli(*args)
    A.check(r.returncode == 0, f"ilmava {' '.join(args)} failed: {r.stderr}")
    return r.stdout.encode()


def run(store, server):
    ed = server.client()
    ed.login("editor@test.invalid")
    query = "date=2026-12-14&section=45&dnro=727%2F11.00%2F2026"

    A.begin("GET the decision item as Markdown equals `ilmava report decision`")
    r = ed.get(f"/api/plans/1/documents/decision?lang=sv&format=md&{query}")
    A.check_eq(r.status, 200, "status")
    A.check_eq(r.header("Content-Type"), "text/markdown; charset=utf-8", "Content-Type")
    A.check_eq(r.header("Content-Disposition"), 'attachment; filename="decision-plan-1.md"',
               "Content-Disposition")
    cli = cli_bytes(store, "report", "decision", "1", "--lang", "sv", "--date", "2026-12-14",
                    "--section", "45", "--dnro", "727/11.00/2026")
    A.check(r.body == cli, "the API's Markdown differs from the CLI's")
    A.check("Stadsfullmäktige fastställer" in r.body.decode(), "the Swedish proposal is missing")
    A.finish()

    A.begin("court= names the appeal court, as --court does")
    court = "Itä-Suomen hallinto-oikeus, PL 1744, 70101 Kuopio"
    r = ed.get("/api/plans/1/documents/decision?court=" + urllib.parse.quote(court))
    A.check_eq(r.status, 200, "status")
    A.check(("kunta kuuluu: " + court) in r.body.decode(), "the court is not in the appeal text")
    A.check(r.body == cli_bytes(store, "report", "decision", "1", "--court", court),
            "the API's Markdown differs from the CLI's")
    A.finish()

    A.begin("HTML and PDF downloads")
    r = ed.get("/api/plans/1/documents/decision?format=html")
    A.check_eq(r.status, 200, "status")
    A.check(r.body.startswith(b"<!doctype html>") and b"<script" not in r.body,
            "not a self-contained HTML document")
    r = ed.get("/api/plans/1/documents/plan?format=pdf&lang=en")
    A.check_eq(r.status, 200, "status")
    A.check_eq(r.header("Content-Type"), "application/pdf", "Content-Type")
    A.check(r.body.startswith(b"%PDF-"), "not a PDF")
    A.finish()

    A.begin("exports: XLSX, CSV and GPC")
    r = ed.get("/api/plans/1/exports/xlsx?lang=en")
    A.check_eq(r.status, 200, "status")
    A.check(r.body.startswith(b"PK"), "not a zip package")
    r = ed.get("/api/plans/1/exports/csv?table=pathway&lang=en")
    A.check_eq(r.status, 200, "status")
    # store.cli reads text: its line ends are "\n" where the CSV's are "\r\n".
    A.check(r.body.replace(b"\r\n", b"\n") ==
            cli_bytes(store, "export", "csv", "1", "--table", "pathway", "--lang", "en"),
            "the API's CSV differs from the CLI's")
    r = ed.get("/api/plans/1/exports/gpc")
    A.check_eq(r.status, 200, "status")
    A.check(r.body.startswith(b"municipality,year,gpc_sector"), "not the GPC layout")
    A.finish()

    before = store.dump()
    for path, field in [
        ("/api/plans/1/documents/decision?lang=de", "lang"),
        ("/api/plans/1/documents/decision?format=docx", "format"),
        ("/api/plans/1/documents/decision?dnro=727-11.00-2026", "dnro"),
        ("/api/plans/1/documents/decision?date=2026-13-01", "date"),
        ("/api/plans/1/documents/decision?section=x", "section"),
        ("/api/plans/1/documents/plan?lang=xx", "lang"),
        ("/api/plans/1/exports/csv?table=nope", "table"),
        ("/api/plans/1/exports/csv", "table"),
        ("/api/plans/1/exports/xlsx?lang=de", "lang"),
        ("/api/plans/1/documents/decision?recipients=" + "%3B".join(["x"] * 31), "recipients"),
    ]:
        A.begin(f"GET {path}: 422 naming {field}")
        r = ed.get(path)
        A.check_eq(r.status, 422, "status")
        A.check_eq(r.error_field(), field, "the error's field")
        A.finish()

    A.begin("a plan without a target: 422")
    created = ed.post("/api/municipalities/901/plans",
                      {"base_year": 2007, "target_year": 2035, "reduction": 0,
                       "name": "no target"})
    A.check_eq(created.status, 201, "creating the plan")
    pid = (created.json() or {}).get("id")
    before = store.dump()
    r = ed.get(f"/api/plans/{pid}/documents/decision")
    A.check_eq(r.status, 422, "status")
    A.check("has no target" in r.body.decode(), f"the message: {r!r}")
    r = ed.get(f"/api/plans/{pid}/exports/xlsx")
    A.check_eq(r.status, 422, "xlsx status")
    A.check(store.dump() == before, "a refused download changed the store")
    A.finish()

    A.begin("an unknown plan: 404")
    A.check_eq(ed.get("/api/plans/999/documents/decision").status, 404, "status")
    A.finish()


if __name__ == "__main__":
    main()
