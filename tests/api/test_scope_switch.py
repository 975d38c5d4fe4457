# A scope change never leaves a plan unrepairable (issue 13, plan model
# 1.1). The demo plan of 901 (non_ets) has an ETS industry measure; the test
# adds a second (optional) one and switches the target through every scope,
# total -> hinku -> non_ets -> hinku -> total. After each switch the plan,
# the pathway, the optimiser, a measure's edit, the documents and the
# exports all answer 200, and the pathway says where each ETS measure
# stands: counted under total, computed but outside the scope under
# non_ets, carried and not computed (no_inventory) under hinku. Under Hinku
# the ETS measure can still be edited, moved to a counted stream and
# deleted. Before 1.1 the switch to hinku saved, and everything after it
# answered 422 "no inventory records for sector "industry" with ets true".
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

ETS_ID = "plant-electrification"  # the demo's ETS industry measure
EXTRA_ID = "kiln-ccs"             # an optional ETS measure added here
NON_ETS_ID = "landfill-gas"       # a demo non-ETS measure: always counted
DOCUMENTS = [
    "documents/decision?lang=fi&format=md",
    "documents/decision?lang=sv&format=html",
    "documents/plan?lang=en&format=html",
    "exports/xlsx?lang=fi",
    "exports/csv?table=measures&lang=fi",
    "exports/csv?table=pathway&lang=en",
    "exports/gpc",
]


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


def plan_id(store):
    for p in store.plans():
        if p["municipality"] == "901":
            return p["id"]
    A.fatal("no demo plan for 901")
    return None


def switch(ed, pid, scope):
    plan = ed.get(f"/api/plans/{pid}").json()
    target = dict(plan["target"], scope=scope)
    r = ed.put(f"/api/plans/{pid}", {"version": plan["version"], "target": target})
    A.check_eq(r.status, 200, f"PUT target.scope={scope}: {A.short(r.body, 200)}")
    if r.status == 200:
        A.check_eq(r.json()["target"]["scope"], scope, "the stored scope")
    return r


def where(res, mid):
    """'in', 'out' (computed, outside the scope), a not_computed reason, or
    None when the measure is in neither list."""
    for m in res.get("measures", []):
        if m["id"] == mid:
            return {True: "in", False: "out"}.get(m.get("in_scope"), "no in_scope")
    for m in res.get("not_computed", []):
        if m["id"] == mid:
            return m["reason"]
    return None


def check_everything(ed, store, pid, scope, want_ets):
    """Every tab's request answers 200 and the ETS measures stand where the
    scope puts them."""
    r = ed.get(f"/api/plans/{pid}")
    A.check_eq(r.status, 200, "GET the plan")
    r = ed.get(f"/api/plans/{pid}/pathway?draws=2000&seed=3")
    A.check_eq(r.status, 200, f"GET the pathway: {A.short(r.body, 200)}")
    if r.status == 200:
        res = r.json()
        A.check_eq(res["scope"], scope, "the result's scope")
        for mid in (ETS_ID, EXTRA_ID):
            A.check_eq(where(res, mid), want_ets, f"{mid} in the pathway")
        A.check_eq(where(res, NON_ETS_ID), "in", f"{NON_ETS_ID} in the pathway")
        A.check(all("in_scope" in m for m in res["measures"]), "a measure without in_scope")
        A.check("not_computed" in res, "no not_computed list")
        A.check(res.get("monte_carlo", {}).get("draws") == 2000, "no Monte Carlo")
    r = ed.post(f"/api/plans/{pid}/optimize")
    A.check_eq(r.status, 200, f"POST optimize: {A.short(r.body, 200)}")
    if r.status == 200:
        o = r.json()
        listed = EXTRA_ID in o["keep"] or EXTRA_ID in o["drop"]
        if want_ets == "no_inventory":
            A.check(not listed, f"the optimiser chose about {EXTRA_ID}, which has no stream")
            A.check({"id": EXTRA_ID, "reason": "no_inventory"} in o.get("not_computed", []),
                    f"the optimiser's not_computed: {o.get('not_computed')}")
        else:
            A.check(listed, f"the optimiser left out the optional {EXTRA_ID}")
    for path in DOCUMENTS:
        r = ed.get(f"/api/plans/{pid}/{path}")
        A.check_eq(r.status, 200, f"GET {path}: {A.short(r.body, 200)}")
    # The documents name an ETS measure that does not count, with the reason,
    # and show no tonnes for it.
    why = {"total": None, "non_ets": "päästökauppasektori ei kuulu tavoitteeseen",
           "hinku": "päästökauppateollisuus ei kuulu Hinku-laskentaan"}[scope]
    for path in ("documents/decision?lang=fi&format=md", "documents/plan?lang=fi&format=md",
                 "exports/csv?table=measures&lang=fi"):
        r = ed.get(f"/api/plans/{pid}/{path}")
        if not A.check_eq(r.status, 200, f"GET {path}"):
            continue
        text = r.body.decode()
        if why:
            A.check(why in text and "Tehtaan sähköistys" in text,
                    f"{scope}: {path} does not give the reason \"{why}\"")
        else:
            A.check("ei kuulu" not in text, f"total: {path} marks a measure outside the scope")
    r = ed.get(f"/api/plans/{pid}/documents/decision?lang=fi&format=md")
    if r.status == 200 and scope == "non_ets":
        row = [ln for ln in r.body.decode().splitlines() if "Tehtaan sähköistys" in ln and ln.startswith("|")]
        A.check(row and "| – |" in row[0], f"non_ets: the decision's measure row shows tonnes: {row}")
    # The command line computes the same stored plan.
    c = store.cli("pathway", "--plan", str(pid), "--json")
    A.check_eq(c.returncode, 0, f"ilmava pathway --plan: {c.stderr}")
    c = store.cli("plan", "show", str(pid))
    A.check_eq(c.returncode, 0, f"ilmava plan show: {c.stderr}")
    mark = {"in": None, "out": "(outside the target's scope)",
            "no_inventory": "(not computed: no inventory records)"}[want_ets]
    line = [ln for ln in c.stdout.splitlines() if f" {EXTRA_ID} " in ln]
    A.check(line and ((mark in line[0]) if mark else "(not computed" not in line[0]
                      and "(outside" not in line[0]),
            f"plan show marks {EXTRA_ID} as {line}, expected {mark}")


