#!/usr/bin/env bash
# Writes the benchmark instances (synthetic, outside git) into a folder, default /work/instances:
#   lai-chau-x10  Lai Châu 2023 copied 10 times (940 communes, 10,190 projects; budgets and
#                 commune-count targets ×10)
#   lai-chau-x20  the same ×20 (1,880 communes, 20,380 projects)
#   national      10,000 seeded synthetic communes, about 100,000 projects (the benches'
#                 synthesizer and calibration: seed 2025, density 200 %, budgets 35 % of need)
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
