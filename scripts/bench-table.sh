#!/usr/bin/env bash
# Regenerates the README's benchmark table (between the bench-table markers) and
# docs/benchmarks.json: ntm + microlp, ntm + HiGHS and the plain model + HiGHS on the same
# instances in one run. Needs cmake and libclang-dev (HiGHS build), python3 with highspy
# (installed from PyPI when missing) and /usr/bin/time.
# Environment: LIMIT, GAP (override every row's own time limit and gap: issue 10's goals), MEM_GB (default 6), INSTANCES (default
# /work/instances, written by scripts/make-instances.sh when missing), ROWS (subset, e.g.
# "lai-chau,lang-son"; a subset leaves the README alone), NTM_HIGHS_FEATURE (default `highs`,
# which compiles HiGHS; `highs-prebuilt` links PyPI's highsbox, see scripts/highs-prebuilt.sh,
# and pins highspy to the same version so both columns use one HiGHS).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTANCES="${INSTANCES:-/work/instances}"
feature="${NTM_HIGHS_FEATURE:-highs}"
if [ "$feature" = highs-prebuilt ]; then
  eval "$(scripts/highs-prebuilt.sh)"
  version=$(python3 -c 'import importlib.metadata as m; print(m.version("highsbox"))')
  python3 -m pip install -q "highspy==$version"
fi
export NTM_HIGHS_FEATURE="$feature"
cargo build -q --release --features "$feature" --all-targets
if [ ! -d "$INSTANCES/lai-chau-x10" ] || [ ! -d "$INSTANCES/national" ]; then
  FEATURES="$feature" scripts/make-instances.sh "$INSTANCES"
fi
python3 -c 'import highspy' 2>/dev/null || python3 -m pip install -q highspy
NTM="$PWD/target/release/ntm" python3 scripts/bench_table.py
