# Concurrent changes: two editors save the same version of a plan; exactly
# one wins (200), the other gets 409 with the current plan, and can redo
# its change on it; nothing is lost silently. Then 20 threads PUT the same
# version at once (one 200, 19 x 409), and 20 threads add measures at once
# (every 201 is stored, every 409 is not).
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402


def main():
    store = A.Store()
    store.add_user("anna@test.invalid", "editor", "901")
    store.add_user("bert@test.invalid", "editor", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def at_once(jobs):
    """Runs the callables in threads released together; returns their
    results (an exception is returned as the result)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait(10)
            results[i] = job()
        except Exception as e:  # noqa: BLE001 - reported by the caller
            results[i] = e

    threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def run(store, server):
    anna = server.client()
    anna.login("anna@test.invalid")
    bert = server.client()
    bert.login("bert@test.invalid")

    A.begin("two editors save the same version: one 200, one 409 with the current plan")
    a_doc = anna.get("/api/plans/1").json()
    b_doc = bert.get("/api/plans/1").json()
    v = a_doc["version"]
    A.check_eq(b_doc["version"], v, "both read the same version")
    a_name = "Anna's name for the plan"
    b_target = dict(b_doc["target"], reduction=0.75)
    a_body = {"version": v, "name": a_name}
    b_body = {"version": v, "target": b_target}
    ra, rb = at_once([lambda: anna.put("/api/plans/1", a_body),
                      lambda: bert.put("/api/plans/1", b_body)])
    for who, r in (("anna", ra), ("bert", rb)):
        if isinstance(r, Exception):
            A.fatal(f"{who}'s PUT failed: {r!r}")
    A.check_eq(sorted([ra.status, rb.status]), [200, 409], "the two statuses")
    if sorted([ra.status, rb.status]) != [200, 409]:
        A.fatal(f"anna: {ra!r}; bert: {rb!r}")
    anna_won = ra.status == 200
    win, lose = (ra, rb) if anna_won else (rb, ra)
    loser = bert if anna_won else anna
    conflict = lose.json() or {}
    A.check_eq(conflict.get("error", {}).get("code"), "conflict", "the 409's error code")
    current = conflict.get("current") or {}
    A.check_eq(current.get("version"), v + 1, "current.version in the 409")
    A.check_eq(current, win.json(), "current in the 409 equals the winner's reply")
    if anna_won:
        A.check_eq(current.get("name"), a_name, "current.name (anna's change)")
        A.check(current.get("target", {}).get("reduction") != 0.75,
                "bert's refused change is in current")
    else:
        A.check_eq(current.get("target", {}).get("reduction"), 0.75,
                   "current.target.reduction (bert's change)")
        A.check(current.get("name") != a_name, "anna's refused change is in current")
    final = anna.get("/api/plans/1").json()
    A.check_eq(final, current, "the stored plan equals current")
    A.finish()

    A.begin("the loser redoes the change on current: 200, both changes kept")
    if anna_won:
        redo = {"version": current["version"], "target": b_target}
    else:
        redo = {"version": current["version"], "name": a_name}
    r = loser.put("/api/plans/1", redo)
    A.check_eq(r.status, 200, "the redo")
    final = bert.get("/api/plans/1").json()
    A.check_eq(final.get("version"), v + 2, "version after the redo")
    A.check_eq(final.get("name"), a_name, "anna's name")
    A.check_eq(final.get("target", {}).get("reduction"), 0.75, "bert's reduction")
    A.check_eq(len(final.get("measures", [])), len(a_doc["measures"]), "measure count")
    audit = anna.get("/api/plans/1/audit?limit=5").json() or []
    updates = [e for e in audit if e.get("action") == "plan.update"]
    A.check_eq(len(updates), 2, "plan.update rows in the audit (the 409 wrote none)")
    A.check_eq(sorted(e.get("actor") for e in updates),
               ["anna@test.invalid", "bert@test.invalid"], "their actors")
    A.finish()

    A.begin("20 concurrent PUTs of the same version: one 200, 19 x 409")
    doc = anna.get("/api/plans/1").json()
    v = doc["version"]
    clients = [anna, bert]
    jobs = [(lambda i=i: clients[i % 2].put("/api/plans/1",
                                            {"version": v, "name": f"writer {i}"}))
            for i in range(20)]
    results = at_once(jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    A.check(not errors, f"requests failed: {errors[:3]}")
    statuses = [r.status for r in results if not isinstance(r, Exception)]
    A.check_eq(statuses.count(200), 1, f"200s among {sorted(statuses)}")
    A.check_eq(statuses.count(409), 19, f"409s among {sorted(statuses)}")
    winners = [i for i, r in enumerate(results)
               if not isinstance(r, Exception) and r.status == 200]
    final = anna.get("/api/plans/1").json()
    A.check_eq(final.get("version"), v + 1, "the version after them")
    if len(winners) == 1:
        A.check_eq(final.get("name"), f"writer {winners[0]}", "the stored name")
    for r in results:
        if not isinstance(r, Exception) and r.status == 409:
            cur = (r.json() or {}).get("current") or {}
            A.check_eq(cur.get("version"), v + 1, "current.version of a 409")
    A.finish()

    A.begin("20 concurrent measure additions: every 201 stored, every 409 not")
    before = anna.get("/api/plans/1").json()
    keys_before = {m["id"] for m in before["measures"]}
    jobs = [(lambda i=i: clients[i % 2].post(
        "/api/plans/1/measures",
        {"id": f"concurrent-{i}", "sector": "waste", "start": 2026, "full": 2030,
         "share": 0.01})) for i in range(20)]
    results = at_once(jobs)
    after = anna.get("/api/plans/1").json()
    keys_after = {m["id"] for m in after["measures"]}
    n_created = 0
    for i, r in enumerate(results):
        key = f"concurrent-{i}"
        if isinstance(r, Exception):
            A.check(False, f"{key}: the request failed: {r!r}")
        elif r.status == 201:
            n_created += 1
            A.check(key in keys_after, f"{key} got 201 but is not in the plan")
        elif r.status == 409:
            A.check(key not in keys_after, f"{key} got 409 but is in the plan")
        else:
            A.check(False, f"{key}: got {r!r}, expected 201 or 409")
    A.check(n_created >= 1, "no addition succeeded")
    print(f"# {n_created} of 20 concurrent additions succeeded at once")
    A.check_eq(keys_after - keys_before, {f"concurrent-{i}" for i, r in enumerate(results)
                                          if not isinstance(r, Exception) and r.status == 201},
               "the new measures")
    A.check_eq(after["version"], before["version"] + n_created, "the plan's version")
    A.finish()

    A.begin("the refused additions, redone one by one, all succeed")
    for i, r in enumerate(results):
        if not isinstance(r, Exception) and r.status == 409:
            r2 = anna.post("/api/plans/1/measures",
                           {"id": f"concurrent-{i}", "sector": "waste", "start": 2026,
                            "full": 2030, "share": 0.01})
            A.check_eq(r2.status, 201, f"concurrent-{i} redone")
    final = anna.get("/api/plans/1").json()
    A.check_eq({m["id"] for m in final["measures"]} - keys_before,
               {f"concurrent-{i}" for i in range(20)}, "the new measures")
    A.finish()


if __name__ == "__main__":
    main()
