# Text limits (issue 12): every free text has a cap in characters, and a
# text over it is refused with 422 naming the field, its length and the cap
# ("name: 1048576 characters, at most 200"), with nothing stored. A text at
# the cap is accepted, counted in characters, not bytes (200 × "ä" is 400
# bytes). Plans, measures, comments, programmes, applications, sparring,
# council decisions, overrides and decisions; the caps are in docs/API.md.
# Also: /api/audit?municipality=x names the field municipality.
# SPDX-License-Identifier: AGPL-3.0-or-later

import datetime
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

ORG = "organiser@test.invalid"
ED = "editor@test.invalid"
EXPERT = "expert@test.invalid"
NAME, KEY, LONG = 200, 64, 4000   # ILM_TEXT_NAME, ILM_TEXT_KEY, ILM_TEXT_LONG
P_NAME, P_SHORT, P_TEXT = 200, 5000, 20000  # programme.h: names, reasons, texts
COMMENT = 10000


def day(delta):
    return (datetime.datetime.now(datetime.timezone.utc).date()
            + datetime.timedelta(days=delta)).isoformat()


def main():
    store = A.Store()
    store.add_user(ORG, "organiser")
    store.add_user(ED, "editor", "901")
    store.add_user(EXPERT, "expert", "901")
    server = A.Server(store)
    try:
        run(store, server)
        cli(store)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def programme_doc():
    return {
        "name": "ILMAVA 2026", "year": 2026, "description": "Valmennus",
        "apply_from": day(-60), "apply_until": day(30),
        "capacity_min": 1, "capacity_max": 5, "own_funding_eur": 2000,
        "max_region_share": 1, "max_size_share": 1,
        "phases": [{"key": "orientation", "audience": "civil_service"}],
        "periods": [{"name": "Jakso I", "starts": day(-40), "ends": day(40), "days": [
            {"day": day(-38), "place": "Joensuu", "audience": "civil_service",
             "phase": "orientation", "agenda": "Orientaatio"}]}],
    }


def application_doc():
    return {
        "municipality": "901", "climate_work": "Päästöinventaario.",
        "has_council_target": True, "tells_easy_from_hard": True,
        "problems": ["liikenne"], "sparring_problem": "liikenne",
        "own_funding_accepted": True,
        "participants": [{"name": "Anna", "title": "kunnanjohtaja", "level": "civil_service",
                          "phases": ["orientation"]}],
    }


