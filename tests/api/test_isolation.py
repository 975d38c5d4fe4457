# The isolation matrix: every route of the server's route table, tried as
# every role (anonymous, organiser, editor / viewer / expert of 901, editor
# of 902) on 901, on 902 (unpublished plans) and on 903 (a published plan).
# The expected status of each cell comes from the tables below, keyed by
# the route's `requires` and by (method, pattern); a route without an
# expectation fails the test. Refused changing requests must change
# nothing; 902's data must be unchanged after all refused writes.
# SPDX-License-Identifier: AGPL-3.0-or-later

import datetime
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

OK = "ok"  # the handler's success status, from ROUTES

# What each `requires` gives to each relation of the user to the target:
# anonymous, organiser, the municipality's editor / viewer / expert, or a
# signed-in user of another municipality ("stranger"). docs/API.md.
EXPECT = {
    "public": dict(anon=OK, organiser=OK, editor=OK, viewer=OK, expert=OK, stranger=OK),
    "user": dict(anon=401, organiser=OK, editor=OK, viewer=OK, expert=OK, stranger=OK),
    "organiser": dict(anon=401, organiser=OK, editor=403, viewer=403, expert=403,
                      stranger=403),
    "municipality.read": dict(anon=401, organiser=OK, editor=OK, viewer=OK, expert=OK,
                              stranger=403),
    "municipality.write": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=403,
                               stranger=403),
    # Another municipality's unpublished plan does not exist for the
    # client: 404, anonymous included.
    "plan.read": dict(anon=404, organiser=OK, editor=OK, viewer=OK, expert=OK, stranger=404),
    "plan.write": dict(anon=404, organiser=OK, editor=OK, viewer=403, expert=403,
                       stranger=404),
    "plan.member": dict(anon=404, organiser=OK, editor=OK, viewer=OK, expert=OK,
                        stranger=404),
    "plan.comment": dict(anon=404, organiser=OK, editor=OK, viewer=403, expert=OK,
                         stranger=404),
    "measure.write": dict(anon=404, organiser=OK, editor=OK, viewer=403, expert=403,
                          stranger=404),
    # The coaching programme: another municipality's application (its log,
    # its peer group) does not exist for the client: 404.
    "programme.apply": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=403,
                            stranger=403),
    "application.read": dict(anon=401, organiser=OK, editor=OK, viewer=OK, expert=OK,
                             stranger=404),
    "application.write": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=403,
                              stranger=404),
    "application.sparring": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=OK,
                                 stranger=404),
    "sparring.write": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=OK,
                           stranger=404),
    "peer_group.member": dict(anon=401, organiser=OK, editor=OK, viewer=OK, expert=OK,
                              stranger=404),
}
# The same for a published plan: anyone reads it; the rest as for a
# municipality route (401 anonymous, 403 signed in without the right).
EXPECT_PUBLISHED = dict(EXPECT)
EXPECT_PUBLISHED.update({
    "plan.read": dict(anon=OK, organiser=OK, editor=OK, viewer=OK, expert=OK, stranger=OK),
    "plan.write": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=403,
                       stranger=403),
    "plan.member": dict(anon=401, organiser=OK, editor=OK, viewer=OK, expert=OK,
                        stranger=403),
    "plan.comment": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=OK,
                         stranger=403),
    "measure.write": dict(anon=401, organiser=OK, editor=OK, viewer=403, expert=403,
                          stranger=403),
})