def run(store, server):
    pid = plan_id(store)
    ed = server.client()
    ed.login("editor@test.invalid")

    A.begin("an optional ETS industry measure is added to the non_ets plan")
    r = ed.post(f"/api/plans/{pid}/measures",
                {"id": EXTRA_ID, "name": "Uunin hiilidioksidin talteenotto",
                 "sector": "industry", "ets": True, "start": 2028, "full": 2030,
                 "absolute_t": 20000, "capex": 5e6, "lifetime": 20, "opex": 1e5,
                 "control": "influence", "optional": True})
    A.check_eq(r.status, 201, f"POST the measure: {A.short(r.body, 200)}")
    check_everything(ed, store, pid, "non_ets", "out")
    A.finish()

    want = {"total": "in", "non_ets": "out", "hinku": "no_inventory"}
    for scope in ("total", "hinku", "non_ets", "hinku", "total", "hinku"):
        A.begin(f"switched to {scope}: every tab answers 200")
        switch(ed, pid, scope)
        check_everything(ed, store, pid, scope, want[scope])
        A.finish()

    A.begin("under hinku the ETS measure stays editable: renamed, moved, deleted")
    plan = ed.get(f"/api/plans/{pid}").json()
    ms = {m["id"]: m for m in plan["measures"]}
    ets = ms[ETS_ID]
    r = ed.put(f"/api/measures/{ets['measure_id']}", {"name": "Tehtaan sähköistys"})
    A.check_eq(r.status, 200, f"rename: {A.short(r.body, 200)}")
    r = ed.put(f"/api/measures/{ets['measure_id']}", {"ets": False})
    A.check_eq(r.status, 200, f"move to the non-ETS stream: {A.short(r.body, 200)}")
    res = ed.get(f"/api/plans/{pid}/pathway?draws=0").json()
    A.check_eq(where(res, ETS_ID), "in", "the moved measure, now counted")
    A.check_eq(where(res, EXTRA_ID), "no_inventory", "the other ETS measure")
    r = ed.delete(f"/api/measures/{ms[EXTRA_ID]['measure_id']}")
    A.check_eq(r.status, 204, f"delete: {A.short(r.body, 200)}")
    res = ed.get(f"/api/plans/{pid}/pathway?draws=0").json()
    A.check_eq(where(res, EXTRA_ID), None, "the deleted measure")
    A.check_eq(res["not_computed"], [], "not_computed after the delete")
    A.finish()

    A.begin("a measure on an unknown sector is still refused, and nothing is saved")
    before = ed.get(f"/api/plans/{pid}").json()
    r = ed.post(f"/api/plans/{pid}/measures",
                {"id": "typo", "sector": "industri", "start": 2026, "full": 2027,
                 "share": 0.1})
    A.check(r.status == 422, f"POST on sector 'industri': {r.status} {A.short(r.body, 200)}")
    after = ed.get(f"/api/plans/{pid}").json()
    A.check_eq(after["version"], before["version"], "the plan's version")
    A.finish()


if __name__ == "__main__":
    main()
