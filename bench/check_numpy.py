#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Check bench/mc_numpy.py against the golden results in the shared spec.

Usage: /usr/bin/python3 bench/check_numpy.py [EXAMPLES_DIR]
       /usr/bin/python3 bench/check_numpy.py --result GOT.json GOLDEN.json
EXAMPLES_DIR defaults to $ILMAVA_SHARED/spec/examples, with ILMAVA_SHARED
defaulting to ../shared relative to the repository root. The second form
compares any result document (e.g. the C engine's) with a golden one, under
the same tolerances; bench/run.sh uses it to check the benchmarked output.

Tolerances: deterministic numbers 1e-9 relative, p_meet 0.01 absolute,
percentiles 1 % relative (the generators differ, so draws differ). Everything
else (years, ids, classes, counts, flags) must be equal. Prints the max error
per field and PASS/FAIL; exits 1 on any failure.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mc_numpy  # noqa: E402

EXAMPLES = ("tornio-like", "kontiolahti")
DET_TOL, P_MEET_TOL, PCT_TOL = 1e-9, 0.01, 0.01


def rel_err(a, b):
    if a is None or b is None:
        return 0.0 if a is b else float("inf")
    if a == b:                               # also covers 0.0 vs -0.0
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


class Report:
    def __init__(self):
        self.rows = []                       # (field, err, tol); None = exact

    def num(self, field, got, want, tol, absolute=False):
        got = got if isinstance(got, list) else [got]
        want = want if isinstance(want, list) else [want]
        try:
            if len(got) != len(want):
                err = float("inf")
            elif absolute:
                err = max(abs(a - b) for a, b in zip(got, want))
            else:
                err = max((rel_err(a, b) for a, b in zip(got, want)), default=0.0)
        except TypeError:                    # missing or non-numeric value
            err = float("inf")
        self.rows.append((field, err, tol))

    def exact(self, field, got, want):
        self.rows.append((field, 0.0 if got == want else float("inf"), None))

    def print(self, title):
        ok = True
        print(f"## {title}")
        print(f"{'field':34} {'max error':>12} {'tolerance':>10}  result")
        for field, err, tol in self.rows:
            passed = err <= (tol or 0.0)
            ok &= passed
            shown = ("equal" if err == 0 else "DIFFERENT") if tol is None else f"{err:.3e}"
            limit = "exact" if tol is None else f"{tol:g}"
            print(f"{field:34} {shown:>12} {limit:>10}  {'PASS' if passed else 'FAIL'}")
        return ok


def compare(got, want):
    r = Report()
    r.exact("keys", sorted(got), sorted(want))
    for f in ("ilmava_result", "last_year", "base_year", "target_year",
              "horizon", "scope", "years", "meets"):
        r.exact(f, got.get(f), want.get(f))
    for f in ("baseline", "scenario", "target_path", "target_value", "gap",
              "overshoot", "easy_share"):
        r.num(f, got.get(f), want.get(f), DET_TOL)

    gm, wm = got.get("measures", []), want.get("measures", [])
    r.exact("measures.id", [m.get("id") for m in gm], [m.get("id") for m in wm])
    r.exact("measures.class", [m.get("class") for m in gm], [m.get("class") for m in wm])
    if len(gm) == len(wm):
        for f in ("annual_cost", "abatement", "attributed", "cost_per_t"):
            r.num(f"measures.{f}", [m.get(f) for m in gm],
                  [m.get(f) for m in wm], DET_TOL)

    gc, wc = got.get("classes", {}), want.get("classes", {})
    r.exact("classes.keys", sorted(gc), sorted(wc))
    r.exact("classes.count", {c: v.get("count") for c, v in gc.items()},
            {c: v["count"] for c, v in wc.items()})
    if sorted(gc) == sorted(wc):
        r.num("classes.attributed", [gc[c].get("attributed") for c in sorted(gc)],
              [wc[c]["attributed"] for c in sorted(wc)], DET_TOL)

    r.exact("monte_carlo present", "monte_carlo" in got, "monte_carlo" in want)
    if "monte_carlo" in got and "monte_carlo" in want:
        g, w = got["monte_carlo"], want["monte_carlo"]
        r.exact("monte_carlo.keys", sorted(g), sorted(w))
        r.exact("monte_carlo.draws", g.get("draws"), w.get("draws"))
        r.exact("monte_carlo.years", g.get("years"), w.get("years"))
        r.num("monte_carlo.p_meet (abs)", g.get("p_meet"), w.get("p_meet"),
              P_MEET_TOL, absolute=True)
        for f in ("p5", "p50", "p95"):
            r.num(f"monte_carlo.{f}", g.get(f), w.get(f), PCT_TOL)
    return r


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--result":
        docs = []
        for path in sys.argv[2:]:
            with open(path, encoding="utf-8") as f:
                docs.append(json.load(f))
        ok = compare(*docs).print(f"{sys.argv[2]} vs {sys.argv[3]}")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    if len(sys.argv) > 1:
        examples = sys.argv[1]
    else:
        shared = os.environ.get("ILMAVA_SHARED",
                                os.path.join(HERE, "..", "..", "shared"))
        examples = os.path.join(shared, "spec", "examples")
    ok = True
    for name in EXAMPLES:
        with open(os.path.join(examples, f"{name}.plan.json"), encoding="utf-8") as f:
            plan = json.load(f)
        with open(os.path.join(examples, f"{name}.result.json"), encoding="utf-8") as f:
            want = json.load(f)
        got, mc_seconds = mc_numpy.compute(plan)
        ok &= compare(got, want).print(
            f"{name} (Monte Carlo {got.get('monte_carlo', {}).get('draws', 0)} "
            f"draws, {mc_seconds or 0:.3f} s)")
        print()
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
