# The plan journeys the browser drives (issue 13 section 2): copying a plan,
# applying the optimiser's answer as one audited change (and 409 on a stale
# version), the public index of published plans, and a plan name that must
# not be blank. Each case fails without its route or check: the copy is a
# new plan with the same measures, audited as plan.create; the optimiser's
# drop list ends cancelled in one plan.optimize.apply audit row; a stale
# version changes nothing; the index lists only published plans and needs
# no session; a blank name is a 422 naming `name` and nothing is stored.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    store.add_user("viewer@test.invalid", "viewer", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def plan_of(store, code):
    for p in store.plans():
        if p["municipality"] == code:
            return p["id"]
    A.fatal(f"no demo plan for {code}")
    return None


def audit_count(store, pid, action):
    return store.query("SELECT count(*) FROM audit WHERE plan_id = ? AND action = ?",
                       (pid, action))[0][0]


def run(store, server):
    ed = server.client()
    ed.login("editor@test.invalid")
    viewer = server.client()
    viewer.login("viewer@test.invalid")
    anon = server.client()
    pid = plan_of(store, "901")

    A.begin("a plan is copied as a new plan of the same municipality, audited")
    src = ed.get(f"/api/plans/{pid}").json()
    r = ed.post(f"/api/plans/{pid}/copy", {"name": "Kopio: Hinku"})
    A.check_eq(r.status, 201, f"copy: {A.short(r.body, 200)}")
    if r.status == 201:
        cp = r.json()
        A.check(cp["id"] != pid, "the copy has an id of its own")
        A.check_eq(cp["name"], "Kopio: Hinku", "the copy's name")
        A.check_eq(cp["municipality"]["code"], "901", "the copy's municipality")
        A.check_eq(cp["published"], False, "the copy is not published")
        A.check_eq([m["id"] for m in cp["measures"]], [m["id"] for m in src["measures"]],
                   "the copy's measures")
        A.check_eq(cp["target"], src["target"], "the copy's target")
        A.check_eq(audit_count(store, cp["id"], "plan.create"), 1, "plan.create rows of the copy")
        A.check(r.header("Location") == f"/api/plans/{cp['id']}", "Location of the copy")
        # The copy is its own plan: changing it leaves the source as it was.
        t = dict(cp["target"], scope="total")
        ed.put(f"/api/plans/{cp['id']}", {"version": cp["version"], "target": t})
        A.check_eq(ed.get(f"/api/plans/{pid}").json()["target"], src["target"],
                   "the source's target after the copy's change")

    A.begin("a copy needs a name; a viewer may not copy")
    n_before = len(store.plans())
    for body in ({"name": "  "}, {}, {"name": 5}):
        r = ed.post(f"/api/plans/{pid}/copy", body)
        A.check_eq((r.status, r.error_field()), (422, "name"), f"copy {body}")
    r = viewer.post(f"/api/plans/{pid}/copy", {"name": "x"})
    A.check_eq(r.status, 403, "a viewer's copy")
    A.check_eq(len(store.plans()), n_before, "plans after the refused copies")

    A.begin("the optimiser's answer is applied as one audited change")
    plan = ed.get(f"/api/plans/{pid}").json()
    o = ed.post(f"/api/plans/{pid}/optimize").json()
    A.check(len(o["drop"]) > 0 or len(o["keep"]) > 0, f"an answer to apply: {o}")
    rows_before = store.query("SELECT count(*) FROM audit WHERE plan_id = ?", (pid,))[0][0]
    r = ed.post(f"/api/plans/{pid}/optimize/apply", {"version": plan["version"]})
    A.check_eq(r.status, 200, f"apply: {A.short(r.body, 200)}")
    if r.status == 200:
        after = r.json()
        A.check_eq(after["version"], plan["version"] + 1, "the version after applying")
        status = {m["id"]: m["status"] for m in after["measures"]}
        before = {m["id"]: m["status"] for m in plan["measures"]}
        for mid in o["drop"]:
            A.check_eq(status[mid], "cancelled", f"dropped {mid}")
        for mid in o["keep"]:
            want = "planned" if before[mid] == "idea" else before[mid]
            A.check_eq(status[mid], want, f"kept {mid}")
        for m in plan["measures"]:
            if m["id"] not in o["drop"] and m["id"] not in o["keep"]:
                A.check_eq(status[m["id"]], m["status"], f"untouched {m['id']}")
        rows_after = store.query("SELECT count(*) FROM audit WHERE plan_id = ?", (pid,))[0][0]
        A.check_eq(rows_after - rows_before, 1, "audit rows written by the apply")
        row = store.query("SELECT action, old_json, new_json FROM audit WHERE plan_id = ?"
                          " ORDER BY id DESC LIMIT 1", (pid,))[0]
        A.check_eq(row[0], "plan.optimize.apply", "the audit row's action")
        trail = ed.get(f"/api/plans/{pid}/audit?limit=1").json()
        A.check_eq(trail[0]["action"], "plan.optimize.apply", "the trail's newest action")
        if o["drop"]:
            A.check_eq(trail[0]["new"]["status"][o["drop"][0]], "cancelled",
                       "the trail's record after")

    A.begin("applying an answer that changes nothing writes nothing")
    cur = ed.get(f"/api/plans/{pid}").json()
    rows_before = store.query("SELECT count(*) FROM audit WHERE plan_id = ?", (pid,))[0][0]
    r = ed.post(f"/api/plans/{pid}/optimize/apply", {"version": cur["version"]})
    A.check_eq(r.status, 200, f"apply again: {A.short(r.body, 200)}")
    A.check_eq(r.json()["version"], cur["version"], "the version after a no-op apply")
    A.check_eq(store.query("SELECT count(*) FROM audit WHERE plan_id = ?", (pid,))[0][0],
               rows_before, "audit rows after a no-op apply")

    A.begin("applying on a stale version is a 409 and changes nothing")
    dump = store.municipality_dump("901")
    r = ed.post(f"/api/plans/{pid}/optimize/apply", {"version": plan["version"]})
    A.check_eq(r.status, 409, f"stale apply: {A.short(r.body, 200)}")
    if r.status == 409:
        A.check(r.json().get("current", {}).get("id") == pid, "the 409 carries the plan")
    A.check_eq(store.municipality_dump("901"), dump, "the store after the stale apply")
    for body in ({}, {"version": "x"}, {"version": 1, "extra": 1}):
        r = ed.post(f"/api/plans/{pid}/optimize/apply", body)
        A.check_eq(r.status, 422, f"apply {body}")
    r = viewer.post(f"/api/plans/{pid}/optimize/apply",
                    {"version": ed.get(f"/api/plans/{pid}").json()["version"]})
    A.check_eq(r.status, 403, "a viewer's apply")

    A.begin("the public index lists published plans only, without a session")
    r = anon.get("/api/public/plans")
    A.check_eq(r.status, 200, "the index, anonymous")
    A.check_eq(r.json(), [], "the index before publishing")
    ed.post(f"/api/plans/{pid}/publish")
    r = anon.get("/api/public/plans")
    idx = r.json()
    A.check_eq([p["id"] for p in idx], [pid], "the index after publishing")
    if idx:
        A.check_eq(idx[0]["municipality"], "901", "the index's municipality")
        A.check(idx[0].get("municipality_name"), "the index names the municipality")
        A.check(idx[0].get("name"), "the index names the plan")
    # Its documents are downloadable without a session once published.
    r = anon.get(f"/api/plans/{pid}/documents/plan?lang=fi&format=html")
    A.check_eq(r.status, 200, "the published plan's document, anonymous")
    ed.post(f"/api/plans/{pid}/unpublish")
    A.check_eq(anon.get("/api/public/plans").json(), [], "the index after withdrawing")

    A.begin("the decision document's header uses the recorded council decision")
    r = ed.put(f"/api/plans/{pid}/decision", {"body": "Kaupunginvaltuusto", "date": "2021-06-14",
                                              "section": "§ 45", "dnro": "12/11.00/2021"})
    A.check_eq(r.status, 200, f"record the decision: {A.short(r.body, 200)}")
    doc = ed.get(f"/api/plans/{pid}/documents/decision?lang=fi&format=md").body.decode()
    for line in ("**Toimielin:** Kaupunginvaltuusto", "**Kokouspäivä:** 14.6.2021",
                 "**Pykälä:** § 45", "**Dnro:** 12/11.00/2021"):
        A.check(line in doc, f"the header has no {line!r}: {A.short(doc, 400)}")
    doc = ed.get(f"/api/plans/{pid}/documents/decision?lang=fi&format=md&section=7").body.decode()
    A.check("**Pykälä:** § 7" in doc, "the request's own section no longer wins")

    A.begin("a blank plan name is refused, not stored nameless")
    n_before = len(store.plans())
    r = ed.post("/api/municipalities/901/plans", {"name": "   ", "base_year": 2007,
                                                  "target_year": 2035, "reduction": 0.5})
    A.check_eq((r.status, r.error_field()), (422, "name"), "create with a blank name")
    A.check_eq(len(store.plans()), n_before, "plans after the refused create")
    plan = ed.get(f"/api/plans/{pid}").json()
    r = ed.put(f"/api/plans/{pid}", {"version": plan["version"], "name": ""})
    A.check_eq((r.status, r.error_field()), (422, "name"), "rename to empty")
    A.check_eq(ed.get(f"/api/plans/{pid}").json()["name"], plan["name"], "the name after")
    A.finish()


if __name__ == "__main__":
    main()
