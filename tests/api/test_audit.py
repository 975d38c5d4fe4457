# The audit trail: every change through the API writes one audit row with
# the action, the actor's email and the record before and after; refused
# changes write none; GET /api/plans/{id}/audit for the plan's users, GET
# /api/audit for the organiser only, with its filters and paging.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

ED = "editor@test.invalid"
ORG = "organiser@test.invalid"


def main():
    store = A.Store()
    store.add_user(ORG, "organiser")
    store.add_user(ED, "editor", "901")
    store.add_user("viewer@test.invalid", "viewer", "901")
    store.add_user("expert@test.invalid", "expert", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def audit_count(store):
    return store.query("SELECT count(*) FROM audit")[0][0]


def last_id(store):
    return store.query("SELECT coalesce(max(id), 0) FROM audit")[0][0]


def run(store, server):
    ed = server.client()
    ed.login(ED)
    org = server.client()
    org.login(ORG)
    viewer = server.client()
    viewer.login("viewer@test.invalid")
    expert = server.client()
    expert.login("expert@test.invalid")
    anon = server.client()

    def change(name, client, method, path, body, status, action, plan_for_audit=None,
               check_row=None, **kw):
        """Makes one change; checks the audit rows it wrote: the newest with
        the action, the actor and the municipality. A measure's change also
        raises its plan's version, which writes a plan.update row first."""
        A.begin(name)
        last0 = last_id(store)
        r = client.request(method, path, json_body=body, **kw)
        A.check_eq(r.status, status, f"{method} {path} ({r!r})")
        want = ["plan.update", action] if action.startswith("measure.") else [action]
        written = [a for (a,) in store.query(
            "SELECT action FROM audit WHERE id > ? ORDER BY id", (last0,))]
        A.check_eq(written, want, "the audit rows written")
        if plan_for_audit:
            rows = client.get(f"/api/plans/{plan_for_audit}/audit?limit=1").json() or [{}]
        else:
            rows = org.get("/api/audit?limit=1").json() or [{}]
        row = rows[0] if rows else {}
        A.check_eq(row.get("action"), action, "action")
        A.check_eq(row.get("actor"), client.email, "actor")
        A.check_eq(row.get("municipality"), "901", "municipality")
        if check_row:
            check_row(row, r)
        A.finish()
        return r, row

    # ---- plan.update, with the record before and after ----
    doc = ed.get("/api/plans/1").json()
    v, old_name = doc["version"], doc["name"]

    def plan_update(row, r):
        A.check_eq(row.get("plan_id"), 1, "plan_id")
        old, new = row.get("old") or {}, row.get("new") or {}
        A.check_eq(old.get("name"), old_name, "old.name")
        A.check_eq(new.get("name"), "Renamed by the editor", "new.name")
        A.check_eq(old.get("version"), v, "old.version")
        A.check_eq(new.get("version"), v + 1, "new.version")
        A.check(isinstance(row.get("at"), str) and row["at"].endswith("Z"), f"at: {row}")

    change("PUT /api/plans/1 writes plan.update with the old and new values and the actor",
           ed, "PUT", "/api/plans/1", {"version": v, "name": "Renamed by the editor"}, 200,
           "plan.update", plan_for_audit=1, check_row=plan_update)

    # ---- measures ----
    holder = {}

    def measure_create(row, r):
        loc = r.header("Location") or "/"
        holder["mid"] = int(loc.rsplit("/", 1)[1]) if loc[-1:].isdigit() else None
        A.check_eq(row.get("measure_id"), holder["mid"], "measure_id")
        A.check_eq(row.get("old"), None, "old")
        A.check((row.get("new") or {}).get("key") == "audit-m"
                or "audit-m" in str(row.get("new")), f"new: {row.get('new')}")

    change("POST measures writes measure.create", ed, "POST", "/api/plans/1/measures",
           {"id": "audit-m", "sector": "waste", "start": 2026, "full": 2030, "share": 0.05},
           201, "measure.create", plan_for_audit=1, check_row=measure_create)
    mid = holder.get("mid")

    def measure_update(row, r):
        A.check_eq(row.get("measure_id"), mid, "measure_id")
        A.check("first note" not in str(row.get("old")), f"old: {row.get('old')}")
        A.check("first note" in str(row.get("new")), f"new: {row.get('new')}")

    change("PUT /api/measures/{id} writes measure.update", ed, "PUT", f"/api/measures/{mid}",
           {"notes": "first note"}, 200, "measure.update", plan_for_audit=1,
           check_row=measure_update)

    def measure_delete(row, r):
        A.check_eq(row.get("measure_id"), mid, "measure_id")
        A.check("audit-m" in str(row.get("old")), f"old: {row.get('old')}")
        A.check_eq(row.get("new"), None, "new")

    change("DELETE /api/measures/{id} writes measure.delete", ed, "DELETE",
           f"/api/measures/{mid}", None, 204, "measure.delete", plan_for_audit=1,
           check_row=measure_delete)

    # ---- plans: create, publish, unpublish, delete ----
    def plan_create(row, r):
        holder["pid"] = (r.json() or {}).get("id")
        A.check_eq(row.get("plan_id"), holder["pid"], "plan_id")
        A.check_eq(row.get("old"), None, "old")

    change("POST plans writes plan.create", ed, "POST", "/api/municipalities/901/plans",
           {"name": "Audited plan", "base_year": 2007, "target_year": 2030,
            "reduction": 0.5}, 201, "plan.create", check_row=plan_create)
    pid = holder.get("pid")
    change("publish writes plan.publish", ed, "POST", f"/api/plans/{pid}/publish", None, 200,
           "plan.publish", plan_for_audit=pid)
    change("unpublish writes plan.unpublish", ed, "POST", f"/api/plans/{pid}/unpublish", None,
           200, "plan.unpublish", plan_for_audit=pid)
    change("comment writes comment.add", expert, "POST", "/api/plans/1/comments",
           {"body": "A comment to audit"}, 201, "comment.add", plan_for_audit=1)

    def plan_delete(row, r):
        A.check_eq(row.get("plan_id"), pid, "plan_id")
        A.check_eq((row.get("old") or {}).get("name"), "Audited plan", "old.name")
        A.check_eq(row.get("new"), None, "new")

    change("DELETE /api/plans/{id} writes plan.delete", ed, "DELETE", f"/api/plans/{pid}",
           None, 204, "plan.delete", check_row=plan_delete)
    A.begin("the deleted plan's trail stays readable for the organiser")
    rows = org.get(f"/api/audit?plan={pid}").json() or []
    A.check_eq([r_.get("action") for r_ in rows],
               ["plan.delete", "plan.unpublish", "plan.publish", "plan.create"],
               "its actions, newest first")
    A.check_eq(ed.get(f"/api/plans/{pid}/audit").status, 404, "the editor's plan audit route")
    A.finish()

    # ---- an inventory upload ----
    A.begin("an inventory upload that changes data writes inventory.import")
    n0 = audit_count(store)
    r = ed.request("POST", "/api/municipalities/901/inventory?file=audit.csv",
                   body="municipality,year,sector,ets,t\n901,1996,waste,false,123\n",
                   content_type="text/csv")
    A.check_eq(r.status, 200, f"POST inventory ({r!r})")
    A.check(audit_count(store) - n0 >= 1, "no audit row")
    rows = org.get("/api/audit?municipality=901&limit=1").json() or [{}]
    A.check_eq(rows[0].get("action"), "inventory.import", "action")
    A.check_eq(rows[0].get("actor"), ED, "actor")
    A.finish()

    # ---- refused changes write nothing ----
    A.begin("refused and failed changes write no audit row")
    n0 = audit_count(store)
    v = ed.get("/api/plans/1").json()["version"]
    results = [
        viewer.put("/api/plans/1", {"version": v, "name": "viewer"}).status,
        expert.put("/api/plans/1", {"version": v, "name": "expert"}).status,
        anon.put("/api/plans/1", {"version": v, "name": "anon"}).status,
        ed.put("/api/plans/1", {"version": v - 1, "name": "stale"}).status,
        ed.put("/api/plans/1", {"version": v, "colour": "red"}).status,
        ed.put("/api/plans/1", {"version": v, "name": "no token"}, csrf=False).status,
        ed.post("/api/plans/1/measures", {"id": "x", "sector": "waste", "start": 2026,
                                          "full": 2030, "share": 7}).status,
        viewer.post("/api/plans/1/comments", {"body": "viewers do not comment"}).status,
        ed.request("POST", "/api/municipalities/901/inventory", body="bad,csv\n1,2\n",
                   content_type="text/csv").status,
        ed.request("POST", "/api/municipalities/901/inventory",
                   body="municipality,year,sector,ets,t\n901,1996,waste,false,123\n",
                   content_type="text/csv").status,  # the same data again: no change
    ]
    A.check_eq(results, [403, 403, 404, 409, 422, 403, 422, 403, 422, 200], "statuses")
    A.check_eq(audit_count(store) - n0, 0, "audit rows written")
    A.finish()

    # ---- who reads the trail ----
    A.begin("GET /api/audit: organiser 200; editor, viewer, expert 403; anonymous 401")
    r = org.get("/api/audit")
    A.check_eq(r.status, 200, "organiser")
    rows = r.json() or []
    ids = [row.get("id") for row in rows]
    A.check(len(rows) >= 10, f"only {len(rows)} rows")
    A.check(ids == sorted(ids, reverse=True), "not newest first")
    A.check_eq(len(rows), min(100, audit_count(store)), "the default limit")
    for who, c in (("editor", ed), ("viewer", viewer), ("expert", expert)):
        A.check_eq(c.get("/api/audit").status, 403, who)
        A.check_eq(c.get("/api/audit?municipality=901").status, 403,
                   f"{who}, own municipality")
    A.check_eq(anon.get("/api/audit").status, 401, "anonymous")
    A.finish()

    A.begin("GET /api/audit filters and pages")
    rows = org.get("/api/audit?municipality=902").json() or []
    A.check(all(row.get("municipality") == "902" for row in rows), "?municipality=902")
    rows = org.get("/api/audit?plan=1").json() or []
    A.check(len(rows) >= 4 and all(row.get("plan_id") == 1 for row in rows), "?plan=1")
    page1 = org.get("/api/audit?limit=3").json() or []
    A.check_eq(len(page1), 3, "?limit=3")
    if page1:
        page2 = org.get(f"/api/audit?limit=3&before={page1[-1]['id']}").json() or []
        A.check(page2 and all(row["id"] < page1[-1]["id"] for row in page2),
                "?before= pages backwards")
    body = org.get("/api/audit?limit=1000").body.decode()
    A.check("$argon2" not in body, "a password hash is in the audit trail")
    for pw in store.passwords.values():
        A.check(pw not in body, "a password is in the audit trail")
    A.finish()

    A.begin("GET /api/plans/1/audit: the plan's users read only that plan's rows")
    for who, c in (("editor", ed), ("viewer", viewer), ("expert", expert)):
        r = c.get("/api/plans/1/audit?limit=1000")
        A.check_eq(r.status, 200, who)
        A.check(all(row.get("plan_id") == 1 for row in (r.json() or [])),
                f"{who} sees rows of other plans")
    A.check_eq(anon.get("/api/plans/1/audit").status, 404, "anonymous, unpublished plan")
    A.finish()

    A.begin("a change on the command line is audited with the actor cli:LOGIN")
    r = store.cli("measure", "add", "1", "id=cli-measure", "sector=waste", "start=2026",
                  "full=2030", "share=0.01")
    A.check_eq(r.returncode, 0, f"measure add ({r.stderr.strip()})")
    rows = ed.get("/api/plans/1/audit?limit=1").json() or [{}]
    A.check_eq(rows[0].get("action"), "measure.create", "action")
    A.check(str(rows[0].get("actor", "")).startswith("cli:"), f"actor: {rows[0].get('actor')}")
    A.finish()


if __name__ == "__main__":
    main()