# Every route: what it requires (as docs/API.md says), its success status,
# and which object of the target its {id} names: the target's plan, a
# fresh plan made for this cell (so that deleting or publishing it does not
# change the later cells), a measure of the plan, or a fresh measure.
ROUTES = {
    ("GET", "/healthz"): ("public", 200, None),
    ("GET", "/api/sectors"): ("public", 200, None),
    ("POST", "/api/login"): ("public", 200, None),
    ("POST", "/api/logout"): ("user", 204, None),
    ("GET", "/api/me"): ("user", 200, None),
    ("GET", "/api/municipalities"): ("user", 200, None),
    ("GET", "/api/municipalities/{code}"): ("user", 200, None),
    ("GET", "/api/municipalities/{code}/inventory"): ("municipality.read", 200, None),
    ("GET", "/api/municipalities/{code}/peers"): ("user", 200, None),
    ("POST", "/api/municipalities/{code}/inventory"): ("municipality.write", 200, None),
    ("GET", "/api/municipalities/{code}/plans"): ("municipality.read", 200, None),
    ("POST", "/api/municipalities/{code}/plans"): ("municipality.write", 201, None),
    ("GET", "/api/plans/{id}"): ("plan.read", 200, "plan"),
    ("PUT", "/api/plans/{id}"): ("plan.write", 200, "plan"),
    ("DELETE", "/api/plans/{id}"): ("plan.write", 204, "fresh_delete"),
    ("POST", "/api/plans/{id}/publish"): ("plan.write", 200, "fresh_publish"),
    ("POST", "/api/plans/{id}/unpublish"): ("plan.write", 200, "fresh_unpublish"),
    ("POST", "/api/plans/{id}/measures"): ("plan.write", 201, "plan"),
    ("GET", "/api/plans/{id}/pathway"): ("plan.read", 200, "plan"),
    ("POST", "/api/plans/{id}/pathway/trial"): ("plan.read", 200, "plan"),
    ("POST", "/api/plans/{id}/optimize"): ("plan.read", 200, "plan"),
    ("POST", "/api/plans/{id}/optimize/apply"): ("plan.write", 200, "plan"),
    ("POST", "/api/plans/{id}/copy"): ("plan.write", 201, "plan"),
    ("GET", "/api/public/plans"): ("public", 200, None),
    ("GET", "/api/plans/{id}/audit"): ("plan.member", 200, "plan"),
    ("GET", "/api/plans/{id}/comments"): ("plan.member", 200, "plan"),
    ("POST", "/api/plans/{id}/comments"): ("plan.comment", 201, "plan"),
    ("PUT", "/api/measures/{id}"): ("measure.write", 200, "measure"),
    ("DELETE", "/api/measures/{id}"): ("measure.write", 204, "fresh_measure"),
    ("GET", "/api/audit"): ("organiser", 200, None),
    # The browser UI's page and assets.
    ("GET", "/"): ("public", 200, None),
    ("GET", "/assets/{name}"): ("public", 200, "asset"),
    # The coaching programme (docs/programme.md): {id} is the programme
    # made for the matrix ("programme"; "programme2" for the cells that
    # rebuild its peer groups; a fresh one per cell for applying), or the
    # target municipality's application, sparring entry, peer group or a
    # contact day of the programme.
    ("GET", "/api/programmes"): ("user", 200, None),
    ("POST", "/api/programmes"): ("organiser", 201, None),
    ("GET", "/api/programmes/{id}"): ("user", 200, "programme"),
    ("PUT", "/api/programmes/{id}"): ("organiser", 200, "programme"),
    ("GET", "/api/programmes/{id}/applications"): ("user", 200, "programme"),
    ("POST", "/api/programmes/{id}/applications"): ("programme.apply", 201, "fresh_programme"),
    ("GET", "/api/programmes/{id}/proposal"): ("organiser", 200, "programme"),
    ("GET", "/api/programmes/{id}/notifications"): ("organiser", 200, "programme"),
    ("GET", "/api/programmes/{id}/contact-days"): ("organiser", 200, "programme"),
    ("POST", "/api/programmes/{id}/contact-days"): ("organiser", 201, "programme"),
    ("PUT", "/api/contact-days/{id}/attendance"): ("organiser", 200, "contact_day"),
    ("DELETE", "/api/contact-days/{id}"): ("organiser", 204, "fresh_contact_day"),
    ("GET", "/api/programmes/{id}/peer-groups"): ("user", 200, "programme"),
    ("POST", "/api/programmes/{id}/peer-groups"): ("organiser", 201, "programme2"),
    ("PUT", "/api/programmes/{id}/peer-groups"): ("organiser", 200, "programme2"),
    ("GET", "/api/peer-groups/{id}/comparison"): ("peer_group.member", 200, "peer_group"),
    ("GET", "/api/programmes/{id}/dashboard"): ("organiser", 200, "programme"),
    ("GET", "/api/programmes/{id}/report"): ("organiser", 200, "programme"),
    ("GET", "/api/applications/{id}"): ("application.read", 200, "application"),
    ("PUT", "/api/applications/{id}"): ("application.write", 200, "application"),
    ("PUT", "/api/applications/{id}/decision"): ("organiser", 200, "application"),
    ("PUT", "/api/applications/{id}/override"): ("organiser", 200, "application"),
    ("PUT", "/api/applications/{id}/funding"): ("organiser", 200, "application"),
    ("GET", "/api/applications/{id}/sparring"): ("application.read", 200, "application"),
    ("POST", "/api/applications/{id}/sparring"): ("application.sparring", 201, "application"),
    ("PUT", "/api/sparring/{id}"): ("sparring.write", 200, "sparring"),
    ("DELETE", "/api/sparring/{id}"): ("sparring.write", 204, "fresh_sparring"),
    ("PUT", "/api/plans/{id}/decision"): ("plan.write", 200, "plan"),
    ("DELETE", "/api/plans/{id}/decision"): ("plan.write", 204, "fresh_decision"),
    ("GET", "/api/plans/{id}/decisions"): ("plan.member", 200, "plan"),
    # Documents and exports: downloads for whoever may read the plan or
    # the application.
    ("GET", "/api/plans/{id}/documents/decision"): ("plan.read", 200, "plan"),
    ("GET", "/api/plans/{id}/documents/plan"): ("plan.read", 200, "plan"),
    ("GET", "/api/applications/{id}/documents/decision"): ("application.read", 200,
                                                           "application"),
    ("GET", "/api/plans/{id}/exports/xlsx"): ("plan.read", 200, "plan"),
    ("GET", "/api/plans/{id}/exports/csv"): ("plan.read", 200, "plan"),
    ("GET", "/api/plans/{id}/exports/gpc"): ("plan.read", 200, "plan"),
}
PROGRAMME_KINDS = ("programme", "programme2", "application", "sparring", "peer_group",
                   "contact_day")
