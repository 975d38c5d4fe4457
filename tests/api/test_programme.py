# The coaching programme through the API, a whole cycle with 16 applicant
# municipalities: the three demo ones (901, the industrial town, has no
# council target) and the 13 of North Karelia from SYKE's data. A programme
# is created; applications arrive; eligibility is explained; the organiser
# overrides one with a reason; ilmava proposes a cohort of at most 15 within
# the diversity limits; the organiser decides each applicant; contact days
# run with attendance; sparring logs fill; peer groups form; the dashboard
# shows the right counts. Then the permissions (a municipality sees only its
# own; an expert only the assigned; applications close after the deadline)
# and the bad inputs (each a 4xx naming the field).
# Needs ../shared (ILMAVA_SHARED): skipped (77) without it.
# SPDX-License-Identifier: AGPL-3.0-or-later

import datetime
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

SHARED = os.environ.get("ILMAVA_SHARED", "")
REGISTER = os.path.join(SHARED, "data", "kunnat_2021_2025.csv")
SYKE = os.path.join(SHARED, "data", "syke", "alas_hinku_pohjois_karjala_wide.csv")
if not SHARED or not os.path.exists(REGISTER) or not os.path.exists(SYKE):
    print(f"# {A.ME}: ILMAVA_SHARED or its data files are missing; skipped")
    sys.exit(A.SKIP)

ORG = "organiser@test.invalid"
EXPERT = "expert@test.invalid"  # assigned to 901 and 167
KARELIA = ["090", "146", "167", "176", "260", "276", "309", "422", "426", "541", "607", "707",
           "848"]
DEMO = ["901", "902", "903"]
ALL = DEMO + KARELIA
NO_FUNDING = "707"         # does not accept the own funding: not eligible
LATE_TARGET = ["276", "426"]  # set their council target after the programme began


def ed(code):
    return f"editor{code}@test.invalid"


def day(delta):
    return (datetime.datetime.now(datetime.timezone.utc).date()
            + datetime.timedelta(days=delta)).isoformat()


def main():
    store = A.Store()
    for args in (("import", "municipalities", REGISTER), ("import", "syke", SYKE)):
        r = store.cli(*args)
        if r.returncode != 0:
            A.fatal(f"ilmava {' '.join(args)} failed: {r.stderr}")
    store.add_user(ORG, "organiser")
    for code in ALL + ["091"]:
        store.add_user(ed(code), "editor", code)
    pw = "pw-expert-0123456789"
    r = store.cli("user", "add", EXPERT, "--role", "expert", "--municipality", "901",
                  "--municipality", "167", "--password-stdin", input=pw + "\n")
    if r.returncode != 0:
        A.fatal(f"user add expert: {r.stderr}")
    store.passwords[EXPERT] = pw
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def programme_doc():
    return {
        "name": "ILMAVA 2026", "year": 2026,
        "description": "Ilmastojohtamisen valmennus kuntien ylimmälle johdolle",
        "apply_from": day(-60), "apply_until": day(30),
        "capacity_min": 10, "capacity_max": 15, "own_funding_eur": 2000,
        "max_region_share": 0.8, "max_size_share": 0.7,
        "eligibility_text": "Valtuuston asettama ilmastotavoite; helpot ja vaikeat tavoitteet",
        "phases": [
            {"key": "orientation", "audience": "civil_service"},
            {"key": "municipal_work", "audience": "civil_service"},
            {"key": "peer_learning", "audience": "both"},
            {"key": "expert_sparring", "audience": "both"}],
        "periods": [
            {"name": "Jakso I", "starts": day(-40), "ends": day(-30), "days": [
                {"day": day(-38), "place": "Joensuu", "audience": "civil_service",
                 "phase": "orientation", "agenda": "Orientaatio"}]},
            {"name": "Jakso II", "starts": day(-20), "ends": day(-10), "days": [
                {"day": day(-18), "place": "online", "online": True,
                 "audience": "civil_service", "phase": "municipal_work"},
                {"day": day(-12), "place": "Kuopio", "audience": "both",
                 "phase": "peer_learning"}]},
            {"name": "Jakso III", "starts": day(-5), "ends": day(40), "days": [
                {"day": day(-2), "place": "Helsinki", "audience": "both",
                 "phase": "expert_sparring"}]}],
    }


def application_doc(code):
    return {
        "municipality": code,
        "climate_work": f"Kunnan {code} ilmastotyö: päästöinventaario ja toimenpideohjelma.",
        "has_council_target": code != "901",
        "tells_easy_from_hard": True,
        "easy_hard_how": "Toimenpiteiden hinta per tonni ja kunnan vaikutusvalta",
        "problems": ["liikenteen päästöt", "öljylämmitys"],
        "sparring_problem": "liikenteen päästöt" if int(code) % 2 else "öljylämmityksestä luopuminen",
        "own_funding_accepted": code != NO_FUNDING,
        "board_decision": {"body": "Kunnanhallitus", "date": day(-50), "section": "§ 12",
                           "dnro": f"{code}/00.01.00/2026"},
        "participants": [
            {"name": f"Johtaja {code}", "title": "kunnanjohtaja", "level": "civil_service",
             "phases": ["orientation", "municipal_work", "peer_learning"]},
            {"name": f"Valtuuston pj {code}", "title": "valtuuston puheenjohtaja",
             "level": "political", "phases": ["peer_learning", "expert_sparring"]}],
    }


