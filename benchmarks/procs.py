"""The figures that need a process of their own: start-up, a command, memory.

Start-up runs under Xvfb (a real X server, the xcb platform) when Xvfb is installed, else offscreen; the
floor (a bare PySide6 window) runs the same way in the same run, so the ratio holds either way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.figures import Timed, figure
from benchmarks.stores import BenchStore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = str(HERE / "first_paint.py")


@contextmanager
def display() -> Iterator[dict[str, str]]:
    """Environment for a window: a private Xvfb if there is one, else Qt's offscreen platform."""
    xvfb = shutil.which("Xvfb")
    # The window's settings (size, list filter) from a folder of its own: every run starts from the defaults.
    settings = tempfile.mkdtemp(prefix="bench-settings-")
    base = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": settings}
    if xvfb is None:
        try:
            yield {**base, "QT_QPA_PLATFORM": "offscreen", "BENCH_DISPLAY": "offscreen"}
        finally:
            shutil.rmtree(settings, ignore_errors=True)
        return
    number = 90 + os.getpid() % 50
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        for _ in range(200):
            if socket.exists():
                break
            time.sleep(0.02)
        env = {**base, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb", "BENCH_DISPLAY": "Xvfb"}
        probe = subprocess.run([sys.executable, PROBE, "bare"], env=env, capture_output=True, timeout=60)
        if probe.returncode != 0:  # no xcb libraries: offscreen, said in the results
            env = {**base, "QT_QPA_PLATFORM": "offscreen", "BENCH_DISPLAY": "offscreen (xcb failed)"}
        yield env
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(settings, ignore_errors=True)


def _lines(argv: list[str], env: dict[str, str], timeout: float = 300) -> tuple[float, list[dict[str, Any]]]:
    started = time.time()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    found = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if not found:
        raise RuntimeError(f"{argv[2:3]} gave nothing: {proc.stderr[-1500:]}")
    return started, found


def startup(bench: BenchStore | None, env: dict[str, str], repeat: int) -> dict[str, dict[str, Any]]:
    """Process start → first window painted, beside a bare PySide6 window; and → main window shown."""
    floor, first, main = [], [], []
    for _ in range(repeat):
        started, found = _lines([sys.executable, PROBE, "bare"], env)
        floor.append((found[0]["first_paint"] - started) * 1000)
        if bench is None:
            continue
        args = ["--data-dir", str(bench.data_dir), "--passphrase-file", str(bench.passphrase_file)]
        started, found = _lines([sys.executable, PROBE, "careplanner", *args], env)
        times = {k: v for line in found for k, v in line.items()}
        first.append((times["first_paint"] - started) * 1000)
        main.append((times["main_window"] - started) * 1000)
    floor_t = Timed.of(floor)
    out: dict[str, dict[str, Any]] = {}
    if first:
        out["start-up: first window (sign-in)"] = figure(
            Timed.of(first), floor_t, display=env["BENCH_DISPLAY"]
        )
        out["start-up: store open, main window"] = figure(
            Timed.of(main), floor_t, display=env["BENCH_DISPLAY"]
        )
    return out


def careplanner_cmd() -> list[str]:
    return [sys.executable, "-m", "careplanner"]


def _wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return (time.perf_counter() - started) * 1000


def commands(bench: BenchStore, repeat: int, *, check: bool) -> dict[str, dict[str, Any]]:
    """Commands as a person runs them (own process, signed in), beside `python -c "import careplanner"`."""
    import sqlite3

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    floor = Timed.of([_wall([sys.executable, "-c", "import careplanner"], env) for _ in range(repeat)])
    conn = sqlite3.connect(bench.plain_file)
    nhs = conn.execute(
        "SELECT nhs_number FROM person WHERE last_agreed_on IS NOT NULL AND nhs_number IS NOT NULL "
        "ORDER BY id LIMIT 1"
    ).fetchone()[0]
    conn.close()
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "copy.pdf"
        export = [*careplanner_cmd(), *bench.cli(), "export", "--nhs-number", nhs, "--pdf", str(pdf)]
        out["command: export --pdf"] = figure(Timed.of([_wall(export, env) for _ in range(repeat)]), floor)
        version = [*careplanner_cmd(), "--version"]
        out["command: --version"] = figure(Timed.of([_wall(version, env) for _ in range(repeat)]), floor)
        if check:
            run = [*careplanner_cmd(), *bench.cli(), "check"]
            out["command: check"] = figure(
                Timed.of([_wall(run, env) for _ in range(max(1, repeat // 2))]), floor
            )
    return out


def in_window(
    bench: BenchStore, env: dict[str, str], queries: dict[str, str], floors: dict[str, Any], repeat: int
) -> dict[str, dict[str, Any]]:
    """Memory of the app with everyone listed (beside an empty QApplication), and search as you type in
    the window: the search asked → its rows painted (beside the same query in raw SQLite)."""
    _started, empty = _lines([sys.executable, PROBE, "empty-app"], env)
    typing_env = {**env, "BENCH_QUERIES": json.dumps(queries), "BENCH_TYPING_REPEAT": str(repeat)}
    _started, found = _lines([sys.executable, PROBE, "listed", *bench.cli()], typing_env, timeout=600)
    out: dict[str, dict[str, Any]] = {"memory, everyone listed": _memory(found[0], empty[0])}
    for name, times in found[1]["typing"].items():
        floor = floors.get(name, {}).get("floor")
        floor_t = Timed(**floor) if floor else None
        out[name.replace("search:", "typed → painted:")] = figure(Timed.of(times), floor_t)
    return out


def _memory(got: dict[str, Any], bare: dict[str, Any]) -> dict[str, Any]:
    value = Timed(got["rss_mb"], got["rss_mb"], got["rss_mb"], 1)
    floor = Timed(bare["rss_mb"], bare["rss_mb"], bare["rss_mb"], 1)
    # The peak includes unlocking a passphrase store: scrypt with N=2^17, r=8 holds 128 MiB for ~0.5 s.
    return {**figure(value, floor), "unit": "MB", "listed": got["listed"], "peak_mb": got["peak_mb"]}
