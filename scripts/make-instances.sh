#!/usr/bin/env bash
# Writes the benchmark instances (synthetic, outside git) into a folder, default /work/instances:
#   lai-chau-x10  Lai Châu 2023 copied 10 times (940 communes, 10,190 projects; budgets and
#                 commune-count targets ×10)
#   lai-chau-x20  the same ×20 (1,880 communes, 20,380 projects)
#   national      10,000 seeded synthetic communes, about 100,000 projects (the benches'
#                 synthesizer and calibration: seed 2025, density 200 %, budgets 35 % of need)
# and, with FAMILIES=1, the seeded families (each SEEDS seeds, default 1..5; costs of each copy
# ×[0.7, 1.3] and budgets ×[1.0, 1.1], see benches/instance/replicate.rs):
#   province-sK   Lai Châu ×10, perturbed (940 communes)
#   merged-sK     Lai Châu ×35, perturbed (3,290 communes: the national count after the 2025
#                 mergers)
#   old-sK        Lai Châu ×106, perturbed (9,964 communes: the national count before them)
#   synthetic-3300-sK / synthetic-10000-sK  the benches' synthesizer with seed K
# Usage: scripts/make-instances.sh [OUT_DIR]   (CARGO_PROFILE=release|dev, default release;
# FEATURES=highs reuses a `--features highs` build)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/work/instances}"
profile="${CARGO_PROFILE:-release}"
mkdir -p "$out"
cargo build -q --profile "$profile" --features "${FEATURES:-}" --example make_instance
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
bin="target/$dir/examples/make_instance"
"$bin" replicate scenarios/lai-chau-2023 "$out/lai-chau-x10" 10 lai-chau-x10
"$bin" replicate scenarios/lai-chau-2023 "$out/lai-chau-x20" 20 lai-chau-x20
"$bin" synthetic "$out/national" 10000 2025 200 0.35
if [ "${FAMILIES:-0}" = 1 ]; then
  for k in ${SEEDS:-1 2 3 4 5}; do
    "$bin" replicate scenarios/lai-chau-2023 "$out/province-s$k" 10 "province-s$k" "$k"
    "$bin" replicate scenarios/lai-chau-2023 "$out/merged-s$k" 35 "merged-s$k" "$k"
    "$bin" replicate scenarios/lai-chau-2023 "$out/old-s$k" 106 "old-s$k" "$k"
    "$bin" synthetic "$out/synthetic-3300-s$k" 3300 "$k" 200 0.35
    "$bin" synthetic "$out/synthetic-10000-s$k" 10000 "$k" 200 0.35
  done
fi
