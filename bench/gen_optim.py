#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generates the optimiser benchmark plans bench/data/optim{16,25,30}.plan.json.

Usage: /usr/bin/python3 bench/gen_optim.py [--out DIR] [--check]

The municipality ("Harjuvaara", code 999) is invented: no shared or real
data is used. It has 8 sectors in 10 streams (industry and district heating
also have an ETS stream; the target scope is `total`, so they count), a
14-year inventory 2010-2023, and a target of 2035. Each plan has 4
mandatory measures and N optional ones (16, 25 or 30), dealt over all 10
streams (at most 3, 3 and 4 optional measures on a stream), shares and
absolute amounts mixed, every optional measure with a positive annual cost.

What makes the search hard: each optional measure's annual cost is its
standalone abatement in 2035 times a price drawn from a narrow band (60 to
110 EUR/t), so no measure is much cheaper per tonne than the others (the
strongly correlated knapsack, the hard case for branch and bound), and
share measures on one stream interact multiplicatively. The target
reduction is set, per plan, so that the optional measures must deliver
about 55 % of the abatement they could deliver all together: many subsets
meet it (keeping all of them does, at far above the optimum cost), and no
single optional measure, nor any pair, is enough.

Deterministic: a fixed seed and the standard library only (random.Random
with random() alone, whose sequence Python keeps stable across versions);
floats are rounded before they are written, so the files are byte-identical
on every run. --check also recomputes, in pure Python, the deterministic
2035 emissions, the exact optimum by a method independent of the engine's
search (Pareto fronts, stream by stream) and, for N <= 20, the number of
subsets that meet the target (by brute force), and prints them.
"""

import argparse
import itertools
import json
import math
import os
import random
import sys

SEED = 20250925
L, BASE_YEAR, TARGET_YEAR, HORIZON = 2023, 2010, 2035, 2040
DISCOUNT = 0.04
NEED_FRACTION = 0.55          # of the optional measures' joint abatement
SIZES = (16, 25, 30)

# (sector, ets, t in 2010, yearly change in the inventory, baseline trend)
STREAMS = [
    ("electricity", False, 31000.0, -0.055, -0.04),
    ("district_heating", False, 44000.0, -0.030, -0.02),
    ("district_heating", True, 36000.0, -0.025, None),
    ("oil_heating", False, 16000.0, -0.045, -0.04),
    ("road_transport", False, 61000.0, -0.010, -0.01),
    ("machinery", False, 12500.0, -0.004, None),
    ("agriculture", False, 21000.0, -0.003, None),
    ("waste", False, 8200.0, -0.028, -0.02),
    ("industry", False, 17500.0, -0.006, None),
    ("industry", True, 142000.0, -0.012, None),
]
DEFAULT_TREND = -0.005
TREND_SD = 0.01

# Optional measures are dealt over these streams (index into STREAMS), in
# this repeating order; the resulting counts per stream stay <= 4 at N = 30.
DEAL = [0, 1, 4, 3, 9, 5, 6, 7, 8, 2, 4, 1, 9, 0, 6]

NAMES = {
    "electricity": ["Solar on school roofs", "Solar PPA for the town hall",
                    "LED street lighting", "Demand response in own buildings"],
    "district_heating": ["Waste-heat pump at the water plant",
                         "Flue-gas scrubber heat recovery", "Pellet boiler retrofit",
                         "Heat storage tank", "Seasonal borehole storage"],
    "oil_heating": ["Oil boiler scrappage grant", "Heat pumps in rental blocks",
                    "District-heat connection campaign", "Advice for detached houses"],
    "road_transport": ["Biogas buses", "Park-and-ride", "Cycle lanes on the ring road",
                       "EV charging in car parks", "Municipal fleet electrification",
                       "Freight consolidation centre"],
    "machinery": ["Renewable diesel in contracts", "Electric site machinery",
                  "Idle-time telematics"],
    "agriculture": ["Manure biogas co-op", "Peatland rewetting advice",
                    "Cover-crop subsidy", "Precision fertilising"],
    "waste": ["Landfill gas flare upgrade", "Biowaste collection to every home",
              "Textile recycling point"],
    "industry": ["Heat recovery at the sawmill", "Process electrification grant",
                 "Compressed-air audit", "Biomass dryer at the mill",
                 "Hydrogen-ready kiln", "Mill heat-pump pilot"],
}


def ramp(start, full, t):
    if t < start:
        return 0.0
    if t > full:
        return 1.0
    return (t - start + 1) / (full - start + 1)


def crf(n):
    return DISCOUNT / (1.0 - (1.0 + DISCOUNT) ** -n)


def build_streams(rng):
    """Inventory rows and, per stream, E(L) and the baseline growth rate."""
    # One growth rate per sector (spec section 2), shared by its two streams.
    trends = {s[0]: s[4] for s in STREAMS if s[4] is not None}
    rows, e_last, growth, base_total = [], [], [], 0.0
    for sector, ets, t0, change, _ in STREAMS:
        t = t0
        for y in range(BASE_YEAR, L + 1):
            if y > BASE_YEAR:
                t *= 1.0 + change + 0.02 * (rng.random() - 0.5)
            t = round(t, 1)
            rows.append({"year": y, "sector": sector, "ets": ets, "t": t})
            if y == BASE_YEAR:
                base_total += t
        e_last.append(t)
        growth.append(trends.get(sector, DEFAULT_TREND))
    rows.sort(key=lambda r: (r["year"], STREAMS.index(
        next(s for s in STREAMS if s[0] == r["sector"] and s[1] == r["ets"]))))
    return rows, e_last, growth, base_total


def effect_at_T(m):
    """('share', phi(T)) or ('abs', d(T)) of a measure."""
    rt, rl = ramp(m["start"], m["full"], TARGET_YEAR), ramp(m["start"], m["full"], L)
    if "share" in m:
        return "share", 1.0 if rl >= 1.0 else (1.0 - m["share"] * rt) / (1.0 - m["share"] * rl)
    return "abs", m["absolute_t"] * (rt - rl)


def stream_of(m):
    return next(i for i, s in enumerate(STREAMS) if s[0] == m["sector"] and s[1] == m["ets"])


def emissions_T(base_T, measures, kept):
    """Total emissions in the target year with the measures whose index is in kept."""
    prod = [1.0] * len(STREAMS)
    dsum = [0.0] * len(STREAMS)
    for j in kept:
        kind, v = effect_at_T(measures[j])
        k = stream_of(measures[j])
        if kind == "share":
            prod[k] *= v
        else:
            dsum[k] += v
    return sum(max(0.0, base_T[k] * prod[k] - dsum[k]) for k in range(len(STREAMS)))


def make_measure(rng, idx, k, base_T, optional):
    sector, ets = STREAMS[k][0], STREAMS[k][1]
    start = 2024 + int(rng.random() * 7)                 # 2024..2030
    full = min(start + int(rng.random() * 6), TARGET_YEAR)  # ramps of 1..6 years
    names = NAMES[sector]
    name = names[int(rng.random() * len(names))]
    m = {"id": f"{'opt' if optional else 'base'}-{idx:02d}", "name": name,
         "sector": sector, "ets": ets, "start": start, "full": full}
    if rng.random() < 0.7:
        share = round(0.06 + 0.22 * rng.random(), 3)
        m["share"] = share
        if rng.random() < 0.5:
            m["share_range"] = [round(share * 0.6, 3), share, round(min(0.95, share * 1.3), 3)]
    else:
        # An absolute cut of 4-16 % of the stream's 2035 baseline.
        amount = round(base_T[k] * (0.04 + 0.12 * rng.random()), 0)
        m["absolute_t"] = amount
        if rng.random() < 0.5:
            m["absolute_range"] = [round(amount * 0.6, 0), amount, round(amount * 1.25, 0)]
    kind, v = effect_at_T(m)
    abatement = base_T[k] * (1.0 - v) if kind == "share" else min(v, base_T[k])
    if optional:
        price = 60.0 + 50.0 * rng.random()                # EUR/t, a narrow band
    else:
        price = 20.0 + 200.0 * rng.random()
    annual = max(1000.0, abatement * price)
    lifetime = 10 + int(rng.random() * 21)                # 10..30 years
    capex_part = 0.3 + 0.6 * rng.random()
    capex = round(annual * capex_part / crf(lifetime), -3)
    opex = round(annual - capex * crf(lifetime), 0)
    if not optional and rng.random() < 0.5:
        opex = -round(0.2 * capex * crf(lifetime), 0)     # a measure that saves
    m.update({"capex": capex, "opex": opex, "lifetime": lifetime,
              "control": ["own", "steer", "influence"][int(rng.random() * 3)],
              "optional": optional,
              "status": ["idea", "planned", "ongoing"][int(rng.random() * 3)]})
    return m


def generate(n_optional):
    rng = random.Random(SEED)                 # the same streams in every variant
    rows, e_last, growth, base_total = build_streams(rng)
    base_T = [e * (1.0 + g) ** (TARGET_YEAR - L) for e, g in zip(e_last, growth)]

    measures = []
    for i, k in enumerate([4, 1, 9, 7]):      # mandatory: road, DH, ETS industry, waste
        measures.append(make_measure(rng, i + 1, k, base_T, optional=False))
    # The optional pool is always drawn for 30 measures, so optim16 and optim25
    # hold the first 16 and 25 measures of optim30.
    pool = [make_measure(rng, i + 1, DEAL[i % len(DEAL)], base_T, optional=True)
            for i in range(max(SIZES))]
    measures += pool[:n_optional]

    mandatory = [j for j, m in enumerate(measures) if not m["optional"]]
    e_none = emissions_T(base_T, measures, mandatory)
    e_all = emissions_T(base_T, measures, range(len(measures)))
    v_target = e_none - NEED_FRACTION * (e_none - e_all)
    reduction = math.floor((1.0 - v_target / base_total) * 1e4) / 1e4

    plan = {
        "ilmava_plan": 1,
        "name": f"Optimiser benchmark: {n_optional} optional measures (invented data)",
        "municipality": {"code": "999", "name": "Harjuvaara (invented)"},
        "inventory": rows,
        "population": [{"year": y, "n": 18400 - 90 * (y - BASE_YEAR)}
                       for y in range(BASE_YEAR, L + 1)],
        "baseline": {"default_trend": DEFAULT_TREND,
                     "trend": {s[0]: s[4] for s in STREAMS if s[4] is not None},
                     # (a sector's rate applies to its ETS stream too)
                     "trend_sd": TREND_SD},
        "target": {"base_year": BASE_YEAR, "target_year": TARGET_YEAR,
                   "reduction": reduction, "scope": "total"},
        "measures": measures,
        "settings": {"horizon": HORIZON, "discount_rate": DISCOUNT, "draws": 0,
                     "seed": 5},
    }
    info = {"base_T": base_T, "base_total": base_total, "e_none": e_none,
            "e_all": e_all, "V": (1.0 - reduction) * base_total}
    return plan, info


def annual_cost(m):
    return m["capex"] * crf(m["lifetime"]) + m["opex"] if m["capex"] else m["opex"]


def pareto_optimum(plan, info):
    """The exact optimum, independently of the engine's search: streams are
    independent, so each stream's subsets reduce to a Pareto front of
    (cost, emissions in 2035), and the fronts combine stream by stream."""
    ms = plan["measures"]
    v_lim = info["V"] + 1e-9 * max(1.0, info["V"])
    fixed_cost = sum(annual_cost(m) for m in ms if not m["optional"])
    front = [(0.0, 0.0, ())]                   # (cost, emissions, kept ids)
    for k in range(len(STREAMS)):
        here = [j for j, m in enumerate(ms) if stream_of(m) == k]
        fixed = [j for j in here if not ms[j]["optional"]]
        free = [j for j in here if ms[j]["optional"]]
        opts = []
        for bits in itertools.product((0, 1), repeat=len(free)):
            kept = fixed + [j for j, b in zip(free, bits) if b]
            base_only = [0.0] * len(STREAMS)
            base_only[k] = info["base_T"][k]
            e = emissions_T(base_only, ms, kept)
            c = sum(annual_cost(ms[j]) for j, b in zip(free, bits) if b)
            opts.append((c, e, tuple(ms[j]["id"] for j, b in zip(free, bits) if b)))
        merged = sorted((c1 + c2, e1 + e2, i1 + i2)
                        for c1, e1, i1 in front for c2, e2, i2 in opts)
        front, best_e = [], math.inf
        for c, e, ids in merged:              # keep what no cheaper choice beats
            if e < best_e:
                front.append((c, e, ids))
                best_e = e
    ok = [(c, ids) for c, e, ids in front if e <= v_lim]
    c, ids = min(ok) if ok else (math.nan, ())
    return fixed_cost + c, ids


def check(plan, info):
    ms = plan["measures"]
    opt = [j for j, m in enumerate(ms) if m["optional"]]
    mand = [j for j, m in enumerate(ms) if not m["optional"]]
    per_stream = {}
    for j in opt:
        per_stream[stream_of(ms[j])] = per_stream.get(stream_of(ms[j]), 0) + 1
    print(f"  {len(opt)} optional, {len(mand)} mandatory; optional per stream "
          f"{sorted(per_stream.values(), reverse=True)}")
    print(f"  2035: none kept {info['e_none']:.1f} t, all kept {info['e_all']:.1f} t, "
          f"V {info['V']:.1f} t (reduction {plan['target']['reduction']})")
    cost, kept = pareto_optimum(plan, info)
    print(f"  optimum by Pareto fronts over streams: annual cost {cost:.2f} EUR, "
          f"{len(kept)} optional kept: {' '.join(kept)}")
    if len(opt) > 20:
        return
    n_ok = 0
    for bits in itertools.product((0, 1), repeat=len(opt)):
        kept = mand + [j for j, b in zip(opt, bits) if b]
        n_ok += emissions_T(info["base_T"], ms, kept) <= info["V"] + 1e-9 * info["V"]
    print(f"  {n_ok} of {2 ** len(opt)} subsets of the optional measures meet the target")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "data"))
    ap.add_argument("--check", action="store_true",
                    help="print each plan's 2035 figures and count feasible subsets")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    for n in SIZES:
        plan, info = generate(n)
        path = os.path.join(a.out, f"optim{n}.plan.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(plan, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(path)
        if a.check:
            check(plan, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
