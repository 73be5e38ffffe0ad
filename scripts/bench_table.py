#!/usr/bin/env python3
"""Regenerates the README's benchmark table: every instance and objective solved, in one run on
one machine, by ntm with microlp, ntm with HiGHS, and the plain one-binary-per-project model
(`ntm plan --export-lp FILE --plain`) with the same HiGHS (highspy). Wall time and peak memory
come from /usr/bin/time -v around each process.

Run through scripts/bench-table.sh, which builds ntm (release, --features highs) and the
instances first. Environment: NTM (the binary), INSTANCES (folder of make-instances.sh),
LIMIT (seconds per solve; default each row's goal in issue 10), GAP (relative gap at which every
solver may stop; default each row's goal), MEM_GB (address-space cap per process, default 6),
ROWS (comma-separated row names to run, default all), README (file whose table to replace).
"""
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import highspy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NTM = os.environ.get("NTM", os.path.join(ROOT, "target/release/ntm"))
INSTANCES = os.environ.get("INSTANCES", "/work/instances")
# Seconds per solve and the relative gap at which every solver may stop (ntm `--gap`, HiGHS
# `mip_rel_gap`; None: prove optimal): each row's goal unless LIMIT / GAP override them all.
LIMIT = os.environ.get("LIMIT")
GAP = os.environ.get("GAP")
MEM_GB = float(os.environ.get("MEM_GB", "6"))
FEATURE = os.environ.get("NTM_HIGHS_FEATURE", "highs")
HIGHS = highspy.Highs().version()
README = os.environ.get("README", os.path.join(ROOT, "README.md"))
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
FAMILY_START, FAMILY_END = "<!-- bench-families:start -->", "<!-- bench-families:end -->"
# Seeded instance families (scripts/make-instances.sh with FAMILIES=1): (family, label, folder
# prefix, time limit): issue 22's goals (the province proven in 10 s; the national sizes within
# 0.5 % in 60 s, tie-break included). FAMILIES (comma-separated names) picks which to run,
# SEEDS (default "1 2 3 4 5") the seeds, FAMILY_OBJECTIVES the objectives and FAMILY_SOLVERS
# (default "microlp,highs,plain") the solvers.
FAMILY_ROWS = [
    ("province", "Lai Châu ×10, perturbed (940 communes)", "province-s", 10),
    ("merged", "Lai Châu ×35, perturbed (3,290 communes: after the 2025 mergers)", "merged-s", 60),
    ("old", "Lai Châu ×106, perturbed (9,964 communes: before the mergers)", "old-s", 60),
    ("synthetic-3300", "synthetic, 3,300 communes", "synthetic-3300-s", 60),
    ("synthetic-10000", "synthetic, 10,000 communes", "synthetic-10000-s", 60),
]

# (row name, label, scenario folder, objectives, time limit, gap): the limits and gaps are issue
# 10's goals (Lạng Sơn proven optimal in 5 s; the region within 0.1 % in 10 s; the national
# instance within 0.5 % in 60 s).
ROWS = [
    ("lai-chau", "Lai Châu 2023 (94 communes, 1,019 projects)",
     os.path.join(ROOT, "scenarios/lai-chau-2023"), ["max-standard", "min-cost", "max-criteria"],
     10, "0.001"),
    ("lang-son", "Lạng Sơn 2022", os.path.join(ROOT, "scenarios/lang-son-2022"), ["max-criteria"],
     5, None),
    ("lai-chau-x10", "Lai Châu ×10 (940 communes, 10,190 projects; `plan_region`)",
     os.path.join(INSTANCES, "lai-chau-x10"), ["max-standard", "min-cost", "max-criteria"],
     10, "0.001"),
    ("national", "national (10,000 communes, 101,692 projects; `plan_national`)",
     os.path.join(INSTANCES, "national"), ["max-standard"], 60, "0.005"),
]


