"""The performance suite: every figure of issue 16 beside its floor, at 1,000, 10,000 and 100,000 people.

    ./scripts/bench.sh                      (= python -m benchmarks.run)
    python -m benchmarks.run --sizes 1000 10000 --repeat 15 --out results.json

The stores are built once per size and cached encrypted (benchmarks/stores.py; $CAREPLANNER_BENCH_CACHE
or ~/.cache/careplanner-bench), so only the first run pays for seeding. Prints, per size, each figure's
median, min and max beside its floor and the ratio, then how each figure grows with practice size, and
writes everything as JSON (default benchmarks/results/latest.json). Numbers, not pass/fail: the tests
assert behaviour; tests/perf/test_bench_smoke.py runs this at tiny sizes so it cannot rot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import figures, procs
from benchmarks.stores import cache_dir, get_store

# Each figure's target (issue 16): (limit, unit, kind) with kind "abs" (value <= limit) or "ratio".
TARGETS: dict[str, tuple[float, str]] = {
    "start-up: first window (sign-in)": (1000.0, "≤ 1.0 s and ≤ 2× floor"),
    "start-up: store open, main window": (1000.0, "— (built behind the form)"),
    "command: export --pdf": (0.0, "≤ 2× floor"),
    "command: check": (0.0, "≤ 2× floor"),
    "command: --version": (0.0, "≤ 2× floor"),
    "search: one word": (2.0, "≤ 2 ms"),
    "search: two words": (2.0, "≤ 2 ms"),
    "search: NHS number": (2.0, "≤ 2 ms"),
    "search: date of birth": (2.0, "≤ 2 ms"),
    "search: one word (rarer)": (2.0, "≤ 2 ms"),
    "typed → painted: one word": (10.0, "≤ 10 ms"),
    "typed → painted: two words": (10.0, "≤ 10 ms"),
    "typed → painted: NHS number": (10.0, "≤ 10 ms"),
    "typed → painted: date of birth": (10.0, "≤ 10 ms"),
    "typed → painted: one word (rarer)": (10.0, "≤ 10 ms"),
    "open a full plan": (100.0, "≤ 100 ms"),
    "autosave a section": (15.0, "≤ 15 ms"),
    "person's copy (PDF)": (250.0, "≤ 250 ms"),
    "bytes per person": (0.0, "≤ 1.1× plain"),
    "memory, everyone listed": (250.0, "≤ 250 MB (resident)"),
}


def run_size(people: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    bench = get_store(people, cache=args.cache)
    out: dict[str, Any] = {"people": people, "build_seconds": bench.build_seconds}
    out.update(procs.startup(bench, env, args.startup_repeat))
    out.update(figures.measure_store(bench, args.repeat))
    out.update(procs.commands(bench, args.cli_repeat, check=people <= args.check_up_to))
    if not args.no_window:
        queries = {k: v["text"] for k, v in out.items() if k.startswith("search:")}
        out.update(procs.in_window(bench, env, queries, out, args.typing_repeat))
    return out


def _cell(entry: dict[str, Any] | None, key: str) -> str:
    if entry is None or entry.get(key) is None:
        return "—"
    t = entry[key]
    digits = 0 if t["median"] >= 100 else 1 if t["median"] >= 10 else 2
    return f"{t['median']:.{digits}f} ({t['low']:.{digits}f}–{t['high']:.{digits}f})"


def print_size(result: dict[str, Any], pdf: dict[str, Any]) -> None:
    print(f"\n{result['people']:,} people (store built in {result['build_seconds']:,.0f} s)")
    print(f"{'figure':36} {'median (min–max)':>24} {'floor median (min–max)':>26} {'ratio':>7}  target")
    rows = {k: v for k, v in result.items() if isinstance(v, dict)}
    rows["person's copy (PDF)"] = pdf
    for name, entry in rows.items():
        ratio = f"{entry['ratio']:.1f}×" if entry.get("ratio") else "—"
        unit = entry.get("unit", "ms")
        target = TARGETS.get(name, (0.0, ""))[1]
        print(
            f"{name:36} {_cell(entry, 'value'):>24} {_cell(entry, 'floor'):>26} {ratio:>7}  {target} [{unit}]"
        )


def print_growth(results: list[dict[str, Any]]) -> None:
    if len(results) < 2:
        return
    sizes = [r["people"] for r in results]
    print("\nGrowth with practice size (median; last column: largest ÷ smallest)")
    print(f"{'figure':36} " + " ".join(f"{s:>12,}" for s in sizes) + f" {'growth':>8}")
    for name in results[0]:
        if not isinstance(results[0][name], dict):
            continue
        values = [r.get(name, {}).get("value", {}).get("median") for r in results]
        if any(v is None for v in values):
            continue
        growth = values[-1] / values[0] if values[0] else float("nan")
        print(f"{name:36} " + " ".join(f"{v:>12.2f}" for v in values) + f" {growth:>7.1f}×")


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=30, help="runs of each in-process figure")
    parser.add_argument("--startup-repeat", type=int, default=7, help="runs of each start-up figure")
    parser.add_argument("--cli-repeat", type=int, default=5, help="runs of each command")
    parser.add_argument("--check-up-to", type=int, default=10_000, help="time `check` up to this size")
    parser.add_argument("--typing-repeat", type=int, default=10, help="runs of each search in the window")
    parser.add_argument(
        "--no-window", action="store_true", help="skip the window's figures (memory, typed → painted)"
    )
    parser.add_argument("--cache", type=Path, default=None, help=f"store cache (default {cache_dir()})")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "latest.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    pdf = figures.figure(figures.Timed(0, 0, 0, 0), None)
    with procs.display() as env:
        pdf = figures.measure_pdf(args.repeat)
        for people in sorted(args.sizes):
            results.append(run_size(people, args, env))
            print_size(results[-1], pdf)
        shown_on = env["BENCH_DISPLAY"]
    print_growth(results)
    seconds = time.perf_counter() - started
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "display": shown_on,
        "seconds": seconds,
        "person's copy (PDF)": pdf,
        "sizes": results,
        "targets": {k: v[1] for k, v in TARGETS.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"\nWindows shown on {shown_on}. {seconds:,.0f} s in all. JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
