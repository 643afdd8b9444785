"""The long operations at practice scale: check, backup, restore and the practice report.

    .venv/bin/python benchmarks/bench_scale.py --people 100000 [--work DIR]

Seeds a synthetic practice with `careplanner seed` (about 12 minutes for 100,000 people; with --work an
existing store there is reused), then runs each command as a person would - its own process, signed in -
and prints wall time and peak memory (max RSS of that process) beside the figures the reliability report
measured at 100,000 people before this work. Numbers, not pass/fail: the tests assert behaviour (a
bounded report, progress, safe cancelling), this reports speed. Synthetic people only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

from careplanner.app import open_context
from careplanner.config import resolve_paths
from careplanner.services.auth import AuthService

PASSPHRASE = b"correct horse battery staple"
BACKUP_PASSPHRASE = b"benchmark backup passphrase, synthetic"
PASSWORD = "a long synthetic account password"
# Measured at 100,000 people by the reliability report (shared/reports/reliability.md), before this work.
BEFORE_100K = {"check": "153 s", "backup": "130 s", "restore": "315 s", "report": "286 s, 701 MB"}


def careplanner() -> list[str]:
    found = shutil.which("careplanner", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "careplanner"]


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Run one command; its wall time (s), peak memory (MB) and exit code.

    GNU time, where there is one, measures the command alone (a child forked from this Python process
    would count this process's memory too, until it execs)."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapper = [gnu_time, "-f", "%M", "-o", rss.name] if gnu_time else []
        proc = subprocess.Popen([*wrapper, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        text = rss.read().strip().splitlines()
    peak_kb = int(text[-1]) if gnu_time and text and text[-1].isdigit() else usage.ru_maxrss
    return wall, peak_kb / 1024, os.waitstatus_to_exitcode(status)


def add_accounts(data_dir: Path) -> None:
    ctx = open_context(resolve_paths(data_dir), passphrase=PASSPHRASE, create=False)
    try:
        auth = AuthService(
            ctx.store.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        if ctx.services.users.by_username("bench-admin") is None:
            if auth.needs_first_run():
                auth.create_first_admin(username="bench-admin", display_name="Bench Admin", password=PASSWORD)
            else:
                raise SystemExit("This store has accounts already; give an empty --work folder.")
    finally:
        ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--work", help="folder for the store (reused when it holds one)")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "store"
    secrets = {"pp": PASSPHRASE, "bp": BACKUP_PASSPHRASE, "pw": PASSWORD.encode()}
    for name, value in secrets.items():
        (work / name).write_bytes(value)
        (work / name).chmod(0o600)
    base = [*careplanner(), "--data-dir", str(data), "--passphrase-file", str(work / "pp")]
    user = ["--user", "bench-admin", "--password-file", str(work / "pw")]
    rows: list[tuple[str, float, float, int]] = []
    if not (data / "careplanner.db").exists():
        rows.append(("seed", *timed([*base, "seed", "--patients", str(args.people)])))
    add_accounts(data)
    backup = work / "bench.cpbackup"
    backup.unlink(missing_ok=True)
    bp = ["--backup-passphrase-file", str(work / "bp")]
    rows.append(("check", *timed([*base, "check"])))
    rows.append(("report", *timed([*base, *user, "report", "--out", str(work / "report.pdf")])))
    rows.append(("backup", *timed([*base, *user, "backup", str(backup), *bp])))
    rows.append(("restore", *timed([*base, *user, "restore", str(backup), *bp])))
    size = (data / "careplanner.db").stat().st_size / 1e6
    print(f"Synthetic practice: {args.people:,} people, store {size:,.0f} MB, in {work}")
    print(f"{'command':10s} {'wall':>9s} {'peak RSS':>10s}  exit  before (100,000 people)")
    for name, wall, rss, code in rows:
        before = BEFORE_100K.get(name, "")
        print(f"{name:10s} {wall:8.1f}s {rss:8.0f} MB  {code:4d}  {before}")
    return 0 if all(code == 0 for *_r, code in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
