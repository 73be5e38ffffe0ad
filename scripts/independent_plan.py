#!/usr/bin/env python3
"""An independent model of `ntm plan` for one-year scenarios, written from the scenario files
alone (scenario.toml, communes.csv, projects.csv and the catalog's gates), solved by HiGHS
(`pip install highspy`). It shares no code with ntm: a check of ntm's optimum, not of its
formulation.

    python3 scripts/independent_plan.py scenarios/lai-chau-2023 [max-standard|max-criteria|min-cost|least-state-at N]

The model: x_p binary per project open in the year (not `must = skip`); money f_ps >= 0 per
eligible source with sum_s f_ps = cost_p x_p; sum_p f_ps <= budget_s; counterpart rows
f_local >= ratio * sum f_of. Criterion y_ck <= sum of its gains funded (1 when met at baseline);
standard z_c <= y_ck for every k (the catalog's gates c_k -> standard); at-least-m w_cm with
m w_cm <= sum_k y_ck; advanced-set criterion a_ck <= sum of its advanced-level gains (`aN:`).
Targets: criterion, advanced criterion, standard tier, bands read cumulatively (a band of N
needs N + the higher bands' targets + the standard target when the top band has none),
average criteria as the least total that rounds to it. A target above what funding every
project reaches is capped there (as ntm reports it out of reach). Prints the optimum.
"""

import csv
import math
import sys
import tomllib
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

import highspy

STATE = {"central-investment", "central-recurrent", "central-carryover", "local",
         "state-budget", "integrated"}


