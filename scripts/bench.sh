#!/bin/sh
# The performance suite (issue 16): every figure beside its floor at 1,000, 10,000 and 100,000 people.
# The stores are built once and cached encrypted ($CAREPLANNER_BENCH_CACHE, else ~/.cache/careplanner-bench).
# Any option goes to benchmarks/run.py, e.g. ./scripts/bench.sh --sizes 1000 10000 --repeat 15
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec nice -n "${BENCH_NICE:-0}" "$PYTHON" -m benchmarks.run "$@"
