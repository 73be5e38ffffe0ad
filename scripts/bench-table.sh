#!/usr/bin/env bash
# Regenerates the README's benchmark table (between the bench-table markers) and
# docs/benchmarks.json: ntm + microlp, ntm + HiGHS and the plain model + HiGHS on the same
# instances in one run. Needs cmake and libclang-dev (HiGHS build), python3 with highspy
# (installed from PyPI when missing) and /usr/bin/time.
# Environment: LIMIT (s per solve, default 60), MEM_GB (default 6), INSTANCES (default
# /work/instances, written by scripts/make-instances.sh when missing), ROWS (subset, e.g.
# "lai-chau,lang-son"; a subset leaves the README alone).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTANCES="${INSTANCES:-/work/instances}"
cargo build -q --release --features highs --bin ntm
if [ ! -d "$INSTANCES/lai-chau-x10" ] || [ ! -d "$INSTANCES/national" ]; then
  FEATURES=highs scripts/make-instances.sh "$INSTANCES"
fi
python3 -c 'import highspy' 2>/dev/null || python3 -m pip install -q highspy
NTM="$PWD/target/release/ntm" python3 scripts/bench_table.py
