# The documents and the UI agree (issue 13, section 4): a plan whose
# settings ask for no draws gets the same 2 000 draws and the same
# probability in the decision draft and the climate plan as the UI's
# pathway (GET pathway?draws=2000&seed=<the plan's seed>), never "not
# computed" beside a probability on the screen.
# SPDX-License-Identifier: AGPL-3.0-or-later

import csv
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store)
    try:
        run(server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


NUM = re.compile(r"^-?\d+([.,]\d+)?$")
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "assets")


def catalogue(lang, key):
    with open(os.path.join(ASSETS, f"i18n-{lang}.js"), encoding="utf-8") as f:
        m = re.search(r"'" + re.escape(key) + r"': '([^']*)'", f.read())
    return m.group(1) if m else None


def pct_of(text, pattern):
    m = re.search(pattern, text)
    return m.group(1).replace("\u00a0", " ") if m else None


def run(server):
    ed = server.client()
    ed.login("editor@test.invalid")
    r = ed.post("/api/municipalities/901/plans", {"name": "Uusi", "base_year": 2007,
                                                  "target_year": 2035, "reduction": 0.5,
                                                  "scope": "non_ets"})
    A.check_eq(r.status, 201, f"new plan ({r.body[:200]})")
    plan = r.json()
    pid = plan["id"]
    A.begin("a plan without draws: the documents compute the UI's 2 000 draws")
    A.check(not plan["settings"].get("draws"), f"the new plan's draws: {plan['settings']}")
    seed = plan["settings"].get("seed", 1)
    ui = ed.get(f"/api/plans/{pid}/pathway?draws=2000&seed={seed}").json()
    A.check_eq(ui["monte_carlo"]["draws"], 2000, "UI draws")
    ui_pct = round(ui["monte_carlo"]["p_meet"] * 100)
    for lang, words, pat in (
            ("fi", "2 000 simulointia", r"todennäköisyys saavuttaa tavoite on (\d+)"),
            ("sv", "2 000 simuleringar", r"sannolikheten att nå målet (\d+)"),
            ("en", "2,000 simulations", r"probability of meeting the target is (\d+)")):
        md = ed.get(f"/api/plans/{pid}/documents/decision?format=md&lang={lang}")
        A.check_eq(md.status, 200, f"decision {lang}")
        text = md.body.decode().replace("\u00a0", " ").replace("\u202f", " ")
        A.check(words in text, f"decision {lang} does not say {words!r}")
        A.check("not been computed" not in text and "ei ole laskettu" not in text
                and "inte beräknats" not in text, f"decision {lang} says not computed")
        got = pct_of(text, pat)
        A.check(got is not None and int(got) == ui_pct,
                f"decision {lang}: probability {got} %, the UI's {ui_pct} %")


    A.begin("one word for each class: the UI's catalogue term is the documents' and the CSV's")
    for lang in ("fi", "sv", "en"):
        word = (catalogue(lang, "class.moderate") or "?").lower()
        docs = {
            "decision": ed.get(f"/api/plans/1/documents/decision?format=md&lang={lang}"),
            "plan": ed.get(f"/api/plans/1/documents/plan?format=md&lang={lang}"),
            "csv": ed.get(f"/api/plans/1/exports/csv?table=measures&lang={lang}"),
        }
        for name, r in docs.items():
            A.check_eq(r.status, 200, f"{name} {lang}")
            A.check(word in r.body.decode().lower(),
                    f"the {name} ({lang}) does not use the UI's term {word!r}")


    A.begin("CSV exports: fi and sv ';' with a decimal comma, en ',' with a point; no long tails")
    for lang, sep, dec in (("fi", ";", ","), ("sv", ";", ","), ("en", ",", ".")):
        for table in ("pathway", "measures", "target", "totals"):
            r = ed.get(f"/api/plans/1/exports/csv?table={table}&lang={lang}")
            A.check_eq(r.status, 200, f"{table} {lang}")
            lines = r.body.decode().lstrip("\ufeff").splitlines()
            A.check(sep in lines[0], f"{table} {lang}: header {lines[0][:60]!r} without {sep!r}")
            rows = list(csv.reader(lines, delimiter=sep))
            width = len(rows[0])
            A.check(all(len(x) == width for x in rows), f"{table} {lang}: ragged rows")
            for row in rows[1:]:
                for c in row:
                    if NUM.match(c):
                        other = "." if dec == "," else ","
                        A.check(other not in c, f"{table} {lang}: {c!r} has a {other!r}")
                        frac = re.split(r"[.,]", c)[1] if re.search(r"[.,]", c) else ""
                        A.check(len(frac) <= 3, f"{table} {lang}: {c!r} has a long tail")

    A.begin("a share of 62.5 % reads 62,5 %, not 63 %, in the documents")
    plan = ed.get("/api/plans/1").json()
    r = ed.put("/api/plans/1", {"version": plan["version"], "target": dict(plan["target"], reduction=0.625)})
    A.check_eq(r.status, 200, f"PUT target ({r.body[:200]})")
    for lang, want in (("fi", "62,5 %"), ("sv", "62,5 %"), ("en", "62.5%")):
        for doc in ("decision", "plan"):
            text = ed.get(f"/api/plans/1/documents/{doc}?format=md&lang={lang}").body.decode()
            text = text.replace("\u00a0", " ").replace("\u202f", " ")
            A.check(want in text, f"the {doc} ({lang}) does not show {want!r}")


if __name__ == "__main__":
    main()