def run(store, server):
    org = server.client()
    org.login(ORG)
    eds = {}
    for code in ALL + ["091"]:
        c = server.client()
        c.login(ed(code))
        eds[code] = c
    expert = server.client()
    expert.login(EXPERT)
    anon = server.client()

    # ---- plans with easy and hard measures, and council targets ----
    A.begin("setup: a plan for every applicant, with easy and hard measures")
    plans = {p["municipality"]: p["id"] for p in store.plans()}
    for code in KARELIA:
        r = org.post(f"/api/municipalities/{code}/plans",
                     {"name": f"Hiilineutraali {code}", "base_year": 2007,
                      "target_year": 2035, "reduction": 0.8, "scope": "hinku"})
        if not A.check_eq(r.status, 201, f"plan for {code}"):
            A.fatal(f"cannot create a plan for {code}: {r}")
        plans[code] = r.json()["id"]
    for code in ALL:
        if code == "901":
            continue  # the industrial town's plan stays as the demo made it
        for m in ({"id": "oil-easy", "sector": "oil_heating", "start": 2026, "full": 2030,
                   "share": 0.3, "capex": 1000, "lifetime": 20, "control": "own"},
                  {"id": "traffic-hard", "sector": "road_transport", "start": 2026,
                   "full": 2034, "share": 0.05, "control": "none"}):
            r = org.post(f"/api/plans/{plans[code]}/measures", m)
            A.check_eq(r.status, 201, f"measure {m['id']} in {code}'s plan")
    # Council targets: all but 901; two of them after the programme began.
    for code in ALL:
        if code == "901":
            continue
        when = day(-3) if code in LATE_TARGET else "2021-06-14"
        r = eds[code].put(f"/api/plans/{plans[code]}/decision",
                          {"body": "Kunnanvaltuusto", "date": when, "section": "§ 45",
                           "dnro": f"{code}/11.00/2021"})
        A.check_eq(r.status, 200, f"council decision on {code}'s plan")
    r = eds["901"].put(f"/api/plans/{plans['902']}/decision",
                       {"body": "Kunnanvaltuusto", "date": "2021-06-14"})
    A.check_eq(r.status, 404, "901's editor records a decision on 902's plan")
    A.finish()

    # ---- 1. the programme ----
    A.begin("1. the organiser creates the programme; its shape holds")
    r = org.post("/api/programmes", programme_doc())
    if not A.check_eq(r.status, 201, "POST /api/programmes"):
        A.fatal(f"cannot create the programme: {r}")
    prog = r.json()
    pid = prog["id"]
    A.check_eq(prog["contact_days"], 4, "total contact days")
    A.check_eq(len(prog["periods"]), 3, "contact periods")
    A.check_eq(r.header("Location"), f"/api/programmes/{pid}", "Location")
    A.check_eq(eds["901"].get(f"/api/programmes/{pid}").status, 200, "an editor reads it")
    A.check_eq(eds["901"].post("/api/programmes", programme_doc()).status, 403,
               "an editor creates a programme")
    A.finish()

    # ---- 2. applications arrive ----
    A.begin("2. sixteen applications arrive: drafted, then submitted")
    apps = {}
    for code in ALL:
        r = eds[code].post(f"/api/programmes/{pid}/applications", application_doc(code))
        if not A.check_eq(r.status, 201, f"{code} applies"):
            A.fatal(f"application of {code} failed: {r}")
        a = r.json()
        A.check_eq(a["status"], "draft", f"{code}'s new application")
        apps[code] = a["id"]
        r = eds[code].put(f"/api/applications/{a['id']}",
                          {"status": "submitted", "version": a["version"]})
        A.check_eq(r.status, 200, f"{code} submits")
        A.check(r.status == 200 and r.json()["submitted_at"], f"{code}: submitted_at set")
    # An application withdrawn and submitted again, before the deadline.
    r = eds["903"].put(f"/api/applications/{apps['903']}", {"status": "withdrawn"})
    A.check_eq(r.json()["status"] if r.status == 200 else r.status, "withdrawn", "903 withdraws")
    r = eds["903"].put(f"/api/applications/{apps['903']}", {"status": "submitted"})
    A.check_eq(r.status, 200, "903 submits again")
    rows = store.query("SELECT count(*) FROM audit WHERE action LIKE 'application.%'")[0][0]
    A.check(rows >= 34, f"application changes are audited ({rows} rows)")
    A.finish()

    # ---- 3. eligibility explained ----
    A.begin("3. eligibility is explained criterion by criterion")
    r = org.get(f"/api/applications/{apps['901']}")
    a901 = r.json()
    crit = {e["criterion"]: e for e in a901["eligibility"]}
    A.check_eq(sorted(crit), ["council_target", "easy_and_hard", "own_funding", "participants"],
               "criteria")
    A.check_eq(crit["council_target"]["met"], False, "901 council target")
    A.check(crit["council_target"]["evidence"].startswith(
        "does not meet: no council-set climate target"), f"901's evidence: {crit}")
    A.check_eq(crit["own_funding"]["met"], True, "901 own funding")
    A.check(a901["facts"]["industrial"], "901 is industrial by its ETS share")
    A.check_eq(a901["eligible"], False, "901 eligible")
    r = org.get(f"/api/applications/{apps['167']}")
    crit = {e["criterion"]: e for e in r.json()["eligibility"]}
    A.check(all(e["met"] for e in crit.values()), f"167 meets every criterion: {crit}")
    A.check("Kunnanvaltuusto 2021-06-14 § 45" in crit["council_target"]["evidence"],
            "167's council decision named as evidence")
    A.check("1 easy" in crit["easy_and_hard"]["evidence"]
            and "1 hard" in crit["easy_and_hard"]["evidence"], f"167 classes: {crit}")
    r = org.get(f"/api/applications/{apps[NO_FUNDING]}")
    crit = {e["criterion"]: e for e in r.json()["eligibility"]}
    A.check_eq(crit["own_funding"]["met"], False, f"{NO_FUNDING} own funding")
    A.check("2 000 EUR is not accepted" in crit["own_funding"]["evidence"],
            f"{NO_FUNDING}'s evidence: {crit['own_funding']}")
    A.finish()

    A.begin("3b. the evidence in the reader's language: ?lang=fi|sv, a 422 for another")
    crit = {e["criterion"]: e for e in
            org.get(f"/api/applications/{apps['901']}?lang=fi").json()["eligibility"]}
    A.check(crit["council_target"]["evidence"].startswith(
        "ei täytä: valtuusto ei ole asettanut ilmastotavoitetta"), f"901 in Finnish: {crit}")
    A.check(crit["own_funding"]["evidence"].startswith("täyttää: hakemus hyväksyy 2 000 euron"),
            f"901's funding in Finnish: {crit['own_funding']}")
    crit = {e["criterion"]: e for e in
            eds["901"].get(f"/api/applications/{apps['901']}?lang=sv").json()["eligibility"]}
    A.check(crit["council_target"]["evidence"].startswith(
        "uppfyller inte: inget klimatmål fastställt av fullmäktige"), f"901 in Swedish: {crit}")
    rows = org.get(f"/api/programmes/{pid}/applications?lang=fi").json()["applications"]
    row = next(x for x in rows if x["municipality"] == "167")
    A.check(all(e["evidence"].startswith("täyttää: ") for e in row["eligibility"]),
            f"167's evidence in Finnish in the selection: {row['eligibility']}")
    r = org.get(f"/api/programmes/{pid}/proposal?lang=sv")
    A.check_eq(r.status, 200, "the proposal in Swedish")
    for path in (f"/api/applications/{apps['901']}?lang=de",
                 f"/api/programmes/{pid}/applications?lang=de",
                 f"/api/programmes/{pid}/proposal?lang=xx"):
        r = org.get(path)
        A.check_eq((r.status, r.error_field()), (422, "lang"), path)
    A.finish()

    # ---- 4. the organiser overrides one ----
    A.begin("4. the organiser accepts 901 despite no council target, with a reason")
    A.check_eq(eds["901"].put(f"/api/applications/{apps['901']}/override",
                              {"reason": "x"}).status, 403, "the editor overrides")
    r = org.put(f"/api/applications/{apps['901']}/override",
                {"reason": "Teollisuuskaupunki: tavoite asetetaan yhdessä toimijoiden kanssa",
                 "condition": "set a target during the programme"})
    A.check_eq(r.status, 200, "organiser overrides")
    j = r.json()
    A.check_eq(j["overridden"], True, "overridden")
    A.check_eq(j["override"]["condition"], "set a target during the programme", "condition")
    audit = store.query("SELECT actor, new_json FROM audit WHERE action = 'application.update'"
                        " AND municipality = '901' ORDER BY id DESC LIMIT 1")
    A.check(audit and audit[0][0] == ORG and "set a target" in audit[0][1],
            f"the override is audited: {audit}")
    A.finish()

    # ---- bad input while the applications are open ----
    A.begin("bad input: each a 4xx naming the field; nothing stored")
    before = store.query("SELECT count(*) FROM programme")[0][0]
    doc = programme_doc()
    doc["capacity_min"] = 16
    r = org.post("/api/programmes", doc)
    A.check_eq((r.status, r.error_field()), (422, "capacity_min"), "capacity min > max")
    doc = programme_doc()
    doc["periods"][1]["days"][0]["day"] = day(-25)
    r = org.post("/api/programmes", doc)
    A.check_eq((r.status, r.error_field()), (422, "periods[1].days[0].day"),
               "a contact day outside its period")
    A.check("outside its period" in r.json()["error"]["message"], f"message: {r}")
    A.check_eq(store.query("SELECT count(*) FROM programme")[0][0], before, "programmes")
    period2 = r_periods = org.get(f"/api/programmes/{pid}").json()["periods"]
    r = org.post(f"/api/programmes/{pid}/contact-days",
                 {"period_id": r_periods[0]["id"], "day": day(-1), "place": "Joensuu",
                  "audience": "civil_service"})
    A.check_eq((r.status, r.error_field()), (422, "periods[0].days[1].day"),
               "POST contact-days outside its period")
    r = org.post(f"/api/programmes/{pid}/contact-days",
                 {"period_id": period2[0]["id"], "day": day(-35), "place": "Joensuu",
                  "audience": "political", "phase": "orientation"})
    A.check_eq((r.status, r.error_field()), (422, "periods[0].days[1].audience"),
               "a political day in a civil-service phase")
    A.check_eq(org.get(f"/api/programmes/{pid}").json()["contact_days"], 4, "still 4 days")
    doc = application_doc("091")
    del doc["participants"][1]["level"]
    r = eds["091"].post(f"/api/programmes/{pid}/applications", doc)
    A.check_eq((r.status, r.error_field()), (422, "participants[1].level"),
               "a participant with no role")
    r = eds["167"].post(f"/api/programmes/{pid}/applications", application_doc("167"))
    A.check_eq((r.status, r.error_field()), (409, "municipality"),
               "a second application from 167")
    r = eds["167"].post(f"/api/programmes/{pid}/applications", application_doc("901"))
    A.check_eq(r.status, 403, "167's editor applies for 901")
    A.check_eq(store.query("SELECT count(*) FROM application")[0][0], 16, "applications")
    A.finish()

    # ---- the deadline ----
    A.begin("applications close after the deadline; the organiser still changes one")
    r = org.put(f"/api/programmes/{pid}", {"apply_until": day(-1)})
    A.check_eq(r.status, 200, "organiser moves the deadline to yesterday")
    A.check_eq(r.json()["application_period"], "closed", "the period")
    r = eds["167"].put(f"/api/applications/{apps['167']}", {"climate_work": "late"})
    A.check_eq(r.status, 403, "167 changes its application after the deadline")
    A.check_eq(r.json()["error"]["code"], "applications_closed", "error code")
    r = eds["091"].post(f"/api/programmes/{pid}/applications", application_doc("091"))
    A.check_eq(r.status, 403, "a new application after the deadline")
    r = org.put(f"/api/applications/{apps['167']}",
                {"climate_work": "Päivitetty järjestäjän toimesta"})
    A.check_eq(r.status, 200, "the organiser changes 167's application")
    row = store.query("SELECT actor FROM audit WHERE action = 'application.update' AND "
                      "municipality = '167' ORDER BY id DESC LIMIT 1")
    A.check_eq(row[0][0] if row else None, ORG, "audited as the organiser")
    A.finish()

    # ---- 5. the proposal ----
    A.begin("5. the proposed cohort: at most 15, within the diversity limits")
    r = org.get(f"/api/programmes/{pid}/proposal")
    A.check_eq(r.status, 200, "GET proposal")
    sel = r.json()
    rows = {x["municipality"]: x for x in sel["applications"]}
    A.check_eq(len(rows), 16, "rows side by side")
    cohort = [x for x in sel["applications"] if x["proposed"]]
    k = len(cohort)
    A.check(10 <= k <= 15, f"cohort size {k}")
    A.check_eq(sel["proposal"]["size"], k, "proposal.size")
    A.check_eq(sel["proposal"]["feasible"], True, "feasible")
    A.check_eq(sel["proposal"]["method"], "exact", "method")
    for key, share in (("region", 0.8), ("size_class", 0.7)):
        counts = {}
        for x in cohort:
            counts[x["facts"][key]] = counts.get(x["facts"][key], 0) + 1
        cap = max(1, int(share * k + 1e-9))
        A.check(max(counts.values()) <= cap, f"{key} counts {counts} over {cap}")
    A.check(not rows[NO_FUNDING]["proposed"], f"{NO_FUNDING} is not proposed")
    A.check("own_funding" in (rows[NO_FUNDING]["why_not"] or ""),
            f"why not: {rows[NO_FUNDING]['why_not']}")
    A.check(rows["901"]["overridden"] and rows["901"]["candidate"], "901 is a candidate")
    scores = [x["score"] for x in sel["applications"]]
    A.check(scores == sorted(scores, reverse=True), "rows by score")
    for x in sel["applications"]:
        A.check(x["facts"]["size_class"] in ("small", "medium", "large"), f"size {x}")
    A.check_eq(rows["167"]["facts"]["size_class"], "large", "Joensuu's size class")
    A.check_eq(rows["167"]["facts"]["region"], "12", "Joensuu's region")
    # Deterministic: the same proposal again.
    again = org.get(f"/api/programmes/{pid}/proposal").json()
    A.check_eq([x["application_id"] for x in again["applications"] if x["proposed"]],
               [x["application_id"] for x in cohort], "the same proposal twice")
    # Editable weights change the scores.
    r = org.put(f"/api/programmes/{pid}", {"score_weights": {"board_decision": 0}})
    A.check_eq(r.status, 200, "weights edited")
    A.check_eq(r.json()["score_weights"]["board_decision"], 0, "weight stored")
    A.finish()

    # ---- 6. decisions ----
    A.begin("6. the organiser decides each applicant, with notifications")
    proposed = {x["municipality"] for x in cohort}
    accepted, waitlisted = [], []
    for code in ALL:
        if code in proposed:
            body = {"decision": "accepted", "reason": "Ehdotettu kohortti"}
            accepted.append(code)
        elif code == NO_FUNDING:
            body = {"decision": "rejected", "reason": "Omarahoitusta ei hyväksytty"}
        else:
            body = {"decision": "waitlisted", "reason": "Kapasiteetti täynnä"}
            waitlisted.append(code)
        r = org.put(f"/api/applications/{apps[code]}/decision", body)
        if not A.check_eq(r.status, 200, f"decision on {code}"):
            continue
        j = r.json()
        A.check_eq(j["decision"]["decision"], body["decision"], f"{code} decision")
        A.check(j.get("notification") and j["notification"]["language"] == "fi",
                f"{code} notification: {j.get('notification')}")
        if body["decision"] == "accepted":
            A.check(j["start_gap"] is not None, f"{code}: the start gap is kept")
    r = org.put(f"/api/applications/{apps['903']}/decision", {"decision": "rejected"})
    A.check_eq((r.status, r.error_field()), (422, "reason"), "a rejection without a reason")
    A.check_eq(eds["901"].put(f"/api/applications/{apps['901']}/decision",
                              {"decision": "accepted"}).status, 403, "an editor decides")
    n = org.get(f"/api/programmes/{pid}/notifications").json()
    A.check_eq(len(n), 16, "sixteen notifications")
    one = next(x for x in n if x["municipality"] == NO_FUNDING)
    A.check("ei tullut valituksi" in one["subject"], f"rejection text: {one['subject']}")
    sv = org.get(f"/api/programmes/{pid}/notifications?language=sv").json()
    A.check(all(x["language"] == "sv" for x in sv), "Swedish on request")
    if "901" in accepted:
        x = next(x for x in n if x["municipality"] == "901")
        A.check("Ehto: set a target during the programme" in x["body"],
                f"901's condition in its notification: {x['body']}")
    A.finish()

    # ---- 7. contact days and attendance ----
    A.begin("7. contact days run with attendance")
    cd = org.get(f"/api/programmes/{pid}/contact-days").json()
    days = [d_["id"] for p_ in cd["periods"] for d_ in p_["days"]]
    A.check_eq(len(days), 4, "contact days")
    parts = cd["participants"]
    A.check_eq(len(parts), 2 * len(accepted), "participants of the cohort")
    # Everyone on days 1-3; on day 4 the first two accepted municipalities
    # are absent.
    absent = set(sorted(accepted)[:2])
    for i, d_ in enumerate(days[:4]):
        marks = [{"participant_id": p_["id"],
                  "present": not (i == 3 and p_["municipality"] in absent)} for p_ in parts]
        r = org.put(f"/api/contact-days/{d_}/attendance", {"attendance": marks})
        A.check_eq(r.status, 200, f"attendance of day {i + 1}")
    r = org.put(f"/api/contact-days/{days[0]}/attendance",
                {"attendance": [{"participant_id": 999999, "present": True}]})
    A.check_eq((r.status, r.error_field()), (422, "attendance[0].participant_id"),
               "an unknown participant")
    A.finish()

    # ---- 8. sparring logs ----
    A.begin("8. sparring logs fill: notes, commitments, next steps")
    a167 = apps["167"]
    r = expert.post(f"/api/applications/{a167}/sparring",
                    {"kind": "note", "body": "Joukkoliikenteen kehittäminen on avain."})
    A.check_eq(r.status, 201, "expert's note on 167")
    commitments = {}
    for code in accepted:
        ids = []
        for i in range(3):
            r = eds[code].post(f"/api/applications/{apps[code]}/sparring",
                               {"kind": "commitment", "body": f"Sitoumus {i + 1}",
                                "owner": "Tekninen johtaja", "due": day(60 + i)})
            A.check_eq(r.status, 201, f"{code} commitment {i + 1}")
            ids.append(r.json()[-1]["id"])
        done = 2 if code in ("167", "276") else 1
        for entry in ids[:done]:
            r = eds[code].put(f"/api/sparring/{entry}", {"done": True})
            A.check_eq(r.status, 200, f"{code} marks a commitment done")
        commitments[code] = (done, 3 - done)
        r = eds[code].post(f"/api/applications/{apps[code]}/sparring",
                           {"kind": "next_step", "body": "Seuraavaksi valtuustoseminaari"})
        A.check_eq(r.status, 201, f"{code} next step")
    r = eds["167"].post(f"/api/applications/{a167}/sparring",
                        {"kind": "commitment", "body": "x"})
    A.check_eq((r.status, r.error_field()), (422, "owner"), "a commitment without an owner")
    log = eds["167"].get(f"/api/applications/{a167}/sparring").json()
    A.check_eq(len(log), 5, "167's log")
    A.check_eq(log[0]["author"], EXPERT, "the expert's note is first")
    A.finish()

    # ---- 9. peer groups ----
    A.begin("9. peer groups form by similarity; the organiser adjusts them")
    r = org.post(f"/api/programmes/{pid}/peer-groups", {"basis": "similarity", "size": 4})
    A.check_eq(r.status, 201, "form by similarity")
    groups = r.json()
    members = [m["municipality"] for g in groups for m in g["members"]]
    A.check_eq(sorted(members), sorted(accepted), "every participant in one group")
    A.check(all(3 <= len(g["members"]) <= 4 for g in groups),
            f"group sizes {[len(g['members']) for g in groups]}")
    r = org.post(f"/api/programmes/{pid}/peer-groups", {"basis": "problem", "size": 5})
    A.check_eq(r.status, 201, "form by sparring problem")
    by_problem = r.json()
    A.check(all(g["basis"] == "problem" for g in by_problem), "basis problem")
    # Adjust: move everything into two manual groups.
    half = sorted(accepted)
    manual = [{"name": "Itä", "members": half[: len(half) // 2]},
              {"name": "Länsi", "members": half[len(half) // 2:]}]
    r = org.put(f"/api/programmes/{pid}/peer-groups", {"groups": manual})
    A.check_eq(r.status, 200, "organiser adjusts the groups")
    groups = r.json()
    A.check_eq([len(g["members"]) for g in groups], [len(m["members"]) for m in manual],
               "manual sizes")
    r = org.put(f"/api/programmes/{pid}/peer-groups",
                {"groups": [{"name": "x", "members": ["999"]}]})
    A.check_eq((r.status, r.error_field()), (422, "groups[0].members[0]"), "a stranger")
    mine = [g for g in groups if "167" in [m["municipality"] for m in g["members"]]][0]
    other = [g for g in groups if g is not mine][0]
    seen = eds["167"].get(f"/api/programmes/{pid}/peer-groups").json()
    A.check_eq([g["id"] for g in seen], [mine["id"]], "167 sees its own group only")
    r = eds["167"].get(f"/api/peer-groups/{mine['id']}/comparison")
    A.check_eq(r.status, 200, "167 compares its group")
    comp = r.json()
    A.check_eq(sorted(m["municipality"] for m in comp["members"]),
               sorted(m["municipality"] for m in mine["members"]), "comparison members")
    A.check_eq(eds["167"].get(f"/api/peer-groups/{other['id']}/comparison").status, 404,
               "167 compares another group")
    # A published plan shows in the comparison.
    peer = next(m["municipality"] for m in mine["members"] if m["municipality"] != "167")
    A.check_eq(eds[peer].post(f"/api/plans/{plans[peer]}/publish").status, 200,
               f"{peer} publishes its plan")
    comp = eds["167"].get(f"/api/peer-groups/{mine['id']}/comparison").json()
    entry = next(m for m in comp["members"] if m["municipality"] == peer)
    A.check(len(entry["published_plans"]) == 1 and "gap" in entry["published_plans"][0],
            f"{peer}'s published plan side by side: {entry}")
    entry = next(m for m in comp["members"] if m["municipality"] == "167")
    A.check_eq(entry["published_plans"], [], "167's unpublished plan is not shown")
    A.finish()

    # ---- 10. the dashboard ----
    A.begin("10. the dashboard shows the right counts")
    r = org.get(f"/api/programmes/{pid}/dashboard")
    A.check_eq(r.status, 200, "GET dashboard")
    dash = r.json()
    A.check_eq(dash["began"], day(-40), "began")
    A.check_eq(dash["contact_days"], 4, "contact days")
    A.check_eq(dash["days_held"], 4, "days held")
    rows = {x["municipality"]: x for x in dash["rows"]}
    A.check_eq(sorted(rows), sorted(accepted), "one row per participant")
    for code in accepted:
        x = rows[code]
        A.check_eq((x["commitments"]["done"], x["commitments"]["open"]), commitments[code],
                   f"{code} commitments")
        want_days = 3 if code in absent else 4
        A.check_eq(x["attendance"]["days_attended"], want_days, f"{code} days attended")
        A.check_eq(x["attendance"]["recorded"], 8, f"{code} marks recorded")
        A.check_eq(x["council_target"]["set"], code != "901", f"{code} council target")
        A.check_eq(x["council_target"]["since_start"], code in LATE_TARGET,
                   f"{code} target since the start")
        A.check(x["gap"]["start"] is not None and x["gap"]["now"] is not None,
                f"{code} gaps {x['gap']}")
        A.check(x["easy_share"] is None or 0 <= x["easy_share"] <= 1.0000001,
                f"{code} easy share {x['easy_share']}")
    if "901" in rows:
        A.check_eq(rows["901"]["council_target"]["decision"], None, "901 has no decision")
    A.check_eq(dash["totals"]["participants"], len(accepted), "totals.participants")
    A.check_eq(dash["totals"]["commitments_done"], sum(c[0] for c in commitments.values()),
               "totals.commitments_done")
    A.check_eq(dash["totals"]["targets_since_start"],
               len([c for c in LATE_TARGET if c in accepted]), "totals.targets_since_start")
    # The gap now moves when the plan changes; the start gap stays.
    code = next(c for c in accepted if c in KARELIA)
    before = rows[code]["gap"]
    r = org.post(f"/api/plans/{plans[code]}/measures",
                 {"id": "more", "sector": "road_transport", "start": 2026, "full": 2030,
                  "share": 0.3, "capex": 5000, "lifetime": 20, "control": "own"})
    A.check_eq(r.status, 201, "a measure added during the programme")
    after = {x["municipality"]: x for x in
             org.get(f"/api/programmes/{pid}/dashboard").json()["rows"]}[code]["gap"]
    A.check_eq(after["start"], before["start"], "start gap kept")
    A.check(after["now"] < before["now"], f"gap now falls: {before} -> {after}")
    # Own funding status.
    r = org.put(f"/api/applications/{apps[code]}/funding", {"invoiced_at": day(-5)})
    A.check_eq(r.json()["own_funding"]["invoiced_at"] if r.status == 200 else r.status,
               day(-5), "invoiced")
    r = org.put(f"/api/applications/{apps[code]}/funding", {"paid_at": "2026-02-30"})
    A.check_eq((r.status, r.error_field()), (422, "paid_at"), "a day that does not exist")
    # The report.
    r = org.get(f"/api/programmes/{pid}/report?format=xlsx")
    A.check_eq(r.status, 200, "XLSX report")
    A.check(r.body[:4] == b"PK\x03\x04", "a zip")
    import io
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(r.body))
    A.check_eq(z.testzip(), None, "CRCs")
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    A.check_eq(sheet.count("<row "), 2 + len(accepted), "rows in the sheet")
    r = org.get(f"/api/programmes/{pid}/report?format=html")
    A.check(r.status == 200 and b"ILMAVA 2026" in r.body, "HTML report")
    A.finish()

    # ---- permissions ----
    A.begin("permissions: a municipality sees its own, nothing of the others")
    e901 = eds["901"]
    r = e901.get(f"/api/programmes/{pid}/applications")
    A.check_eq(r.status, 200, "901 lists applications")
    mine_rows = r.json()["applications"]
    A.check_eq([x["municipality"] for x in mine_rows], ["901"], "only its own")
    A.check("proposed" not in mine_rows[0] and "proposal" not in r.json(),
            "no proposal for an applicant")
    for code in ("167", "902"):
        A.check_eq(e901.get(f"/api/applications/{apps[code]}").status, 404,
                   f"901 reads {code}'s application")
        A.check_eq(e901.get(f"/api/applications/{apps[code]}/sparring").status, 404,
                   f"901 reads {code}'s sparring log")
    A.check_eq(e901.get(f"/api/applications/{apps['901']}").status, 200, "901 reads its own")
    for path in ("proposal", "dashboard", "notifications", "contact-days", "report"):
        A.check_eq(e901.get(f"/api/programmes/{pid}/{path}").status, 403, f"901 GET {path}")
    A.check_eq(anon.get(f"/api/applications/{apps['901']}").status, 401, "anonymous")
    A.check_eq(anon.get(f"/api/programmes/{pid}").status, 401, "anonymous programme")
    A.finish()

    A.begin("permissions: an expert sees only the municipalities assigned")
    r = expert.get(f"/api/programmes/{pid}/applications").json()
    A.check_eq(sorted(x["municipality"] for x in r["applications"]), ["167", "901"],
               "the expert's applications")
    A.check_eq(expert.get(f"/api/applications/{apps['276']}").status, 404, "276")
    A.check_eq(expert.get(f"/api/applications/{apps['276']}/sparring").status, 404,
               "276's log")
    A.check_eq(expert.post(f"/api/applications/{apps['276']}/sparring",
                           {"kind": "note", "body": "x"}).status, 404, "a note on 276")
    A.check_eq(expert.put(f"/api/applications/{apps['901']}", {"climate_work": "x"}).status,
               403, "the expert changes 901's application")
    A.check_eq(expert.get(f"/api/applications/{apps['901']}/sparring").status, 200,
               "901's log")
    note = expert.get(f"/api/applications/{a167}/sparring").json()[0]
    A.check_eq(eds["902"].put(f"/api/sparring/{note['id']}", {"done": True}).status, 404,
               "902's editor changes 167's entry")
    A.finish()

    # ---- deletes ----
    A.begin("deletes: a sparring entry, a contact day, a plan decision; audited")
    entry = expert.post(f"/api/applications/{a167}/sparring",
                        {"kind": "next_step", "body": "to be deleted"}).json()[-1]["id"]
    A.check_eq(eds["902"].delete(f"/api/sparring/{entry}").status, 404,
               "902's editor deletes 167's entry")
    A.check_eq(expert.delete(f"/api/sparring/{entry}").status, 204, "the expert deletes it")
    A.check(all(e["id"] != entry for e in expert.get(f"/api/applications/{a167}/sparring").json()),
            "the entry is still in the log")
    A.check_eq(expert.delete(f"/api/sparring/{entry}").status, 404, "a second delete")
    day_id = org.get(f"/api/programmes/{pid}/contact-days").json()["periods"][0]["days"][0]["id"]
    A.check_eq(eds["901"].delete(f"/api/contact-days/{day_id}").status, 403,
               "an editor deletes a contact day")
    A.check_eq(org.delete(f"/api/contact-days/{day_id}").status, 204, "the organiser deletes it")
    A.check_eq(org.delete(f"/api/contact-days/{day_id}").status, 404, "a second delete")
    A.check_eq(store.query("SELECT count(*) FROM attendance WHERE contact_day_id = ?",
                           (day_id,))[0][0], 0, "its attendance is gone")
    plan = plans["902"]
    r = eds["902"].put(f"/api/plans/{plan}/decision",
                       {"body": "Kunnanvaltuusto", "date": "2021-06-14", "kind": "board_proposal"})
    A.check_eq(r.status, 200, "recording a board proposal")
    r = eds["902"].delete(f"/api/plans/{plan}/decision")
    A.check_eq((r.status, r.error_field()), (422, "kind"), "a delete without kind")
    r = eds["902"].delete(f"/api/plans/{plan}/decision?kind=nope")
    A.check_eq((r.status, r.error_field()), (422, "kind"), "a bad kind")
    A.check_eq(eds["901"].delete(f"/api/plans/{plan}/decision?kind=board_proposal").status,
               404, "901's editor deletes 902's decision")
    A.check_eq(eds["902"].delete(f"/api/plans/{plan}/decision?kind=board_proposal").status,
               204, "902's editor deletes it")
    A.check_eq(eds["902"].delete(f"/api/plans/{plan}/decision?kind=board_proposal").status,
               404, "a second delete")
    actions = [r[0] for r in store.query(
        "SELECT action FROM audit WHERE action LIKE '%delete' ORDER BY id")]
    for want in ("sparring.delete", "contact_day.delete", "plan.decision.delete"):
        A.check(want in actions, f"no {want} in the audit: {actions}")
    A.finish()

    issue13(org, eds, pid)
    evidence_cites_published(eds, apps, plans)


def evidence_cites_published(eds, apps, plans):
    """Issue 13: without a council target, the evidence cites the published
    plan, never a newer empty draft."""
    A.begin("eligibility cites the published plan, not a newer empty draft")
    ed901 = eds["901"]
    r = ed901.post(f"/api/plans/{plans['901']}/publish", {})
    A.check(r.status in (200, 204), f"publish 901's plan: {r!r}")
    r = ed901.post("/api/municipalities/901/plans",
                   {"name": "Tyhjä luonnos", "base_year": 2007, "target_year": 2035,
                    "reduction": 0.5})
    A.check_eq(r.status, 201, "a newer empty draft")
    crit = {e["criterion"]: e for e in
            ed901.get(f"/api/applications/{apps['901']}?lang=en").json()["eligibility"]}
    ev = crit["easy_and_hard"]["evidence"]
    A.check(str(plans["901"]) in ev and "Tyhjä luonnos" not in ev,
            f"the evidence cites: {ev}")
    A.finish()


def issue13(org, eds, pid):
    """Issue 13: the report's language, the proposal's shortfall and its
    cause, why_not codes, the participants criterion with a phase for the
    political leadership, attendance only for days that have taken place."""
    A.begin("the report follows ?lang= (fi, sv, en); another value is 422 naming lang")
    for lang, words in (("fi", ["<html lang=\"fi\">", "<th>Kunta</th>", "Lähipäivät", "ohjelmaraportti"]),
                        ("sv", ["<html lang=\"sv\">", "<th>Kommun</th>", "Närdagar", "programrapport"]),
                        ("en", ["<html lang=\"en\">", "<th>Municipality</th>", "Contact days"]),
                        (None, ["<html lang=\"en\">", "<th>Municipality</th>"])):
        q = f"&lang={lang}" if lang else ""
        r = org.get(f"/api/programmes/{pid}/report?format=html{q}")
        A.check_eq(r.status, 200, f"report in {lang}")
        text = r.body.decode()
        for w in words:
            A.check(w in text, f"report in {lang}: no {w!r}")
        if lang in ("fi", "sv"):
            A.check("Gap at start" not in text and "civil_service" not in text,
                    f"English in the {lang} report")
    r = org.get(f"/api/programmes/{pid}/report?format=xlsx&lang=sv")
    A.check_eq((r.status, r.body[:2]), (200, b"PK"), "the workbook in Swedish")
    for bad in ("de", "FI", ""):
        r = org.get(f"/api/programmes/{pid}/report?format=html&lang={bad}")
        A.check_eq((r.status, r.error_field()), (422, "lang"), f"lang={bad!r}")
    A.finish()

    A.begin("the participants criterion: no political participant where a phase is for them")
    doc = programme_doc()
    doc.update(name="ILMAVA 2027", year=2027, capacity_min=3, capacity_max=3,
               max_region_share=1, max_size_share=1)
    r = org.post("/api/programmes", doc)
    A.check_eq(r.status, 201, "a second programme")
    p2 = r.json()["id"]
    sel = org.get(f"/api/programmes/{pid}/proposal").json()
    eligible = sorted(x["municipality"] for x in sel["applications"] if x["eligible"])
    A.check(len(eligible) >= 4, f"eligible in the first programme: {eligible}")
    civil_only, others = eligible[0], eligible[1:3]
    a = application_doc(civil_only)
    a["participants"] = a["participants"][:1]
    a["status"] = "submitted"
    r = eds[civil_only].post(f"/api/programmes/{p2}/applications", a)
    A.check_eq(r.status, 201, "an application with no political participant")
    app_civil = r.json()["id"]
    r = org.get(f"/api/applications/{app_civil}?lang=fi")
    crit = {c["criterion"]: c for c in r.json()["eligibility"]}
    A.check_eq(crit["participants"]["met"], False, "participants met without the political leadership")
    A.check("poliittisen johdon" in crit["participants"]["evidence"] and
            "vertaisoppiminen" in crit["participants"]["evidence"],
            f"the evidence names the phase in Finnish: {crit['participants']['evidence']}")
    # A programme whose phases are all for the civil service needs none.
    doc3 = programme_doc()
    doc3.update(name="Viranhaltijat", phases=[{"key": "orientation", "audience": "civil_service"}])
    for per in doc3["periods"]:
        per["days"] = [dict(d_, audience="civil_service", phase="orientation") for d_ in per["days"]]
    r = org.post("/api/programmes", doc3)
    A.check_eq(r.status, 201, "a civil-service programme")
    p3 = r.json()["id"]
    a3 = dict(a)
    a3["participants"] = [dict(a["participants"][0], phases=["orientation"])]
    r = eds[civil_only].post(f"/api/programmes/{p3}/applications", a3)
    A.check_eq(r.status, 201, "applying to the civil-service programme")
    r = org.get(f"/api/applications/{r.json()['id']}")
    crit = {c["criterion"]: c for c in r.json()["eligibility"]}
    A.check_eq(crit["participants"]["met"], True, "participants in a civil-service programme")
    A.finish()

    A.begin("the proposal says why it is short of the minimum; the reason goes with its cause")
    r = org.get(f"/api/programmes/{p2}/proposal")
    pr = r.json()["proposal"]
    A.check_eq(pr["shortfall"], {"reason": "too_few_candidates", "candidates": 0, "min": 3},
               "no candidates yet")
    row = r.json()["applications"][0]
    A.check_eq((row["why_not_code"], row["why_not_cap"]), ("not_eligible", None), "why not, coded")
    for code in others:
        d_ = application_doc(code)
        d_["status"] = "submitted"
        A.check_eq(eds[code].post(f"/api/programmes/{p2}/applications", d_).status, 201,
                   f"{code} applies")
    pr = org.get(f"/api/programmes/{p2}/proposal").json()["proposal"]
    A.check_eq((pr["shortfall"] or {}).get("reason"), "too_few_candidates", "two of three")
    A.check_eq(pr["candidates"], 2, "candidates")
    r = org.put(f"/api/applications/{app_civil}/override", {"reason": "Poliitikko tulee mukaan"})
    A.check_eq(r.status, 200, "an override")
    sel2 = org.get(f"/api/programmes/{p2}/proposal").json()
    A.check_eq(sel2["proposal"]["shortfall"], None, "the shortfall is gone with its cause")
    A.check_eq(sel2["proposal"]["size"], 3, "three proposed")
    # A region limit that binds: the three regions' counts against a cap of one.
    regions = [x["facts"]["region"] for x in sel2["applications"]]
    if len(set(regions)) < 3:
        A.check_eq(org.put(f"/api/programmes/{p2}", {"max_region_share": 0.34}).status, 200,
                   "a region limit of 34 %")
        sel3 = org.get(f"/api/programmes/{p2}/proposal").json()
        A.check_eq((sel3["proposal"]["shortfall"] or {}).get("reason"), "region_limit",
                   "the region limit binds")
        left = [x for x in sel3["applications"] if not x["proposed"]]
        A.check(left and all(x["why_not_code"] == "region_limit" and x["why_not_cap"] == 1
                             for x in left), f"why not: {[(x['why_not_code'], x['why_not_cap']) for x in left]}")
        A.check_eq(org.put(f"/api/programmes/{p2}", {"max_region_share": 1,
                                                     "max_size_share": 0.34}).status, 200,
                   "a size limit of 34 %")
        sizes = [x["facts"]["size_class"] for x in sel2["applications"]]
        sel4 = org.get(f"/api/programmes/{p2}/proposal").json()
        A.check_eq((sel4["proposal"]["shortfall"] or {}).get("reason"),
                   "size_limit" if len(set(sizes)) < 3 else None, f"the size limit ({sizes})")
    A.check_eq(org.put(f"/api/programmes/{p2}", {"capacity_min": 1, "capacity_max": 1,
                                                 "max_region_share": 1,
                                                 "max_size_share": 1}).status, 200,
               "a cohort of one")
    sel5 = org.get(f"/api/programmes/{p2}/proposal").json()
    A.check_eq(sel5["proposal"]["shortfall"], None, "no shortfall")
    left = [x for x in sel5["applications"] if not x["proposed"]]
    A.check(left and all(x["why_not_code"] == "capacity" and x["why_not_cap"] == 1 for x in left),
            f"left out by the capacity: {[(x['why_not_code'], x['why_not']) for x in left]}")
    A.finish()

    A.begin("attendance is only for days that have taken place; the dashboard counts only those")
    r = org.get(f"/api/programmes/{p2}")
    prog = r.json()
    future = [d_ for p_ in prog["periods"] for d_ in p_["days"] if d_["day"] > day(0)]
    past = [d_ for p_ in prog["periods"] for d_ in p_["days"] if d_["day"] <= day(0)]
    A.check(past, "a day in the past")
    # A day to come, added to the last period.
    r = org.post(f"/api/programmes/{p2}/contact-days",
                 {"period_id": prog["periods"][-1]["id"], "day": day(20), "place": "Joensuu",
                  "audience": "both", "phase": "expert_sparring"})
    A.check_eq(r.status, 201, "a day to come")
    future = [d_ for p_ in r.json()["periods"] for d_ in p_["days"] if d_["day"] > day(0)]
    A.check_eq(len(future), 1, "one day to come")
    A.check_eq(org.put(f"/api/applications/{app_civil}/decision",
                       {"decision": "accepted"}).status, 200, "accepted")
    cd = org.get(f"/api/programmes/{p2}/contact-days").json()
    marks = [{"participant_id": x["id"], "present": True} for x in cd["participants"]]
    A.check(marks, "participants to mark")
    r = org.put(f"/api/contact-days/{future[0]['id']}/attendance", {"attendance": marks})
    A.check_eq((r.status, r.error_field()), (422, "day"), "attendance of a day to come")
    A.check("has not taken place" in r.json()["error"]["message"], f"the message: {r.json()}")
    r = org.put(f"/api/contact-days/{past[0]['id']}/attendance", {"attendance": marks})
    A.check_eq(r.status, 200, "attendance of a day held")
    dash = org.get(f"/api/programmes/{p2}/dashboard").json()
    A.check_eq(dash["days_held"], 1, "days held")
    A.check_eq(dash["rows"][0]["attendance"]["days_attended"], 1, "days attended")
    A.finish()


if __name__ == "__main__":
    main()
