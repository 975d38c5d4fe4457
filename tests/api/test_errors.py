# Structured errors (issue 13 §3, issue 15 item 4): a 422 carries every
# message, each with its code, field, English message and params; the
# top-level keys are the first message's; the English texts are those the
# CLI prints. Nothing is stored by a refused request.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402
from test_programme import day, programme_doc  # noqa: E402

ORG = "organiser@test.invalid"
ED = "editor@test.invalid"


def main():
    store = A.Store()
    store.add_user(ORG, "organiser")
    store.add_user(ED, "editor", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def errors_of(r):
    """The error object and its list, checked for shape."""
    j = r.json() or {}
    e = j.get("error") or {}
    lst = e.get("errors")
    A.check(isinstance(lst, list) and lst, f"no errors list: {r!r}")
    for x in lst or []:
        A.check(isinstance(x.get("code"), str) and isinstance(x.get("message"), str)
                and isinstance(x.get("params"), dict), f"not a structured error: {x}")
    if lst:
        for k in ("code", "message", "field", "params"):
            A.check_eq(e.get(k), lst[0].get(k), f"the top-level {k} is the first message's")
    return e, lst or []


def find(lst, code, field):
    hits = [x for x in lst if x.get("code") == code and x.get("field") == field]
    A.check(len(hits) == 1, f"no {code} at {field} in {lst}")
    return hits[0] if hits else {}


def run(store, server):
    ed = server.client()
    ed.login(ED)
    org = server.client()
    org.login(ORG)
    doc = ed.get("/api/plans/1").json()
    before = store.dump()

    A.begin("a plan with three faults: 422 with all three, their codes and params")
    bad = dict(doc)
    ms = [dict(m) for m in doc["measures"]]
    ms[0]["start"], ms[0]["full"] = 2032, 2027
    i = next(k for k, m in enumerate(ms) if m.get("share") is not None and k > 0)
    ms[i]["share"] = 1.4
    ms[i].pop("share_range", None)
    bad["measures"] = ms
    bad["target"] = dict(doc["target"], target_year=2005)
    r = ed.put("/api/plans/1", {k: bad[k] for k in ("version", "name", "target", "measures")})
    A.check_eq(r.status, 422, f"status: {r!r}")
    e, lst = errors_of(r)
    last = max(row["year"] for row in ed.get(
        "/api/municipalities/901/inventory?scope=total").json()["totals"])
    x = find(lst, "not_after_inventory", "target.target_year")
    A.check_eq(x.get("params"), {"value": 2005, "last": last}, "target year params")
    A.check_eq(x.get("message"),
               f"target.target_year: 2005 must be after the last inventory year {last}",
               "the English text is the CLI's")
    x = find(lst, "before_start", "measures[0].full")
    A.check_eq(x.get("params"), {"value": 2027, "start": 2032}, "before_start params")
    A.check_eq(x.get("message"), "measures[0].full: 2027 is before start 2032", "message")
    x = find(lst, "not_share", f"measures[{i}].share")
    A.check_eq(x.get("params"), {"value": 1.4}, "not_share params: the fraction")
    A.check(len(lst) >= 3, f"fewer than three messages: {lst}")
    A.check(store.dump() == before, "the store changed")
    A.finish()

    A.begin("POST plans names the body's fields; the model's text stays")
    r = ed.post("/api/municipalities/901/plans", {"name": "x", "base_year": 2007,
                                                 "target_year": 2035, "reduction": 1.25})
    A.check_eq(r.status, 422, f"status: {r!r}")
    e, lst = errors_of(r)
    x = find(lst, "not_share", "reduction")
    A.check_eq(x.get("params"), {"value": 1.25}, "params")
    A.check_eq(e.get("code"), "not_share", "top-level code")
    A.check_eq(x.get("message"), "target.reduction: 1.25 is outside 0..1", "message")
    r = ed.post("/api/municipalities/901/plans", {"name": "x", "base_year": 2007,
                                                 "target_year": 1800, "reduction": 0.5})
    e, lst = errors_of(r)
    x = find(lst, "out_of_range", "target_year")
    A.check_eq(x.get("params", {}).get("value"), 1800, "the typed year")
    A.check(set(x.get("params", {})) == {"value", "min", "max"}, f"params {x}")
    A.check(store.dump() == before, "the store changed")
    A.finish()

    A.begin("a programme with two faults: both, with codes and params")
    p = programme_doc()
    p["capacity_min"] = 16
    p["periods"][1]["days"][0]["day"] = day(-25)
    r = org.post("/api/programmes", p)
    A.check_eq(r.status, 422, f"status: {r!r}")
    e, lst = errors_of(r)
    x = find(lst, "capacity_order", "capacity_min")
    A.check_eq(x.get("params"), {"min": 16, "max": 15}, "capacity params")
    x = find(lst, "day_outside_period", "periods[1].days[0].day")
    A.check_eq(x.get("params"), {"value": day(-25), "starts": day(-20), "ends": day(-10)},
               "day params")
    A.check("is outside its period" in x.get("message", ""), f"message {x}")
    A.finish()

    A.begin("an unknown field and a conflict keep their codes")
    r = ed.put("/api/plans/1", {"version": doc["version"], "colour": "red"})
    e, lst = errors_of(r)
    A.check_eq((r.status, e.get("code"), e.get("field")), (422, "unknown_field", "colour"),
               "unknown field")
    r = ed.put("/api/plans/1", {"version": doc["version"] - 1 if doc["version"] > 1 else 999,
                                "name": "stale"})
    if r.status == 409:
        A.check_eq((r.json() or {}).get("error", {}).get("code"), "conflict",
                   "a 409 keeps the code conflict")
    A.check(store.dump() == before, "the store changed")
    A.finish()


if __name__ == "__main__":
    main()