ASSET = "app.js"  # an asset of web/assets/, for /assets/{name}

FRESH_PLAN_KINDS = ("fresh_delete", "fresh_publish", "fresh_unpublish", "fresh_decision")

# The roles: (name, email, role, municipality)
ROLES = [
    ("anonymous", None, None, None),
    ("organiser", "organiser@test.invalid", "organiser", None),
    ("editor901", "editor901@test.invalid", "editor", "901"),
    ("viewer901", "viewer901@test.invalid", "viewer", "901"),
    ("expert901", "expert901@test.invalid", "expert", "901"),
    ("editor902", "editor902@test.invalid", "editor", "902"),
]


def per_target(pattern):
    """Whether the route names a municipality, plan or measure."""
    return "{code}" in pattern or "{id}" in pattern


def relation(role, code):
    name, _, kind, muni = role
    if kind is None:
        return "anon"
    if kind == "organiser":
        return "organiser"
    return kind if muni == code else "stranger"


def main():
    store = A.Store()
    for _, email, kind, muni in ROLES[1:]:
        store.add_user(email, kind, muni)
    plans = {p["municipality"]: p["id"] for p in store.plans()}
    server = A.Server(store)
    try:
        run(store, server, plans)
    finally:
        rc = server.stop()
        A.begin("the server stops cleanly after the matrix")
        A.check_eq(rc, 0, "exit code after SIGTERM")
        A.summary()


