#!/usr/bin/env bash
# Siting and carbon tables of benchmarks/README.md (minutes, not hours).
# Run from the repository root; the sets live in ../shared/data (--data-dir).
# Usage: benchmarks/run_fast_tables.sh [countyopt command, default "countyopt"]
# Then: python -m optimizer.bench.readme   (regenerates benchmarks/README.md)
set -euo pipefail
CLI=${1:-countyopt}
OUT=benchmarks/results
# shellcheck disable=SC2086
nice -n 10 $CLI bench holmberg --engine scip --time-limit 60 --jobs 1 --keep best --out $OUT/holmberg_60s
# shellcheck disable=SC2086
nice -n 10 $CLI bench pmed --engine scip --engine highs --time-limit 60 --jobs 1 --keep best --out $OUT/pmed_60s
# shellcheck disable=SC2086
nice -n 10 $CLI bench cap --engine scip --time-limit 60 --jobs 1 --keep best --out $OUT/cap_60s
D=../shared/data/siting
# shellcheck disable=SC2086
nice -n 10 $CLI bench $D/holmberg_sscflp/p30 $D/holmberg_sscflp/p31 $D/holmberg_sscflp/p32 --engine scip --time-limit 300 --jobs 1 --keep best --out $OUT/siting_hard_300s
# shellcheck disable=SC2086
nice -n 10 $CLI bench $D/pmed/pmed16.txt $D/pmed/pmed17.txt --engine scip --time-limit 300 --jobs 1 --keep best --out $OUT/siting_hard_300s
# shellcheck disable=SC2086
nice -n 10 $CLI bench osemosys --engine highs --engine cbc --time-limit 60 --jobs 1 --keep best --out $OUT/osemosys_60s
