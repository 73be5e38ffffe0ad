#!/usr/bin/env python3
"""Solves an LP file with HiGHS (highspy, `pip install highspy`) and prints one JSON line:
status, objective, HiGHS's dual bound and MIP gap, and solve time. The benchmark table's
"plain model + HiGHS" column (scripts/bench-table.sh). Usage: solve_lp.py FILE [TIME_LIMIT [GAP]]"""
import json
import sys
import time

import highspy


def main():
    path = sys.argv[1]
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # As ntm's HiGHS backend: one thread, fixed seed, default gaps.
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", limit)
    if len(sys.argv) > 3:
        h.setOptionValue("mip_rel_gap", float(sys.argv[3]))
    start = time.monotonic()
    h.readModel(path)
    read = time.monotonic() - start
    h.run()
    total = time.monotonic() - start
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has_solution = info.primal_solution_status == 2
    print(json.dumps({
        "status": status,
        "objective": info.objective_function_value if has_solution else None,
        "bound": info.mip_dual_bound,
        "gap": info.mip_gap,
        "read_s": round(read, 3),
        "total_s": round(total, 3),
    }))


if __name__ == "__main__":
    main()