def run(store, server, plans):
    # ---- the route table against the expectations ----
    A.begin("every route of `ilmava routes --json` has an expectation")
    r = subprocess.run([A.BIN, "routes", "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        A.fatal(f"ilmava routes --json failed: {r.stderr}")
    table = json.loads(r.stdout)
    A.check(len(table) > 0, "the route table is empty")
    seen = set()
    for route in table:
        key = (route["method"], route["pattern"])
        seen.add(key)
        if key not in ROUTES:
            A.check(False, f"{key[0]} {key[1]} (requires {route['requires']}) has no "
                    "expectation in ROUTES: add one")
            continue
        if route["requires"] not in EXPECT:
            A.check(False, f"{key[0]} {key[1]}: requires {route['requires']!r}, which "
                    "EXPECT does not know: add it")
        A.check_eq(route["requires"], ROUTES[key][0], f"{key[0]} {key[1]} requires")
    A.finish()
    for key in ROUTES:
        if key not in seen:
            print(f"# note: {key[0]} {key[1]} has an expectation but is not a route (yet)")
    routes = [(r_["method"], r_["pattern"], r_["requires"]) for r_ in table
              if (r_["method"], r_["pattern"]) in ROUTES and r_["requires"] in EXPECT]

    # ---- sessions ----
    clients = {}
    spare = {}  # a second session per user, for the logout cell
    for role in ROLES:
        name, email = role[0], role[1]
        c = server.client()
        if email:
            c.login(email)
            s = server.client()
            s.login(email)
            spare[name] = s
        clients[name] = c
    org = clients["organiser"]

    # ---- the targets, and fresh objects for each cell that removes or
    # publishes one ----
    A.begin("setup: publish 903's plan and make fresh plans and measures")
    r = org.post(f"/api/plans/{plans['903']}/publish")
    A.check_eq(r.status, 200, "organiser publishes 903's plan")
    targets = []
    for code, published in (("901", False), ("902", False), ("903", True)):
        plan = plans[code]
        doc = org.get(f"/api/plans/{plan}").json()
        t = {"code": code, "plan": plan, "published": published,
             "measure": doc["measures"][0]["measure_id"], "fresh": {}}
        for role in ROLES:
            for kind in FRESH_PLAN_KINDS:
                r = org.post(f"/api/municipalities/{code}/plans",
                             {"name": f"fresh {kind} {role[0]}", "base_year": 2007,
                              "target_year": 2035, "reduction": 0.5, "scope": "total"})
                if not A.check_eq(r.status, 201, f"creating a fresh plan in {code}"):
                    A.fatal(f"cannot create fresh plans: {r}")
                pid = r.json()["id"]
                if published:
                    A.check_eq(org.post(f"/api/plans/{pid}/publish").status, 200,
                               "publishing a fresh plan")
                t["fresh"][(role[0], kind)] = pid
                if kind == "fresh_decision":
                    r = org.put(f"/api/plans/{pid}/decision",
                                {"body": "Kunnanvaltuusto", "date": "2021-06-14"})
                    A.check_eq(r.status, 200, "recording a decision to delete")
            r = org.post(f"/api/plans/{plan}/measures",
                         {"id": f"fresh-{role[0]}", "sector": "waste", "start": 2026,
                          "full": 2030, "share": 0.01})
            if not A.check_eq(r.status, 201, f"creating a fresh measure in {code}"):
                A.fatal(f"cannot create fresh measures: {r}")
            t["fresh"][(role[0], "fresh_measure")] = int(r.header("Location").rsplit("/", 1)[1])
        targets.append(t)
    A.finish()

    A.begin("setup: programmes, an application per target, its log and peer group")
    today = datetime.date.today()

    def programme(name):
        r = org.post("/api/programmes", {
            "name": name, "year": 2026, "apply_from": str(today - datetime.timedelta(30)),
            "apply_until": str(today + datetime.timedelta(30)), "capacity_min": 1,
            "capacity_max": 15, "own_funding_eur": 2000,
            "phases": [{"key": "orientation", "audience": "both"}],
            "periods": [{"name": "I", "starts": "2026-01-01", "ends": "2026-12-31",
                         "days": [{"day": "2026-03-01", "place": "Joensuu",
                                   "audience": "both"}]}]})
        if not A.check_eq(r.status, 201, f"creating programme {name}"):
            A.fatal(f"cannot create a programme: {r}")
        return r.json()

    application_doc = {"status": "submitted", "own_funding_accepted": True,
                       "participants": [{"name": "Anna", "title": "kunnanjohtaja",
                                         "level": "civil_service", "phases": ["orientation"]}]}
    p1, p2 = programme("matrix"), programme("matrix groups")
    for t in targets:
        t["programme"], t["programme2"] = p1["id"], p2["id"]
        t["contact_day"] = p1["periods"][0]["days"][0]["id"]
        t["period"] = p1["periods"][0]["id"]
        for p in (p1, p2):
            r = org.post(f"/api/programmes/{p['id']}/applications",
                         dict(application_doc, municipality=t["code"]))
            if not A.check_eq(r.status, 201, f"{t['code']} applies to {p['name']}"):
                A.fatal(f"cannot apply: {r}")
            if p is p1:
                t["application"] = r.json()["id"]
                t["participant"] = r.json()["participants"][0]["id"]
        r = org.post(f"/api/applications/{t['application']}/sparring",
                     {"kind": "commitment", "body": "setup", "owner": "x", "due": "2026-12-01"})
        A.check_eq(r.status, 201, "a sparring entry")
        t["sparring"] = r.json()[-1]["id"]
        for role in ROLES:
            t["fresh"][(role[0], "fresh_programme")] = programme(f"fresh {role[0]}")["id"]
            r = org.post(f"/api/applications/{t['application']}/sparring",
                         {"kind": "note", "body": f"to delete by {role[0]}"})
            A.check_eq(r.status, 201, "a sparring entry to delete")
            t["fresh"][(role[0], "fresh_sparring")] = r.json()[-1]["id"]
            r = org.post(f"/api/programmes/{p1['id']}/contact-days",
                         {"period_id": t["period"], "day": "2026-06-01",
                          "place": f"to delete by {role[0]} ({t['code']})", "audience": "both"})
            A.check_eq(r.status, 201, "a contact day to delete")
            days = [d for per in r.json()["periods"] for d in per["days"]
                    if d["place"] == f"to delete by {role[0]} ({t['code']})"]
            t["fresh"][(role[0], "fresh_contact_day")] = days[0]["id"] if days else 0
    r = org.put(f"/api/programmes/{p1['id']}/peer-groups",
                {"groups": [{"name": t["code"], "members": [t["code"]]} for t in targets]})
    A.check_eq(r.status, 200, "a peer group per target")
    for g in r.json():
        next(t for t in targets if t["code"] == g["name"])["peer_group"] = g["id"]
    A.finish()

    results = []  # (role, target code or None, method, pattern, status, expected)
    counter = [0]

    def cell(role, target, method, pattern, requires):
        """Runs one cell; returns (status, expected, response)."""
        name = role[0]
        client = clients[name]
        ok_status, id_kind = ROUTES[(method, pattern)][1:]
        code = target["code"]
        rel = relation(role, code)
        table_ = EXPECT_PUBLISHED if target["published"] else EXPECT
        want = table_[requires][rel]
        if want == OK:
            want = ok_status
        path = pattern.replace("{code}", code)
        if id_kind == "plan":
            path = path.replace("{id}", str(target["plan"]))
        elif id_kind == "measure":
            path = path.replace("{id}", str(target["measure"]))
        elif id_kind == "asset":
            path = path.replace("{name}", ASSET)
        elif id_kind in PROGRAMME_KINDS:
            path = path.replace("{id}", str(target[id_kind]))
        elif id_kind:
            path = path.replace("{id}", str(target["fresh"][(name, id_kind)]))
        counter[0] += 1
        n = counter[0]
        kw = {}
        if (method, pattern) == ("POST", "/api/login"):
            email = role[1] or "viewer901@test.invalid"
            kw["json_body"] = {"email": email, "password": store.passwords[email]}
        elif (method, pattern) == ("POST", "/api/logout"):
            client = spare.get(name, client)
        elif (method, pattern) == ("POST", "/api/municipalities/{code}/inventory"):
            # One row of a year the demo lacks, with a value unique to the
            # cell: an allowed import changes the store, a refused one
            # must not.
            kw["body"] = f"municipality,year,sector,ets,t\n{code},1995,waste,false,{n}\n"
            kw["content_type"] = "text/csv"
        elif (method, pattern) == ("POST", "/api/municipalities/{code}/plans"):
            kw["json_body"] = {"name": f"cell {n} {name}", "base_year": 2007,
                               "target_year": 2035, "reduction": 0.5, "scope": "total"}
        elif (method, pattern) == ("PUT", "/api/plans/{id}"):
            version = org.get(f"/api/plans/{target['plan']}").json()["version"]
            kw["json_body"] = {"version": version, "name": f"renamed in cell {n} by {name}"}
        elif (method, pattern) == ("POST", "/api/plans/{id}/optimize/apply"):
            version = org.get(f"/api/plans/{target['plan']}").json()["version"]
            kw["json_body"] = {"version": version}
        elif (method, pattern) == ("POST", "/api/plans/{id}/copy"):
            kw["json_body"] = {"name": f"copy in cell {n} by {name}"}
        elif (method, pattern) == ("POST", "/api/plans/{id}/measures"):
            kw["json_body"] = {"id": f"cell-{n}", "sector": "waste", "start": 2026,
                               "full": 2030, "share": 0.01}
        elif (method, pattern) == ("POST", "/api/plans/{id}/comments"):
            kw["json_body"] = {"body": f"comment of cell {n} by {name}"}
        elif (method, pattern) == ("PUT", "/api/measures/{id}"):
            kw["json_body"] = {"notes": f"cell {n} by {name}"}
        elif (method, pattern) == ("GET", "/api/plans/{id}/pathway"):
            path += "?draws=200&seed=1"
        elif (method, pattern) == ("POST", "/api/plans/{id}/pathway/trial"):
            path += "?draws=200&seed=1"
            kw["json_body"] = {"measures": {}}
        elif (method, pattern) == ("GET", "/api/plans/{id}/exports/csv"):
            path += "?table=pathway"
        elif (method, pattern) == ("DELETE", "/api/plans/{id}/decision"):
            path += "?kind=council_target"
        elif (method, pattern) == ("POST", "/api/programmes"):
            kw["json_body"] = {"name": f"cell {n}", "year": 2026, "apply_from": "2026-01-01",
                               "apply_until": "2026-02-01", "capacity_min": 1,
                               "capacity_max": 2, "own_funding_eur": 0}
        elif (method, pattern) == ("PUT", "/api/programmes/{id}"):
            kw["json_body"] = {"description": f"cell {n} by {name}"}
        elif (method, pattern) == ("POST", "/api/programmes/{id}/applications"):
            kw["json_body"] = {"municipality": code, "climate_work": f"cell {n}"}
        elif (method, pattern) == ("POST", "/api/programmes/{id}/contact-days"):
            kw["json_body"] = {"period_id": target["period"], "day": "2026-04-01",
                               "place": f"cell {n}", "audience": "both"}
        elif (method, pattern) == ("PUT", "/api/contact-days/{id}/attendance"):
            kw["json_body"] = {"attendance": [{"participant_id": target["participant"],
                                               "present": True}]}
        elif (method, pattern) == ("POST", "/api/programmes/{id}/peer-groups"):
            kw["json_body"] = {"basis": "problem", "size": 2}
        elif (method, pattern) == ("PUT", "/api/programmes/{id}/peer-groups"):
            kw["json_body"] = {"groups": []}
        elif (method, pattern) == ("PUT", "/api/applications/{id}"):
            kw["json_body"] = {"climate_work": f"cell {n} by {name}"}
        elif (method, pattern) == ("PUT", "/api/applications/{id}/decision"):
            kw["json_body"] = {"decision": "pending"}  # editors may change it after
        elif (method, pattern) == ("PUT", "/api/applications/{id}/override"):
            kw["json_body"] = {"reason": f"cell {n}"}
        elif (method, pattern) == ("PUT", "/api/applications/{id}/funding"):
            kw["json_body"] = {"invoiced_at": "2026-05-01"}
        elif (method, pattern) == ("POST", "/api/applications/{id}/sparring"):
            kw["json_body"] = {"kind": "note", "body": f"cell {n} by {name}"}
        elif (method, pattern) == ("PUT", "/api/sparring/{id}"):
            kw["json_body"] = {"done": True}
        elif (method, pattern) == ("PUT", "/api/plans/{id}/decision"):
            kw["json_body"] = {"body": "Kunnanvaltuusto", "date": "2021-06-14"}
        changing = method not in ("GET", "HEAD")
        refused = want in (401, 403, 404)
        before = store.municipality_dump(code) if changing and refused else None
        r = client.request(method, path, **kw)
        if before is not None:
            after = store.municipality_dump(code)
            A.check(before == after,
                    f"{name} {method} {path}: refused with {r.status} but the store's "
                    f"{code} data changed: {A.dump_difference(before, after)}")
        results.append((name, code if per_target(pattern) else None, method, pattern, r.status,
                        want))
        A.check(r.status == want,
                f"{name} {method} {path} (requires {requires}, {rel}"
                f"{', published' if target['published'] else ''}): got {r!r}, "
                f"expected {want}")
        if r.status in (401, 403, 404) and r.status == want:
            j = r.json()
            A.check(isinstance(j, dict) and isinstance(j.get("error"), dict),
                    f"{name} {method} {path}: the {r.status} is not a JSON error: {r!r}")
        return r

    def run_cells(roles, target_list, with_paramless):
        for role in roles:
            for method, pattern, requires in routes:
                has_param = per_target(pattern)
                if not has_param and not with_paramless:
                    continue
                for t in (target_list if has_param else target_list[:1]):
                    cell(role, t, method, pattern, requires)

    by_name = {r_[0]: r_ for r_ in ROLES}
    t901, t902, t903 = targets

    # Phase 1: everyone without rights on 902 (anonymous and the users of
    # 901) tries every route on 902; then 902's data must be as it was.
    A.begin("phase 1: refused roles on 902's unpublished plan, measure, inventory, audit")
    snapshot_902 = store.municipality_dump("902")
    plan2_before = org.get(f"/api/plans/{t902['plan']}").body
    run_cells([by_name[n] for n in ("anonymous", "editor901", "viewer901", "expert901")],
              [t902], with_paramless=False)
    after_902 = store.municipality_dump("902")
    A.check(snapshot_902 == after_902,
            "902's data changed during the refused requests: "
            + A.dump_difference(snapshot_902, after_902))
    A.check_eq(org.get(f"/api/plans/{t902['plan']}").body, plan2_before,
               "plan 2 as the organiser reads it")
    A.finish()

    A.begin("editor of 901 can neither read nor change 902's unpublished data")
    ed = clients["editor901"]
    for (who, code, method, pattern, status, want) in results:
        if who != "editor901" or code != "902":
            continue
        requires = ROUTES[(method, pattern)][0]
        if requires in ("public", "user"):
            continue
        A.check(status in (403, 404),
                f"editor901 {method} {pattern} on 902 got {status}, expected a refusal")
    before = store.municipality_dump("902")
    # An upload to its own municipality that carries a line of 902.
    r = ed.request("POST", "/api/municipalities/901/inventory",
                   body="municipality,year,sector,ets,t\n902,2024,waste,false,1\n",
                   content_type="text/csv")
    A.check_eq(r.status, 422, "editor901 uploads a 902 line through 901's inventory")
    for path in ("/api/audit?municipality=902", f"/api/audit?plan={t902['plan']}"):
        A.check_eq(ed.get(path).status, 403, f"editor901 GET {path}")
    A.check_eq(ed.get("/api/municipalities/902/inventory?scope=hinku").status, 403,
               "editor901 reads 902's inventory")
    A.check_eq(ed.get("/api/municipalities/902/plans").status, 403,
               "editor901 lists 902's plans")
    after = store.municipality_dump("902")
    A.check(before == after, "902's data changed: " + A.dump_difference(before, after))
    A.finish()

    # Phase 2: every other cell.
    A.begin("phase 2: the rest of the matrix (6 roles x 901, 902, 903)")
    for role in ROLES:
        run_cells([role], [t for t in targets
                           if not (role[0] in ("anonymous", "editor901", "viewer901",
                                               "expert901") and t is t902)],
                  with_paramless=True)
    A.finish()

    A.begin("matrix size")
    n_cells = len(results)
    A.check(n_cells >= len(routes) * len(ROLES), f"only {n_cells} cells ran")
    print(f"# {n_cells} cells over {len(routes)} routes, {len(ROLES)} roles, 3 targets")
    A.finish()

    A.begin("fresh plans and measures of refused deletes still exist")
    for t in targets:
        for role in ROLES:
            rel = relation(role, t["code"])
            tab = EXPECT_PUBLISHED if t["published"] else EXPECT
            if tab["plan.write"][rel] != OK:
                pid = t["fresh"][(role[0], "fresh_delete")]
                A.check_eq(org.get(f"/api/plans/{pid}").status, 200,
                           f"plan {pid} ({t['code']}) after {role[0]}'s refused DELETE")
                pid = t["fresh"][(role[0], "fresh_publish")]
                doc = org.get(f"/api/plans/{pid}").json()
                A.check_eq(doc["published"], t["published"],
                           f"plan {pid} published after {role[0]}'s refused publish")
            if tab["measure.write"][rel] != OK:
                mid = t["fresh"][(role[0], "fresh_measure")]
                doc = org.get(f"/api/plans/{t['plan']}").json()
                A.check(any(m.get("measure_id") == mid for m in doc["measures"]),
                        f"measure {mid} ({t['code']}) gone after {role[0]}'s refused DELETE")
    A.finish()

    # ---- the published plan, spelled out ----
    A.begin("a published plan: anonymous reads it; nobody without the right changes it")
    anon = clients["anonymous"]
    p3 = t903["plan"]
    r = anon.get(f"/api/plans/{p3}")
    A.check_eq(r.status, 200, "anonymous GET of the published plan")
    version = r.json()["version"] if r.status == 200 else 1
    A.check_eq(anon.get(f"/api/plans/{p3}/pathway?draws=100").status, 200,
               "anonymous GET pathway")
    A.check_eq(anon.post(f"/api/plans/{p3}/optimize").status, 200,
               "anonymous POST optimize with Origin")
    A.check_eq(anon.post(f"/api/plans/{p3}/optimize", origin=False).status, 403,
               "anonymous POST optimize without Origin")
    before = store.municipality_dump("903")
    A.check_eq(anon.put(f"/api/plans/{p3}", {"version": version, "name": "x"}).status, 401,
               "anonymous PUT of the published plan")
    A.check_eq(clients["editor902"].put(f"/api/plans/{p3}",
                                        {"version": version, "name": "x"}).status,
               403, "editor902 PUT of 903's published plan")
    A.check_eq(clients["editor901"].post(f"/api/plans/{p3}/unpublish").status, 403,
               "editor901 unpublishes 903's plan")
    A.check_eq(anon.get(f"/api/municipalities/903/inventory").status, 401,
               "anonymous reads the inventory of a municipality with a published plan")
    after = store.municipality_dump("903")
    A.check(before == after, "903's data changed: " + A.dump_difference(before, after))
    r = org.post(f"/api/plans/{p3}/unpublish")
    A.check_eq(r.status, 200, "organiser unpublishes it")
    A.check_eq(anon.get(f"/api/plans/{p3}").status, 404, "anonymous GET after unpublish")
    A.check_eq(clients["editor902"].get(f"/api/plans/{p3}").status, 404,
               "editor902 GET after unpublish")
    A.finish()


if __name__ == "__main__":
    main()
