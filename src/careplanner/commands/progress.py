"""Progress on stderr and a safe Ctrl+C for the long commands: check, backup, restore, report.

Progress shows when stderr is a terminal (one line, rewritten: "Checking… 40%") or when `--progress` is
given (one line per stage or each further 10%, for a log). Stdout stays the command's result alone.

Ctrl+C does not kill the command mid-write: it asks the operation to stop at its next safe point, where
the store and any target file are exactly as they were, and the command exits 130 saying so. An
operation already past its point of no return finishes (and says so) instead.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from careplanner.services.progress import Watch


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show progress on stderr even when it is not a terminal (it shows anyway on a terminal)",
    )


class StderrProgress:
    """Shows reports as a rewritten line on a terminal, or as plain lines with --progress."""

    def __init__(self, label: str, stream: TextIO, *, terminal: bool) -> None:
        self._label = label
        self._stream = stream
        self._terminal = terminal
        self._shown: tuple[int, str] | None = None
        self._open_line = False

    def __call__(self, fraction: float, stage: str) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if self._shown is not None:
            last_percent, last_stage = self._shown
            if self._terminal and (percent, stage) == self._shown:
                return
            if not self._terminal and stage == last_stage and percent < min(100, last_percent + 10):
                return
        self._shown = (percent, stage)
        text = f"{self._label}… {percent}%  {stage}"
        if self._terminal:
            self._stream.write("\r\x1b[K" + text)
            self._open_line = True
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def end(self) -> None:
        if self._open_line:
            self._stream.write("\n")
            self._stream.flush()
            self._open_line = False


@contextmanager
def watched(args: argparse.Namespace, label: str, stream: TextIO | None = None) -> Iterator[Watch]:
    """A Watch for one long command: progress on stderr when wanted, and Ctrl+C asking it to stop."""
    out = stream if stream is not None else sys.stderr
    terminal = out.isatty()
    display = StderrProgress(label, out, terminal=terminal) if terminal or args.progress else None
    watch = Watch(display)

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        if display is not None:
            display.end()
        if not watch.stopping:
            out.write("Stopping safely: nothing will be changed…\n")
            out.flush()
        watch.stop()

    # Signal handlers belong to the main thread; elsewhere (an embedding app) Ctrl+C is not ours to take.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if main else None
    try:
        yield watch
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
        if display is not None:
            display.end()
    if watch.stopping:
        out.write("Ctrl+C came after the point of no return, so it finished.\n")