def main():
    folder = Path(sys.argv[1])
    objective = sys.argv[2] if len(sys.argv) > 2 else "max-standard"
    scen = tomllib.loads((folder / "scenario.toml").read_text())
    (year,) = scen["years"]
    communes = list(csv.DictReader(open(folder / scen.get("communes", "communes.csv"))))
    cid = {c["id"]: i for i, c in enumerate(communes)}
    crit = list(range(1, 20))
    met = [{k for k in crit if c.get(f"c{k}") == "1"} for c in communes]
    adv_met = [{k for k in crit if c.get(f"a{k}") == "1"} for c in communes]
    projects = []
    for p in csv.DictReader(open(folder / scen.get("projects", "projects.csv"))):
        if p.get("must") == "skip" or not (int(p["year_from"]) <= year <= int(p["year_to"])):
            continue
        gains = []
        for part in p["gains"].split(";"):
            key, frac = part.split(":")
            level = "a" if key.startswith("a") else "c"
            gains.append((level, int(key[1:]), float(frac)))
        projects.append((p["id"], cid[p["commune"]], p["category"], float(p["cost"]), gains,
                         p.get("must") == "fund"))
    sources = scen["capital_sources"]

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    nvar = [0]
    cost_obj = {}

    def var(lo, hi, integer, obj=0.0):
        h.addVar(lo, hi)
        i = nvar[0]
        nvar[0] += 1
        if integer:
            h.changeColIntegrality(i, highspy.HighsVarType.kInteger)
        if obj:
            cost_obj[i] = obj
        return i

    def row(lo, hi, terms):
        idx = [t[0] for t in terms]
        val = [t[1] for t in terms]
        h.addRow(lo, hi, len(idx), idx, val)

    x = [var(0, 1, True) for _ in projects]
    spend = {s["id"]: [] for s in sources}
    for j, (_, _, cat, cost, _, must) in enumerate(projects):
        terms = [(x[j], -cost)]
        for s in sources:
            if cat in s["categories"] or "*" in s["categories"]:
                state = s["kind"] in STATE
                wanted = objective in ("min-cost", "least-state-at") and state
                f = var(0, inf, False, 1.0 if wanted else 0.0)
                terms.append((f, 1.0))
                spend[s["id"]].append(f)
        row(0, 0, terms)
        if must:
            row(1, 1, [(x[j], 1.0)])
    for s in sources:
        b = float(s["budget"][str(year)].replace(".", "").replace(",", "."))
        if spend[s["id"]]:
            row(-inf, b, [(f, 1.0) for f in spend[s["id"]]])
    for rule in scen.get("counterpart", []):
        ratio = float(rule["ratio"].replace(",", "."))
        terms = [(f, 1.0) for f in spend[rule["source"]]]
        for o in rule["of"]:
            terms += [(f, -ratio) for f in spend[o]]
        row(0, inf, terms)

    n = len(communes)
    y = {}
    a = {}
    for c in range(n):
        for k in crit:
            v = var(0, 1, True)
            y[c, k] = v
            if k not in met[c]:
                terms = [(v, 1.0)]
                for j, p in enumerate(projects):
                    if p[1] == c:
                        terms += [(x[j], -min(g, 1.0)) for lv, kk, g in p[4] if lv == "c" and kk == k]
                row(-inf, 0, terms)
            v = var(0, 1, True)
            a[c, k] = v
            if k not in adv_met[c]:
                terms = [(v, 1.0)]
                for j, p in enumerate(projects):
                    if p[1] == c:
                        terms += [(x[j], -min(g, 1.0)) for lv, kk, g in p[4] if lv == "a" and kk == k]
                row(-inf, 0, terms)
    z = []
    for c in range(n):
        v = var(0, 1, True, 0.0)
        for k in crit:
            row(-inf, 0, [(v, 1.0), (y[c, k], -1.0)])
        z.append(v)
    w = {}

    def at_least(c, m):
        if (c, m) not in w:
            v = var(0, 1, True)
            row(-inf, 0, [(v, float(m))] + [(y[c, k], -1.0) for k in crit])
            w[c, m] = v
        return w[c, m]

    # What funding every project reaches (the caps).
    def reach_count(level, k):
        count = 0
        for c in range(n):
            have = (k in met[c]) if level == "c" else (k in adv_met[c])
            tot = sum(g for p in projects if p[1] == c for lv, kk, g in p[4] if lv == level and kk == k)
            count += have or tot >= 1 - 1e-9
        return count

    bands = {"19": 19, "15-18": 15, "10-14": 10, "5-9": 5, "0-4": 0}
    targets = [t for t in scen.get("targets", []) if t["year"] == year]
    band_targets = {t["band"]: t["communes"] for t in targets if "band" in t}
    standard_target = max([t["communes"] for t in targets if t.get("tier") == "standard"], default=0)
    for t in targets:
        if "criterion" in t:
            level = "a" if t.get("level") == "advanced" else "c"
            need = min(t["communes"], reach_count(level, t["criterion"]))
            vs = a if level == "a" else y
            row(need, inf, [(vs[c, t["criterion"]], 1.0) for c in range(n)])
        elif t.get("tier") == "standard":
            row(t["communes"], inf, [(v, 1.0) for v in z])
        elif "band" in t:
            m = bands[t["band"]]
            need = t["communes"] + sum(v for b, v in band_targets.items() if bands[b] > m)
            if "19" not in band_targets:
                need += standard_target
            row(need, inf, [(at_least(c, m), 1.0) for c in range(n)])
        elif "average_criteria" in t:
            avg = Decimal(t["average_criteria"].replace(",", "."))
            total = 0
            while (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) < avg:
                total += 1
            row(total, inf, [(y[c, k], 1.0) for c in range(n) for k in crit])
    if objective == "max-standard":
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for v in z:
            h.changeColCost(v, 1.0)
    elif objective == "least-state-at":
        # The tie-break's first stage: least state money among plans with at least N communes
        # at standard (N = the fourth argument).
        row(float(sys.argv[3]), inf, [(v, 1.0) for v in z])
        for i, cst in cost_obj.items():
            h.changeColCost(i, cst)
    elif objective == "max-criteria":
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for v in y.values():
            h.changeColCost(v, 1.0)
    else:
        for i, cst in cost_obj.items():
            h.changeColCost(i, cst)
    h.run()
    print(objective, h.getModelStatus(), h.getInfo().objective_function_value)
    sol = h.getSolution().col_value
    reached = {}
    for t in targets:
        if "criterion" in t and t.get("level") == "advanced":
            k = t["criterion"]
            got = sum(round(sol[a[c, k]]) for c in range(n))
            reached[k] = (got, t["communes"], reach_count("a", k))
    print("advanced targets (reached by this plan, target, most any plan reaches):", reached)


if __name__ == "__main__":
    main()
