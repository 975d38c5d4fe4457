# The try-it panel's sandbox (issue 13, section 4): POST
# /api/plans/{id}/pathway/trial runs the model on the stored plan with some
# measures' fields replaced and saves nothing: the plan's version, its
# measures and its GET pathway stay as they were. A bad measure id or value
# is a 422 naming it; a reader's draws are capped as on GET pathway.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

Q = "?draws=500&seed=5"


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    store.add_user("viewer@test.invalid", "viewer", "901")
    server = A.Server(store)
    try:
        run(server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def run(server):
    ed = server.client()
    ed.login("editor@test.invalid")
    plan = ed.get("/api/plans/1").json()
    before = ed.get("/api/plans/1/pathway" + Q).json()
    ms = next(m for m in plan["measures"] if m.get("share") is not None)
    mid = ms["id"]

    A.begin("a trial computes the changed measure and saves nothing")
    rg = ms.get("share_range")
    zero = {"share": 0.0}
    if rg:
        zero["share_range"] = [0.0, 0.0, max(rg[2], 0.0)]
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": {mid: zero}})
    A.check_eq(r.status, 200, f"status ({A.short(r.body.decode())})")
    trial = r.json() if r.status == 200 else {}
    A.check_eq(r.header("X-Trial"), "not saved", "X-Trial header")
    T = before["target_year"]
    i = before["years"].index(T)
    A.check(trial.get("scenario", [0] * (i + 1))[i] > before["scenario"][i],
            "a measure tried at 0 % leaves more emissions in the target year")
    after = ed.get("/api/plans/1").json()
    A.check_eq(after["version"], plan["version"], "plan version after the trial")
    A.check_eq(next(m for m in after["measures"] if m["id"] == mid)["share"], ms["share"],
               "the measure's stored share")
    A.check_eq(ed.get("/api/plans/1/pathway" + Q).json()["scenario"], before["scenario"],
               "GET pathway after the trial")

    A.begin("a trial with the plan's own values equals GET pathway")
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": {mid: {"share": ms["share"]}}})
    A.check_eq(r.json().get("scenario"), before["scenario"], "scenario")

    A.begin("bad trials are 422 naming the measure or field")
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": {"NOPE": {"share": 0.1}}})
    A.check_eq(r.status, 422, "unknown measure")
    A.check("NOPE" in r.body.decode(), f"the message names the measure: {A.short(r.body.decode())}")
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": {mid: {"share": 7}}})
    A.check_eq(r.status, 422, f"share 7 ({A.short(r.body.decode())})")
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": [1]})
    A.check_eq(r.status, 422, "measures not an object")
    r = ed.post("/api/plans/1/pathway/trial" + Q, {"measures": {}, "name": "x"})
    A.check_eq(r.status, 422, "unknown key")
    A.check_eq(ed.get("/api/plans/1").json()["version"], plan["version"],
               "plan version after the bad trials")

    A.begin("a reader may try, within the reader's draw cap")
    vw = server.client()
    vw.login("viewer@test.invalid")
    r = vw.post("/api/plans/1/pathway/trial" + Q, {"measures": {mid: zero}})
    A.check_eq(r.status, 200, f"reader's trial ({A.short(r.body.decode())})")
    r = vw.post("/api/plans/1/pathway/trial?draws=50000", {"measures": {}})
    A.check_eq(r.status, 422, "reader asking 50000 draws")


if __name__ == "__main__":
    main()
