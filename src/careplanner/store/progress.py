"""Progress and safe stopping for long operations on the store: check, backup, restore, the report.

A long operation reports `progress(fraction, stage)` (fraction 0..1, a plain stage name). The caller's
callback may stop it by raising `CancelledError` - which an operation only lets happen where stopping leaves
the store and any target file exactly as they were: each operation calls `progress` only before its point
of no return, and its last call (fraction 1.0) comes after it has finished. `Watch` is the callback the
command line (Ctrl+C) and the app (a Cancel button) use: `stop()` from any thread or a signal handler,
and the next report below 1.0 raises `CancelledError`.

Inside one long SQL statement (the SQLCipher export of a backup, SQLite's integrity check) `ticking`
reports through SQLite's progress handler and stops the statement there; SQLite then rolls back what
that statement started, and the operation's own clean-up removes any partial file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from careplanner.store.errors import StoreError

# Fraction done (0..1) and a plain stage name.
Progress = Callable[[float, str], None]

# SQLite virtual-machine steps between two calls of the progress handler (a few milliseconds of work).
STEPS = 20_000


class CancelledError(StoreError):
    """The person asked to stop, and the operation stopped at a point where nothing had changed."""

    exit_code = 130
    message = "Stopped before the end, as asked. Nothing was changed."


def no_progress(_fraction: float, _stage: str) -> None:
    return None


class Watch:
    """A progress callback that also carries a request to stop.

    `show` (optional) receives every report; `latest` holds the last one, for a UI timer to read from
    another thread. Thread-safe: `stop()` may be called from a signal handler or the UI thread while the
    operation runs on another.
    """

    def __init__(self, show: Progress | None = None) -> None:
        self._stop = threading.Event()
        self._show = show
        self.latest: tuple[float, str] = (0.0, "")

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def __call__(self, fraction: float, stage: str) -> None:
        if fraction < 1.0 and self._stop.is_set():
            raise CancelledError()
        self.latest = (fraction, stage)
        if self._show is not None:
            self._show(fraction, stage)


@contextmanager
def ticking(
    conn: Any,
    progress: Progress,
    span: tuple[float, float],
    stage: str,
    done: Callable[[int], float],
    *,
    every: float = 0.1,
) -> Iterator[None]:
    """Report progress from inside the SQL statements run in this block on the DB-API `conn`.

    `done(steps)` estimates the share of the block's work finished (0..1) from the virtual-machine steps
    run so far (or from anything else it can see); it is mapped into `span` of the
    whole operation. When `progress` raises `CancelledError`, the running statement is interrupted and the
    `CancelledError` (not SQLite's "interrupted" error) leaves this block.
    """
    start, end = span
    stopped: list[CancelledError] = []
    last = [time.monotonic()]
    calls = [0]

    watch = progress if isinstance(progress, Watch) else None  # a Watch can say at once it must stop

    def handler() -> int:
        calls[0] += 1
        now = time.monotonic()
        if now - last[0] < every and not (watch is not None and watch.stopping):
            return 0
        last[0] = now
        try:
            progress(start + (end - start) * min(1.0, max(0.0, done(calls[0] * STEPS))), stage)
        except CancelledError as exc:
            stopped.append(exc)
            return 1
        return 0

    progress(start, stage)  # each span starts with a report: a safe point to stop before the statement
    conn.set_progress_handler(handler, STEPS)
    try:
        yield
    except Exception:
        if stopped:
            raise stopped[0] from None
        raise
    finally:
        conn.set_progress_handler(None, 0)
    if stopped:
        raise stopped[0]


def file_share(path: Any, expected: int) -> Callable[[int], float]:
    """Share done, judged by how big a file being written has grown against the size it will reach."""

    def share(_steps: int) -> float:
        try:
            return float(path.stat().st_size) / max(1, expected)
        except OSError:
            return 0.0

    return share


def step_share(expected_steps: int) -> Callable[[int], float]:
    """Share done, judged by the steps run against an estimate of the statement's steps.

    The estimate may be off, so past 90% the share creeps towards 1 without reaching it."""

    def share(steps: int) -> float:
        ratio = steps / max(1, expected_steps)
        return ratio if ratio < 0.9 else 1.0 - 0.1 * (0.9 / ratio)

    return share
