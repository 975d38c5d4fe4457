# The pathway from the API is the command line's: GET
# /api/plans/1/pathway?draws=2000&seed=5 equals `ilmava pathway --plan 1
# --json --draws 2000 --seed 5`; the second GET is a cache hit; a measure
# change, a plan change and an inventory upload that changes the data each
# make the next GET a miss with the new result.
# SPDX-License-Identifier: AGPL-3.0-or-later

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

QUERY = "?draws=2000&seed=5"


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    store.add_user("organiser@test.invalid", "organiser")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def cli_pathway(store, plan=1, draws=2000, seed=5):
    r = store.cli("pathway", "--plan", str(plan), "--json", "--draws", str(draws),
                  "--seed", str(seed))
    if r.returncode != 0:
        A.check(False, f"ilmava pathway --plan {plan} failed ({r.returncode}): {r.stderr}")
        return b""
    return r.stdout.encode()


def same_document(api_body, cli_out, what):
    """The API body equals the CLI's output: byte for byte (but for the
    CLI's final newline), and as parsed JSON."""
    A.check(api_body.rstrip(b"\n") == cli_out.rstrip(b"\n"),
            f"{what}: the API body differs from the CLI's output byte for byte\n"
            f"  api: {A.short(api_body.decode(), 200)}\n  cli: {A.short(cli_out.decode(), 200)}")
    try:
        A.check(json.loads(api_body) == json.loads(cli_out),
                f"{what}: the parsed documents differ")
    except ValueError as e:
        A.check(False, f"{what}: not JSON: {e}")


def inventory_csv(store, code, year, change=None):
    """The store's rows of (code, year) as an inventory CSV; `change`
    maps (sector, ets) to a new t."""
    rows = store.query("SELECT sector, ets, hinku, t FROM inventory"
                       " WHERE municipality = ? AND year = ? ORDER BY sector, ets, hinku",
                       (code, year))
    lines = ["municipality,year,sector,ets,t,hinku"]
    for sector, ets, hinku, t in rows:
        if change and (sector, bool(ets)) in change:
            t = change[(sector, bool(ets))]
        lines.append(f"{code},{year},{sector},{'true' if ets else 'false'},{t!r},"
                     f"{'true' if hinku else 'false'}")
    return "\n".join(lines) + "\n"