def run(store, server):
    ed = server.client()
    ed.login(ED)
    org = server.client()
    org.login(ORG)
    expert = server.client()
    expert.login(EXPERT)

    plan = ed.get("/api/plans/1").json()
    mid = plan["measures"][0]["measure_id"]
    measure = {"id": "caps", "sector": "waste", "start": 2026, "full": 2030, "share": 0.1}

    r = org.post("/api/programmes", programme_doc())
    if not A.check_eq(r.status, 201, f"setup: POST /api/programmes ({r!r})"):
        A.fatal("no programme")
    pid = r.json()["id"]
    r = ed.post(f"/api/programmes/{pid}/applications", application_doc())
    if r.status != 201:
        A.fatal(f"setup: application: {r!r}")
    app_id = r.json()["id"]
    r = expert.post(f"/api/applications/{app_id}/sparring", {"kind": "note", "body": "ok"})
    if r.status != 201:
        A.fatal(f"setup: sparring: {r!r}")
    # The reply is the application's sparring log, newest last.
    log = r.json()
    entries = log if isinstance(log, list) else (log or {}).get("entries", [])
    entry = entries[-1]["id"] if entries else None
    if not entry:
        A.fatal(f"setup: no sparring entry id in {r!r}")

    def too_long(name, client, method, path, body, field, length, cap):
        """One over-long text: 422, the field named, the message giving the
        length and the cap, and the store unchanged."""
        A.begin(name)
        before = store.dump()
        r = client.request(method, path, json_body=body)
        A.check_eq(r.status, 422, f"{method} {path} status ({r!r})")
        got = r.error_field() or ""
        A.check(got == field or got.endswith("." + field) or got.endswith("]." + field),
                f"field: got {got!r}, expected {field!r}")
        msg = ((r.json() or {}).get("error") or {}).get("message", "")
        want = f"{length} characters, at most {cap}"
        A.check(want in msg, f"message {A.short(msg)!r} lacks {want!r}")
        A.check(store.dump() == before, "the store changed")
        A.finish()

    def fits(name, client, method, path, body, status=(200, 201)):
        A.begin(name)
        r = client.request(method, path, json_body=body)
        A.check(r.status in status, f"{method} {path}: got {r!r}, expected {status}")
        A.finish()
        return r

    mb = 1 << 20
    # ---- plans and measures ----
    too_long("a 1 MB plan name is refused", ed, "POST", "/api/municipalities/901/plans",
             {"name": "n" * mb, "base_year": 1990, "target_year": 2035, "reduction": 0.8},
             "name", mb, NAME)
    v = ed.get("/api/plans/1").json()["version"]
    too_long("PUT plan: 201 characters of ä", ed, "PUT", "/api/plans/1",
             {"version": v, "name": "ä" * (NAME + 1)}, "name", NAME + 1, NAME)
    fits("PUT plan: 200 characters of ä (400 bytes) fit", ed, "PUT", "/api/plans/1",
         {"version": v, "name": "ä" * NAME})
    for key, cap in (("name", NAME), ("responsible", NAME), ("notes", LONG), ("id", KEY)):
        body = dict(measure, **{key: "x" * (cap + 1)})
        too_long(f"POST measure: {key} over {cap}", ed, "POST", "/api/plans/1/measures", body,
                 key, cap + 1, cap)
    too_long("PUT measure: notes over the cap", ed, "PUT", f"/api/measures/{mid}",
             {"notes": "ö" * (LONG + 1)}, "notes", LONG + 1, LONG)
    fits("POST measure: every text at its cap", ed, "POST", "/api/plans/1/measures",
         dict(measure, id="k" * KEY, name="ä" * NAME, responsible="å" * NAME,
              notes="ö" * LONG))
    too_long("comment over the cap", expert, "POST", "/api/plans/1/comments",
             {"body": "c" * (COMMENT + 1)}, "body", COMMENT + 1, COMMENT)

    # ---- programmes, applications, sparring, decisions ----
    doc = programme_doc()
    doc["name"] = "p" * 100000  # a programme document is at most 1 MiB
    too_long("POST programme: a long name", org, "POST", "/api/programmes", doc, "name", 100000,
             P_NAME)
    too_long("PUT programme: description over the cap", org, "PUT", f"/api/programmes/{pid}",
             {"description": "d" * (P_TEXT + 1)}, "description", P_TEXT + 1, P_TEXT)
    doc = programme_doc()
    doc["periods"][0]["days"][0]["place"] = "x" * (P_NAME + 1)
    too_long("POST programme: a day's place over the cap", org, "POST", "/api/programmes", doc,
             "place", P_NAME + 1, P_NAME)
    too_long("PUT application: climate_work over the cap", ed, "PUT",
             f"/api/applications/{app_id}", {"climate_work": "w" * (P_TEXT + 1)},
             "climate_work", P_TEXT + 1, P_TEXT)
    doc = application_doc()
    del doc["municipality"]
    doc["participants"][0]["name"] = "ä" * (P_NAME + 1)
    too_long("PUT application: a participant's name over the cap", ed, "PUT",
             f"/api/applications/{app_id}", doc, "name", P_NAME + 1, P_NAME)
    too_long("PUT application: a problem over the cap", ed, "PUT",
             f"/api/applications/{app_id}", {"problems": ["q" * (P_SHORT + 1)]}, "problems[0]",
             P_SHORT + 1, P_SHORT)
    too_long("sparring: body over the cap", expert, "POST",
             f"/api/applications/{app_id}/sparring", {"kind": "note", "body": "s" * (P_TEXT + 1)},
             "body", P_TEXT + 1, P_TEXT)
    too_long("sparring: owner over the cap", expert, "POST",
             f"/api/applications/{app_id}/sparring",
             {"kind": "commitment", "body": "b", "owner": "o" * (P_NAME + 1), "due": day(9)},
             "owner", P_NAME + 1, P_NAME)
    too_long("sparring: PUT body over the cap", expert, "PUT", f"/api/sparring/{entry}",
             {"body": "s" * (P_TEXT + 1)}, "body", P_TEXT + 1, P_TEXT)
    too_long("override: reason over the cap", org, "PUT", f"/api/applications/{app_id}/override",
             {"reason": "r" * (P_SHORT + 1)}, "reason", P_SHORT + 1, P_SHORT)
    too_long("decision: reason over the cap", org, "PUT", f"/api/applications/{app_id}/decision",
             {"decision": "rejected", "reason": "r" * (P_SHORT + 1)}, "reason", P_SHORT + 1,
             P_SHORT)
    decision = {"kind": "council_target", "body": "Kunnanvaltuusto", "date": day(-3),
                "section": "§ 12", "dnro": "1/00.01.00/2026"}
    for key, cap in (("body", P_NAME), ("section", 20), ("dnro", 60)):
        too_long(f"council decision: {key} over {cap}", ed, "PUT", "/api/plans/1/decision",
                 dict(decision, **{key: "z" * (cap + 1)}), key, cap + 1, cap)

    # ---- the audit trail's query names its parameter ----
    A.begin("/api/audit?municipality=x names municipality")
    r = org.get("/api/audit?municipality=x")
    A.check_eq(r.status, 422, f"status ({r!r})")
    A.check_eq(r.error_field(), "municipality", "field")
    msg = ((r.json() or {}).get("error") or {}).get("message", "")
    A.check(msg.startswith("municipality:") and "audit" not in msg, f"message {msg!r}")
    A.check_eq(org.get("/api/audit?municipality=901").status, 200, "a good code")
    A.finish()


def cli(store):
    """The command line gives the same messages, exit 2, nothing stored."""
    big = 100000  # one argument may hold at most 128 KiB
    for name, args, want in (
            ("plan new --name", ("plan", "new", "901", "--base", "1990", "--target", "2035",
                                 "--reduction", "0.8", "--name", "n" * big),
             f"name: {big} characters, at most {NAME}"),
            ("measure add notes=", ("measure", "add", "1", "id=cli", "sector=waste",
                                    "start=2026", "full=2030", "share=0.1",
                                    "notes=" + "ö" * (LONG + 1)),
             f"notes: {LONG + 1} characters, at most {LONG}"),
            ("measure add responsible=", ("measure", "add", "1", "id=cli", "sector=waste",
                                          "start=2026", "full=2030", "share=0.1",
                                          "responsible=" + "=" * (NAME + 1)),
             f"responsible: {NAME + 1} characters, at most {NAME}"),
            ("decision --section", ("decision", "1", "--body", "Kunnanvaltuusto", "--date",
                                    day(-3), "--section", "§" * 21),
             "section: 21 characters, at most 20")):
        A.begin(f"CLI: {name} over the cap")
        before = store.dump()
        r = store.cli(*args)
        A.check_eq(r.returncode, 2, "exit code")
        A.check(want in r.stderr, f"stderr {A.short(r.stderr)!r} lacks {want!r}")
        A.check_eq(r.stdout, "", "stdout")
        A.check(store.dump() == before, "the store changed")
        A.finish()


if __name__ == "__main__":
    main()
