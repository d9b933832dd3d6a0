#!/usr/bin/env bash
# The time-limited routing tables of benchmarks/README.md, engines side by side.
#
# Run from the repository root on an IDLE 2-core machine (the tables' times are
# per instance and wall-clock: anything else running shortens the runs' CPU
# time, and the README says so from the load average recorded with each run).
# About 1 h 50 min with --jobs 2 (126 Solomon runs x 30 s, 70 CVRP X x 60 s,
# 12 GH x 120 s, 12 MTVRPTWR x 60 s, 12 HFVRP x 30 s, 20 Kim x 60 s).
# Resumable: rerun it after an interruption and it continues where it stopped.
#
# Usage: benchmarks/run_routing_tables.sh [countyopt command, default "countyopt"]
# It ends by regenerating benchmarks/README.md (python -m optimizer.bench.readme).
#
# A smoke test of the whole pipeline (2 instances per command, 3 s per run,
# results and README in a scratch folder):
#   mkdir -p /tmp/smoke && cp benchmarks/README.in.md /tmp/smoke/ &&
#   SMOKE=1 OUT=/tmp/smoke/results TEMPLATE=/tmp/smoke/README.in.md \
#       benchmarks/run_routing_tables.sh
set -euo pipefail
CLI=${1:-countyopt}
OUT=${OUT:-benchmarks/results}
TEMPLATE=${TEMPLATE:-benchmarks/README.in.md}
# With SMOKE=1 every command runs its first 2 instances for 3 s (later options win).
EXTRA=()
if [ "${SMOKE:-0}" = 1 ]; then EXTRA=(--first 2 --time-limit 3); fi
SETS="solomon100_30s cvrp_x_60s gh1000_120s mtvrptwr_60s hfvrp_30s kim_60s"

# Records made before runs carried their command, commit and machine (and
# their plan) are replaced, not resumed: their runs are made again.
for d in $SETS; do
    f=$OUT/$d/results.jsonl
    if [ -f "$f" ] && ! head -n 1 "$f" | grep -q '"commit"'; then
        rm -f "$f" "$OUT/$d"/summary.* "$OUT/$d"/engines.csv "$OUT/$d"/gap_vs_time.png
    fi
done

# shellcheck disable=SC2086  # CLI may be a command with arguments ("python cli.py")
run() { $CLI bench "$@" --jobs 2 --keep best "${EXTRA[@]}"; }

run solomon100 --engine pyvrp --time-limit 30 --out $OUT/solomon100_30s
run solomon100 --engine ortools --time-limit 30 --out $OUT/solomon100_30s
run solomon100 --every 4 --engine ortools-plain --time-limit 30 --out $OUT/solomon100_30s

run cvrp_x --max-n 400 --engine pyvrp --time-limit 60 --out $OUT/cvrp_x_60s
run cvrp_x --max-n 400 --engine ortools --time-limit 60 --out $OUT/cvrp_x_60s
run cvrp_x --max-n 400 --every 3 --engine ortools-plain --time-limit 60 --out $OUT/cvrp_x_60s

run gh1000 --every 3 --engine pyvrp --engine ortools --engine ortools-plain \
    --time-limit 120 --out $OUT/gh1000_120s

run mtvrptwr --every 10 --engine ortools --engine pyvrp --engine ortools-plain \
    --time-limit 60 --out $OUT/mtvrptwr_60s

run hfvrp --max-n 400 --every 5 --engine pyvrp --engine ortools --engine ortools-plain \
    --time-limit 30 --out $OUT/hfvrp_30s

run kim --engine auto --engine ortools --time-limit 60 --out $OUT/kim_60s

python -m optimizer.bench.readme "$TEMPLATE" "$(dirname "$TEMPLATE")/README.md"