def limits(row):
    """The row's time limit (s) and gap (text or None), LIMIT / GAP overriding them."""
    limit = float(LIMIT) if LIMIT else float(row[4])
    gap = GAP if GAP is not None else row[5]
    return limit, (gap or None)


def timed(cmd, timeout):
    """Runs cmd under /usr/bin/time -v with an address-space cap; returns (stdout, seconds, MB,
    note)."""
    cap = int(MEM_GB * 1024 * 1024)
    shell = f"ulimit -v {cap}; exec /usr/bin/time -v " + " ".join(f"'{c}'" for c in cmd)
    start = time.monotonic()
    try:
        done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start, None, f"killed after {timeout:.0f} s"
    wall = time.monotonic() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)",
                        done.stderr)
    if elapsed:
        parts = [float(p) for p in elapsed.group(1).split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    mb = int(rss.group(1)) / 1024 if rss else None
    note = None
    if done.returncode != 0:
        last = [l for l in done.stderr.splitlines() if l.strip() and "\t" not in l][-1:]
        note = f"exit {done.returncode}" + (f": {last[0][:80]}" if last else "")
    return done.stdout, wall, mb, note


def ntm_solve(folder, objective, solver, limit, gap, tie_break=False):
    cmd = [NTM, "plan", folder, "--objective", objective, "--solver", solver,
           "--time-limit", str(limit), "--json"] + ([] if tie_break else ["--no-tie-break"])
    if gap:
        cmd += ["--gap", gap]
    out, wall, mb, note = timed(cmd, timeout=limit * 6 + 120)
    result = {"wall": wall, "mb": mb, "note": note}
    try:
        data = json.loads(out)
        plan = data.get("plan", data)
        result.update(status=plan.get("status"), objective=plan.get("objective"),
                      bound=plan.get("bound"), gap=plan.get("gap"))
    except (TypeError, ValueError):
        result["status"] = None
    return result


def plain_solve(folder, objective, work, limit, gap):
    lp = os.path.join(work, f"plain-{os.path.basename(folder)}-{objective}.lp")
    export = subprocess.run([NTM, "plan", folder, "--objective", objective, "--export-lp", lp,
                             "--plain"], capture_output=True, text=True)
    if export.returncode != 0:
        return {"status": None, "note": "export failed: " + export.stderr.strip()[-80:],
                "wall": 0, "mb": None}
    solver = os.path.join(ROOT, "scripts/solve_lp.py")
    out, wall, mb, note = timed([sys.executable, solver, lp, str(limit)] + ([gap] if gap else []),
                                timeout=limit * 2 + 120)
    result = {"wall": wall, "mb": mb, "note": note}
    try:
        data = json.loads(out.strip().splitlines()[-1])
        status = {"Optimal": "optimal", "Infeasible": "infeasible",
                  "Time limit reached": "feasible"}.get(data["status"], data["status"])
        if status == "feasible" and data["objective"] is None:
            status = "no plan"
        result.update(status=status, objective=data["objective"], bound=data["bound"],
                      gap=data["gap"] if data["objective"] is not None else None)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        result["status"] = None
    os.remove(lp)
    return result


def number(x):
    if x is None:
        return "–"
    if abs(x - round(x)) < 1e-6:
        return f"{round(x):,}"
    return f"{x:,.2f}"


def cell(r):
    if r.get("status") is None:
        return f"failed ({r.get('note') or 'no output'}), {r['wall']:.1f} s"
    text = f"{r['status']} {number(r.get('objective'))}"
    gap = r.get("gap")
    if r["status"] != "optimal" and r.get("bound") is not None and gap is not None:
        text += f" (bound {number(r['bound'])}, gap {gap * 100:.2f} %)"
    elif r["status"] == "optimal" and gap:
        text += f" (gap {gap * 100:.3f} %)"
    text += f", {r['wall']:.1f} s"
    if r.get("mb") is not None:
        text += f", {r['mb']:,.0f} MB"
    return text


def machine():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    cpus = re.search(r"^CPU\(s\):\s*(\d+)", lscpu, re.M)
    with open("/proc/meminfo") as f:
        kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
    load = os.getloadavg()[0]
    return (f"{model.group(1).strip() if model else platform.processor()}, "
            f"{cpus.group(1) if cpus else os.cpu_count()} CPUs, {kb / 1024 / 1024:.0f} GiB, "
            f"load average {load:.1f} at the start (shared machine: times are upper bounds)")


def write_between(start, end, table):
    """Replaces the README's text between the markers `start` and `end` with `table`."""
    if not os.path.exists(README):
        return
    with open(README) as f:
        text = f.read()
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        with open(README, "w") as f:
            f.write(before + start + "\n" + table + end + after)
        print(f"updated {README}", file=sys.stderr)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return None if n == 0 else (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2)


def summary(runs):
    """One cell for a solver over the seeds: statuses, median and worst gap (worst seed named),
    median and worst wall time, largest memory."""
    statuses = {}
    for _, r in runs:
        statuses[r.get("status") or "failed"] = statuses.get(r.get("status") or "failed", 0) + 1
    text = ", ".join(f"{n}× {s}" for s, n in sorted(statuses.items()))
    # A proven optimum without a stated gap has gap 0.
    gaps = [(0.0 if r.get("gap") is None and r.get("status") == "optimal" else r.get("gap"), k)
            for k, r in runs]
    known = [(g, k) for g, k in gaps if g is not None]
    if known:
        worst = max(known)
        text += (f"; gap median {median([g for g, _ in known]) * 100:.2f} %, worst "
                 f"{worst[0] * 100:.2f} % (seed {worst[1]})")
    if len(known) < len(runs):
        text += f"; no gap on {len(runs) - len(known)}"
    walls = [r["wall"] for _, r in runs]
    text += f"; {median(walls):.1f} s median, {max(walls):.1f} s worst"
    mbs = [r["mb"] for _, r in runs if r.get("mb") is not None]
    if mbs:
        text += f", ≤ {max(mbs):,.0f} MB"
    return text


def families():
    """The families' table: for each family and objective, each solver over the seeds."""
    wanted = os.environ.get("FAMILIES")
    seeds = os.environ.get("SEEDS", "1 2 3 4 5").split()
    objectives = os.environ.get("FAMILY_OBJECTIVES",
                                "max-standard,max-criteria,min-cost").split(",")
    solvers = os.environ.get("FAMILY_SOLVERS", "microlp,highs,plain").split(",")
    where = machine()
    header = (f"Measured by `FAMILIES=… scripts/bench-table.sh` on {time.strftime('%Y-%m-%d')}: "
              f"{where}. Release build with `--features {FEATURE}`, HiGHS {HIGHS}; seeds "
              f"{', '.join(seeds)} of each family; the tie-break stages included (ntm's default), "
              f"the family's time limit for the whole command, {MEM_GB:.0f} GB address-space "
              "cap per process. A gap is the plan's against its proven bound (for a plan short "
              "of its targets, `infeasible`, the shortfall's); the worst seed is named.\n")
    names = {"microlp": "ntm + microlp", "highs": "ntm + HiGHS", "plain": "plain model + HiGHS"}
    lines = [header, "| family | objective | limit | " + " | ".join(names[s] for s in solvers)
             + " |", "|---|---|---|" + "---|" * len(solvers)]
    results = []
    with tempfile.TemporaryDirectory() as work:
        for name, label, prefix, limit in FAMILY_ROWS:
            if wanted and name not in wanted.split(","):
                continue
            folders = [(k, os.path.join(INSTANCES, prefix + k)) for k in seeds]
            if not all(os.path.isdir(f) for _, f in folders):
                print(f"skipping {name}: instances missing (FAMILIES=1 scripts/make-instances.sh)",
                      file=sys.stderr)
                continue
            for objective in objectives:
                cells = []
                for solver in solvers:
                    runs = []
                    for k, folder in folders:
                        if solver == "plain":
                            r = plain_solve(folder, objective, work, limit, None)
                        else:
                            r = ntm_solve(folder, objective, solver, limit, None, tie_break=True)
                        print(f"{name} s{k} {objective} {solver}: {cell(r)}", file=sys.stderr,
                              flush=True)
                        runs.append((k, r))
                        results.append({"family": name, "seed": k, "objective": objective,
                                        "solver": solver, "limit": limit, **r})
                    cells.append(summary(runs))
                line = f"| {label} | {objective} | {limit} s | " + " | ".join(cells) + " |"
                print(line, flush=True)
                lines.append(line)
    raw = os.path.join(ROOT, "docs/benchmarks-families.json")
    if os.environ.get("APPEND") and os.path.exists(README) and os.path.exists(raw):
        # Rows added to the table and the raw figures of an earlier run (e.g. other objectives
        # for the national families), whose header and machine line stay.
        with open(README) as f:
            old = f.read().split(FAMILY_START, 1)[1].split(FAMILY_END, 1)[0].strip("\n")
        lines = old.splitlines() + lines[3:]
        with open(raw) as f:
            earlier = json.load(f)
        results = earlier["results"] + results
        where = earlier["machine"] + "; appended: " + where
    table = "\n".join(lines) + "\n"
    with open(raw, "w") as f:
        json.dump({"machine": where, "results": results}, f, indent=1)
        f.write("\n")
    write_between(FAMILY_START, FAMILY_END, table)
    print(table)


def main():
    if os.environ.get("FAMILIES"):
        families()
        return
    wanted = os.environ.get("ROWS")
    where = machine()
    rows = [r for r in ROWS if not wanted or r[0] in wanted.split(",")]
    header = (f"Measured by `scripts/bench-table.sh` on {time.strftime('%Y-%m-%d')}: "
              f"{where}. Release build with `--features {FEATURE}`, HiGHS {HIGHS}; "
              "every solver gets the row's time limit and may stop at the row's gap (issue 10's "
              f"goal for that instance)"
              + f", {MEM_GB:.0f} GB address-space cap per process; wall time and peak memory of the whole process (`/usr/bin/time -v`). "
              "The plain model is the one-binary-per-project model "
              "(`ntm plan --export-lp FILE --plain`) solved by the same HiGHS (highspy, one "
              "thread), its time including reading the LP file.\n")
    lines = [header, "| instance | objective | limit, gap | ntm + microlp | ntm + HiGHS | plain model + HiGHS |",
             "|---|---|---|---|---|---|"]
    results = []
    with tempfile.TemporaryDirectory() as work:
        for row in rows:
            name, label, folder, objectives = row[:4]
            limit, gap = limits(row)
            goal = f"{limit:g} s, " + (f"{float(gap) * 100:g} %" if gap else "proven")
            if not os.path.isdir(folder):
                print(f"skipping {name}: {folder} missing (scripts/make-instances.sh)",
                      file=sys.stderr)
                continue
            for objective in objectives:
                micro = ntm_solve(folder, objective, "microlp", limit, gap)
                highs = ntm_solve(folder, objective, "highs", limit, gap)
                plain = plain_solve(folder, objective, work, limit, gap)
                line = (f"| {label} | {objective} | {goal} | {cell(micro)} | {cell(highs)} "
                        f"| {cell(plain)} |")
                print(line, flush=True)
                lines.append(line)
                results.append({"instance": name, "objective": objective, "limit": limit,
                                "gap": gap, "microlp": micro, "highs": highs, "plain": plain})
    table = "\n".join(lines) + "\n"
    with open(os.path.join(ROOT, "docs/benchmarks.json"), "w") as f:
        json.dump({"machine": where, "results": results}, f, indent=1)
        f.write("\n")
    if not wanted:
        write_between(START, END, table)
    print(table)


if __name__ == "__main__":
    main()