def run(store, server):
    ed = server.client()
    ed.login("editor@test.invalid")
    path = "/api/plans/1/pathway" + QUERY

    A.begin("GET pathway equals `ilmava pathway --plan 1 --json`; the first GET is a miss")
    first = ed.get(path)
    A.check_eq(first.status, 200, "status")
    A.check_eq(first.header("X-Cache"), "miss", "X-Cache of the first GET")
    A.check_eq((first.header("Content-Type") or "").split(";")[0], "application/json",
               "Content-Type")
    cli = cli_pathway(store)
    same_document(first.body, cli, "before any change")
    doc = first.json() or {}
    A.check_eq(doc.get("monte_carlo", {}).get("draws"), 2000, "monte_carlo.draws")
    A.finish()

    A.begin("the second GET is a cache hit with the same body")
    second = ed.get(path)
    A.check_eq(second.status, 200, "status")
    A.check_eq(second.header("X-Cache"), "hit", "X-Cache of the second GET")
    A.check(second.body == first.body, "the cached body differs")
    A.finish()

    A.begin("other draws or seed are another cache entry")
    r = ed.get("/api/plans/1/pathway?draws=2000&seed=6")
    A.check_eq(r.header("X-Cache"), "miss", "X-Cache with seed 6")
    A.check(r.body != first.body, "seed 6 gives the same document as seed 5")
    same_document(r.body, cli_pathway(store, seed=6), "seed 6")
    r = ed.get("/api/plans/1/pathway?draws=0&seed=5")
    A.check_eq(r.status, 200, "draws=0")
    same_document(r.body, cli_pathway(store, draws=0), "draws 0")
    A.check_eq(ed.get(path).header("X-Cache"), "hit", "X-Cache of the original query again")
    A.finish()

    A.begin("after a measure change: a miss, a new result, equal to the CLI")
    plan = ed.get("/api/plans/1").json()
    m = plan["measures"][0]
    new_share = 0.2 if m.get("share") != 0.2 else 0.3
    # The model wants the range's mode equal to the share.
    r = ed.put(f"/api/measures/{m['measure_id']}",
               {"share": new_share, "share_range": [0.1, new_share, 0.4]})
    A.check_eq(r.status, 200, f"PUT /api/measures/{m['measure_id']}")
    after_measure = ed.get(path)
    A.check_eq(after_measure.status, 200, "status")
    A.check_eq(after_measure.header("X-Cache"), "miss", "X-Cache after the change")
    A.check(after_measure.body != first.body, "the pathway did not change")
    same_document(after_measure.body, cli_pathway(store), "after the measure change")
    A.check_eq(ed.get(path).header("X-Cache"), "hit", "X-Cache of the next GET")
    A.finish()

    A.begin("after a plan change (PUT target): a miss, a new result, equal to the CLI")
    plan = ed.get("/api/plans/1").json()
    target = dict(plan["target"], reduction=round(plan["target"]["reduction"] - 0.05, 2))
    r = ed.put("/api/plans/1", {"version": plan["version"], "target": target})
    A.check_eq(r.status, 200, "PUT /api/plans/1")
    after_plan = ed.get(path)
    A.check_eq(after_plan.header("X-Cache"), "miss", "X-Cache after the change")
    A.check(after_plan.body != after_measure.body, "the pathway did not change")
    same_document(after_plan.body, cli_pathway(store), "after the plan change")
    A.finish()

    A.begin("an upload that changes nothing keeps the cache")
    r = ed.request("POST", "/api/municipalities/901/inventory?file=same.csv",
                   body=inventory_csv(store, "901", 2024), content_type="text/csv")
    A.check_eq(r.status, 200, "POST inventory")
    j = r.json() or {}
    A.check_eq((j.get("added"), j.get("replaced"), j.get("removed")), (0, 0, 0),
               f"import counts {j}")
    A.check_eq(ed.get(path).header("X-Cache"), "hit", "X-Cache after an unchanged import")
    A.finish()

    A.begin("another municipality's upload keeps 901's cache")
    org = server.client()
    org.login("organiser@test.invalid")
    rows = store.query("SELECT t FROM inventory WHERE municipality='902' AND year=2024"
                       " AND sector='waste' AND ets=0")
    r = org.request("POST", "/api/municipalities/902/inventory",
                    body=inventory_csv(store, "902", 2024,
                                       {("waste", False): rows[0][0] + 1000}),
                    content_type="text/csv")
    A.check_eq(r.status, 200, "POST 902's inventory")
    A.check_eq((r.json() or {}).get("replaced"), 1, "rows replaced")
    A.check_eq(ed.get(path).header("X-Cache"), "hit", "X-Cache of 901's pathway")
    A.finish()

    A.begin("after an inventory upload that changes 901's data: a miss, a new result, "
            "equal to the CLI")
    inv_path = "/api/municipalities/901/inventory?scope=non_ets"
    inv1 = ed.get(inv_path)
    A.check_eq(ed.get(inv_path).header("X-Cache"), "hit", "the inventory's second GET")
    rows = store.query("SELECT t FROM inventory WHERE municipality='901' AND year=2024"
                       " AND sector='road_transport' AND ets=0")
    A.check(len(rows) == 1, "no road_transport row for 901 in 2024")
    csv = inventory_csv(store, "901", 2024, {("road_transport", False): rows[0][0] * 0.5})
    r = ed.request("POST", "/api/municipalities/901/inventory?file=newer.csv", body=csv,
                   content_type="text/csv")
    A.check_eq(r.status, 200, "POST inventory")
    A.check_eq((r.json() or {}).get("replaced"), 1, f"rows replaced ({r!r})")
    after_inv = ed.get(path)
    A.check_eq(after_inv.status, 200, "status")
    A.check_eq(after_inv.header("X-Cache"), "miss", "X-Cache of the pathway after the upload")
    A.check(after_inv.body != after_plan.body, "the pathway did not change")
    same_document(after_inv.body, cli_pathway(store), "after the upload")
    inv2 = ed.get(inv_path)
    A.check_eq(inv2.header("X-Cache"), "miss", "X-Cache of the inventory after the upload")
    A.check(inv2.body != inv1.body, "the inventory did not change")
    A.finish()

    A.begin("a published plan's pathway is the same document for anonymous")
    r = ed.post("/api/plans/1/publish")
    A.check_eq(r.status, 200, "publish")
    anon = server.client()
    r = anon.get(path)
    A.check_eq(r.status, 200, "anonymous GET")
    same_document(r.body, cli_pathway(store), "anonymous, published")
    A.finish()


if __name__ == "__main__":
    main()
