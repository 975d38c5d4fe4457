#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reference numpy implementation of the ilmava plan model (spec plan-model.md).

It exists for two reasons: an independent cross-check of the C engine's
numbers, and a fair baseline for the Monte Carlo benchmark (bench/README.md).
The Monte Carlo is the plain vectorisation over draws that a competent numpy
user would write: arrays of shape (draws,) and (draws, years), a short Python
loop over streams and measures.

Usage: /usr/bin/python3 bench/mc_numpy.py PLAN.json [--draws N] [--seed S]
                                          [--json] [--timing]
The Monte Carlo wall time always goes to stderr as "mc_seconds=<s>"; with
--timing it is also put in a "timing" field of the JSON document.
"""

import argparse
import json
import math
import sys
import time

import numpy as np

SCOPES = ("total", "non_ets", "hinku")
# spec/sectors.md: a measure may name one even where the inventory has none.
KNOWN_SECTORS = {"electricity", "electric_heating", "district_heating",
                 "oil_heating", "other_heating", "industry", "machinery",
                 "road_transport", "rail_transport", "water_transport",
                 "agriculture", "waste", "f_gases"}
CONTROLS = ("own", "steer", "influence", "none")
STATUSES = ("idea", "planned", "ongoing", "done", "cancelled")

KEYS = {
    "plan": {"ilmava_plan", "name", "municipality", "inventory", "population",
             "baseline", "target", "measures", "settings"},
    "municipality": {"code", "name"},
    "inventory": {"year", "sector", "ets", "t"},
    "population": {"year", "n"},
    "baseline": {"default_trend", "trend", "trend_sd"},
    "target": {"base_year", "target_year", "reduction", "scope"},
    "measure": {"id", "name", "sector", "ets", "start", "full", "share",
                "absolute_t", "share_range", "absolute_range", "capex", "opex",
                "lifetime", "control", "optional", "responsible", "notes",
                "status"},
    "settings": {"horizon", "discount_rate", "draws", "seed",
                 "easy_max_eur_per_t", "hard_min_eur_per_t"},
}


class PlanError(Exception):
    pass


def check_keys(obj, kind, where):
    if not isinstance(obj, dict):
        raise PlanError(f"{where}: expected an object")
    unknown = set(obj) - KEYS[kind]
    if unknown:
        raise PlanError(f"{where}: unknown key(s) {sorted(unknown)}")


def need(obj, key, where):
    if key not in obj:
        raise PlanError(f"{where}: missing '{key}'")
    return obj[key]


class Model:
    """The validated plan, reduced to arrays the computation needs."""

    def __init__(self, plan):
        check_keys(plan, "plan", "plan")
        if need(plan, "ilmava_plan", "plan") != 1:
            raise PlanError("plan: ilmava_plan must be 1")
        if "municipality" in plan:
            check_keys(plan["municipality"], "municipality", "municipality")
        for i, p in enumerate(plan.get("population", [])):
            check_keys(p, "population", f"population[{i}]")

        # Inventory -> streams (sector, ets) in order of first appearance.
        inv = {}
        self.streams = []
        for i, row in enumerate(need(plan, "inventory", "plan")):
            where = f"inventory[{i}]"
            check_keys(row, "inventory", where)
            k = (need(row, "sector", where), bool(row.get("ets", False)))
            year, t = int(need(row, "year", where)), float(need(row, "t", where))
            if (year, k) in inv:
                raise PlanError(f"{where}: duplicate record for {year} {k}")
            if t < 0:
                raise PlanError(f"{where}: negative emissions")
            inv[(year, k)] = t
            if k not in self.streams:
                self.streams.append(k)
        if not inv:
            raise PlanError("inventory: empty")
        self.L = max(y for y, _ in inv)

        tgt = need(plan, "target", "plan")
        check_keys(tgt, "target", "target")
        self.B = int(need(tgt, "base_year", "target"))
        self.T = int(need(tgt, "target_year", "target"))
        self.reduction = float(need(tgt, "reduction", "target"))
        self.scope = tgt.get("scope", "total")
        if self.scope not in SCOPES:
            raise PlanError(f"target.scope: '{self.scope}' is not one of {SCOPES}")
        if not 0 <= self.reduction <= 1:
            raise PlanError("target.reduction: outside 0..1")
        if not any(y == self.B for y, _ in inv):
            raise PlanError(f"target.base_year: {self.B} absent from the inventory")

        st = plan.get("settings", {})
        check_keys(st, "settings", "settings")
        self.H = int(st.get("horizon", self.T))
        self.rate = float(st.get("discount_rate", 0.04))
        self.draws = int(st.get("draws", 0))
        self.seed = int(st.get("seed", 1))
        self.easy_max = float(st.get("easy_max_eur_per_t", 50))
        self.hard_min = float(st.get("hard_min_eur_per_t", 150))
        if not self.B <= self.L < self.T <= self.H:
            raise PlanError(
                f"years: need base_year <= last inventory year < target_year <= "
                f"horizon, got {self.B}, {self.L}, {self.T}, {self.H}")

        # Inventory matrix over B..L (only these years are ever reported).
        K = len(self.streams)
        self.hist_years = np.arange(self.B, self.L + 1)
        self.E = np.zeros((K, len(self.hist_years)))
        for (y, k), t in inv.items():
            if y >= self.B:
                self.E[self.streams.index(k), y - self.B] = t
        self.E_L = self.E[:, -1]
        # non_ets keeps ets=false streams; hinku is computed like total.
        self.in_scope = np.array(
            [not ets if self.scope == "non_ets" else True
             for _, ets in self.streams])

        # One growth rate per sector, shared by its ETS and non-ETS streams.
        bl = plan.get("baseline", {})
        check_keys(bl, "baseline", "baseline")
        trend = bl.get("trend", {})
        self.sectors = sorted({s for s, _ in self.streams})
        self.g = np.array([float(trend.get(s, bl.get("default_trend", 0.0)))
                           for s in self.sectors])
        self.trend_sd = float(bl.get("trend_sd", 0.0))
        self.stream_sector = np.array(
            [self.sectors.index(s) for s, _ in self.streams])

        # Projection years L+1..H and their offsets from L.
        self.fut_years = np.arange(self.L + 1, self.H + 1)
        self.dt = (self.fut_years - self.L).astype(float)
        self.iT = self.T - self.L - 1          # column of T in future arrays

        self._measures(need(plan, "measures", "plan"))

    def _measures(self, raw):
        seen = set()
        self.measures = []                    # computed ones only
        self.not_computed = []                # spec 1.1: carried, absent
        known = {s for s, _ in self.streams} | KNOWN_SECTORS
        for i, m in enumerate(raw):
            where = f"measures[{i}]"
            check_keys(m, "measure", where)
            mid = need(m, "id", where)
            where = f"measure '{mid}'"
            if mid in seen:
                raise PlanError(f"{where}: duplicate id")
            seen.add(mid)
            k = (need(m, "sector", where), bool(m.get("ets", False)))
            if k[0] not in known:
                raise PlanError(f"{where}: unknown sector {k[0]!r}")
            start, full = int(need(m, "start", where)), int(need(m, "full", where))
            if full < start:
                raise PlanError(f"{where}: full < start")
            if ("share" in m) == ("absolute_t" in m):
                raise PlanError(f"{where}: exactly one of share, absolute_t")
            is_share = "share" in m
            vkey = "share" if is_share else "absolute_t"
            value = float(m[vkey])
            if value < 0 or (is_share and value > 1):
                raise PlanError(f"{where}: {vkey} out of bounds")
            rkey = "share_range" if is_share else "absolute_range"
            other = "absolute_range" if is_share else "share_range"
            if other in m:
                raise PlanError(f"{where}: {other} given with {vkey}")
            rng = None
            if rkey in m:
                rng = [float(x) for x in m[rkey]]
                if (len(rng) != 3 or not rng[0] <= rng[1] <= rng[2]
                        or rng[1] != value or rng[0] < 0
                        or (is_share and rng[2] > 1)):
                    raise PlanError(f"{where}: {rkey} invalid")
            capex, opex = float(m.get("capex", 0)), float(m.get("opex", 0))
            life = m.get("lifetime")
            # The spec requires a lifetime when capex > 0; a negative capex
            # (a sale) is annualised the same way, so it needs one too.
            if capex != 0 and (life is None or life < 1):
                raise PlanError(f"{where}: lifetime >= 1 required when capex != 0")
            control = m.get("control", "own")
            if control not in CONTROLS:
                raise PlanError(f"{where}: control '{control}'")
            status = m.get("status", "planned")
            if status not in STATUSES:
                raise PlanError(f"{where}: status '{status}'")
            if status == "cancelled" or k not in self.streams:
                self.not_computed.append({
                    "id": mid, "reason": "cancelled" if status == "cancelled"
                    else "no_inventory"})
                continue
            self.measures.append(dict(
                id=mid, k=self.streams.index(k), share=is_share, value=value,
                range=rng, start=start, full=full, capex=capex, opex=opex,
                lifetime=life, control=control))

        M = len(self.measures)
        self.value = np.array([m["value"] for m in self.measures])
        self.ramp = np.array([[self.ramp_at(m, t) for t in self.fut_years]
                              for m in self.measures]).reshape(M, -1)
        self.ramp_L = np.array([self.ramp_at(m, self.L) for m in self.measures])
        self.on_stream = [[j for j, m in enumerate(self.measures) if m["k"] == k]
                          for k in range(len(self.streams))]

    @staticmethod
    def ramp_at(m, t):
        if t < m["start"]:
            return 0.0
        if t > m["full"]:
            return 1.0
        return (t - m["start"] + 1) / (m["full"] - m["start"] + 1)

    def phi(self, j, r):
        """phi_m(t) over future years for share values r of shape (N,): (N, Y)."""
        rl = self.ramp_L[j]
        if rl == 1.0:
            return np.ones((r.shape[0], len(self.fut_years)))
        return (1.0 - r[:, None] * self.ramp[j]) / (1.0 - r * rl)[:, None]

    def project_stream(self, k, growth, values, factor_cache=None):
        """Baseline and scenario of stream k over L+1..H, shape (N, Y).

        growth: (N, sectors) rates; values: (N, measures) shares/amounts.
        """
        s = self.stream_sector[k]
        if factor_cache is not None and s in factor_cache:
            factor = factor_cache[s]
        else:
            factor = (1.0 + growth[:, s])[:, None] ** self.dt
            if factor_cache is not None:
                factor_cache[s] = factor
        base = self.E_L[k] * factor
        kept = base
        removed = 0.0
        for j in self.on_stream[k]:
            if self.measures[j]["share"]:
                kept = kept * self.phi(j, values[:, j])
            else:
                removed = removed + values[:, j, None] * (self.ramp[j] - self.ramp_L[j])
        return base, np.maximum(0.0, kept - removed)


def annual_cost(m, i):
    if m["capex"] == 0:
        return m["opex"]
    n = m["lifetime"]
    crf = 1.0 / n if i == 0 else i / (1.0 - (1.0 + i) ** -n)
    return m["capex"] * crf + m["opex"]


def deterministic(md):
    """Sections 2-5: pathway, target, gap, measure economics and classes."""
    K, M = len(md.streams), len(md.measures)
    growth = md.g[None, :]
    values = md.value[None, :]
    base = np.zeros((K, len(md.fut_years)))
    scen = np.zeros_like(base)
    for k in range(K):
        b, s = md.project_stream(k, growth, values)
        base[k], scen[k] = b[0], s[0]

    scope = md.in_scope
    baseline = np.concatenate([md.E[scope].sum(0), base[scope].sum(0)])
    scenario = np.concatenate([md.E[scope].sum(0), scen[scope].sum(0)])
    years = np.arange(md.B, md.H + 1)
    E_B = md.E[scope, 0].sum()
    V = (1.0 - md.reduction) * E_B
    target_path = np.where(years >= md.T, V,
                           E_B + (V - E_B) * (years - md.B) / (md.T - md.B))
    iT = md.T - md.B
    gap = scenario[iT] - V
    fut = slice(md.L + 1 - md.B, iT + 1)
    overshoot = float(np.sum(scenario[fut] - target_path[fut]))

    # Standalone abatement and attribution in the target year.
    t = md.iT
    abatement = np.zeros(M)
    attributed = np.zeros(M)
    for k in range(K):
        on = md.on_stream[k]
        if not on:
            continue
        bT, sT = base[k, t], scen[k, t]
        shares = [j for j in on if md.measures[j]["share"]]
        absol = [j for j in on if not md.measures[j]["share"]]
        phi = {j: md.phi(j, md.value[j:j + 1])[0, t] for j in shares}
        d = {j: md.value[j] * (md.ramp[j, t] - md.ramp_L[j]) for j in absol}
        for j in shares:
            abatement[j] = bT * (1.0 - phi[j])
        for j in absol:
            abatement[j] = min(d[j], bT)
        prod = math.prod(phi.values())
        mult = bT * (1.0 - prod)
        zero = [j for j in shares if phi[j] == 0.0]
        if zero:                       # ln(0): the zero-phi measures share it
            for j in zero:
                attributed[j] = mult / len(zero)
        else:
            logs = {j: math.log(phi[j]) for j in shares}
            total = sum(logs.values())
            if total != 0.0:
                for j in shares:
                    attributed[j] = logs[j] / total * mult
        rest = bT * prod - sT
        dsum = sum(d.values())
        if dsum > 0.0:
            for j in absol:
                attributed[j] = d[j] / dsum * rest

    out_measures = []
    classes = {c: {"count": 0, "attributed": 0.0}
               for c in ("easy", "moderate", "hard")}
    for j, m in enumerate(md.measures):
        cost = annual_cost(m, md.rate)
        cpt = cost / abatement[j] if abatement[j] != 0.0 else None
        if (cpt is None or cpt > md.hard_min or m["control"] == "none"
                or m["full"] > md.T):
            cls = "hard"
        elif cpt <= md.easy_max and m["control"] in ("own", "steer"):
            cls = "easy"
        else:
            cls = "moderate"
        classes[cls]["count"] += 1
        if md.in_scope[m["k"]]:
            classes[cls]["attributed"] += float(attributed[j])
        out_measures.append({
            "id": m["id"], "annual_cost": float(cost),
            "abatement": float(abatement[j]), "attributed": float(attributed[j]),
            "cost_per_t": None if cpt is None else float(cpt), "class": cls,
            "in_scope": bool(md.in_scope[m["k"]])})
    room = baseline[iT] - V
    easy_share = classes["easy"]["attributed"] / room if room > 0 else None

    return {
        "ilmava_result": 1, "last_year": md.L, "base_year": md.B,
        "target_year": md.T, "horizon": md.H, "scope": md.scope,
        "years": years.tolist(), "baseline": baseline.tolist(),
        "scenario": scenario.tolist(), "target_path": target_path.tolist(),
        "target_value": float(V), "gap": float(gap),
        "meets": bool(gap <= 1e-9 * max(1.0, V)), "overshoot": overshoot,
        "measures": out_measures, "not_computed": md.not_computed,
        "classes": classes, "easy_share": easy_share,
    }


def monte_carlo(md, draws, seed, V):
    """Section 6, vectorised over draws. Returns the monte_carlo object."""
    rng = np.random.default_rng(seed)
    # Uncertain measure values, in plan order; the others stay at their value.
    values = np.broadcast_to(md.value, (draws, len(md.measures))).copy()
    for j, m in enumerate(md.measures):
        if m["range"] is not None:
            lo, mode, hi = m["range"]
            if lo < hi:                  # numpy rejects a degenerate triangle
                values[:, j] = rng.triangular(lo, mode, hi, draws)
    # One growth rate per sector for the whole horizon.
    growth = rng.normal(md.g, md.trend_sd, size=(draws, len(md.sectors)))

    total = np.zeros((draws, len(md.fut_years)))
    cache = {}
    for k in np.flatnonzero(md.in_scope):
        total += md.project_stream(k, growth, values, cache)[1]

    p_meet = float(np.mean(total[:, md.iT] <= V))
    p5, p50, p95 = np.percentile(total, [5, 50, 95], axis=0)
    return {"draws": draws, "p_meet": p_meet,
            "years": md.fut_years.tolist(), "p5": p5.tolist(),
            "p50": p50.tolist(), "p95": p95.tolist()}


def compute(plan, draws=None, seed=None):
    """Result document and Monte Carlo seconds (None when no draws)."""
    md = Model(plan)
    res = deterministic(md)
    draws = md.draws if draws is None else draws
    seed = md.seed if seed is None else seed
    mc_seconds = None
    if draws > 0:
        t0 = time.perf_counter()
        res["monte_carlo"] = monte_carlo(md, draws, seed, res["target_value"])
        mc_seconds = time.perf_counter() - t0
    return res, mc_seconds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plan")
    ap.add_argument("--draws", type=int, help="override settings.draws")
    ap.add_argument("--seed", type=int, help="override settings.seed")
    ap.add_argument("--json", action="store_true", help="print the result document")
    ap.add_argument("--timing", action="store_true",
                    help="add a 'timing' field with the Monte Carlo seconds")
    a = ap.parse_args(argv)
    if a.draws is not None and a.draws < 0:
        ap.error("--draws must be >= 0")

    with open(a.plan, encoding="utf-8") as f:
        plan = json.load(f)
    try:
        res, mc_seconds = compute(plan, a.draws, a.seed)
    except PlanError as e:
        print(f"{a.plan}: {e}", file=sys.stderr)
        return 1

    if mc_seconds is not None:
        print(f"mc_seconds={mc_seconds:.6f}", file=sys.stderr)
    if a.timing:
        res["timing"] = {"mc_seconds": mc_seconds}
    if a.json:
        json.dump(res, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
        return 0

    iT = res["years"].index(res["target_year"])
    print(f"{plan.get('name') or plan.get('municipality', {}).get('name', a.plan)}"
          f" ({res['scope']}, L={res['last_year']}, {res['base_year']}"
          f" -> {res['target_year']}, horizon {res['horizon']})")
    print(f"  target value {res['target_value']:.1f} t, scenario "
          f"{res['scenario'][iT]:.1f} t, gap {res['gap']:.1f} t, "
          f"meets {res['meets']}, overshoot {res['overshoot']:.1f} t")
    if "monte_carlo" in res:
        mc = res["monte_carlo"]
        i = mc["years"].index(res["target_year"])
        print(f"  Monte Carlo {mc['draws']} draws: p_meet {mc['p_meet']:.4f}, "
              f"{res['target_year']} p5/p50/p95 {mc['p5'][i]:.0f} / "
              f"{mc['p50'][i]:.0f} / {mc['p95'][i]:.0f} t")
        print(f"  Monte Carlo wall time {mc_seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
