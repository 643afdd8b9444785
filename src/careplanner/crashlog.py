"""Crash handling: sort failures into problems a person can act on and bugs, and log bugs safely.

A traceback's frames (file, line, function) say where a bug is without saying anything about a patient;
an exception's *message* might quote a name or an NHS number from a value that failed, and local
variables certainly can. So the crash log keeps the exception's type and frames only, and the message
only for our own errors, whose messages are written to be free of patient data.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from careplanner.services.errors import ServiceError
from careplanner.store.errors import StoreError

log = logging.getLogger("careplanner.crash")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


_PR_SET_DUMPABLE = 4  # from <linux/prctl.h>


def disable_core_dumps() -> None:
    """Switch off core dumps for this process, before any key is derived or record read.

    A core file (or systemd-coredump's copy) would hold the store key and decrypted records in plain
    bytes. RLIMIT_CORE 0 stops the kernel writing one; on Linux PR_SET_DUMPABLE 0 also stops a core
    handler (a pipe in core_pattern, as systemd-coredump uses) and other users' ptrace. Best effort: a
    failure is logged, never fatal. (Windows Error Reporting is not covered here.)"""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        log.debug("Could not switch off core dumps (RLIMIT_CORE)")
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
                log.debug("Could not mark the process as not dumpable")
        except (OSError, AttributeError):
            log.debug("Could not mark the process as not dumpable")


def _server_problem(exc: BaseException) -> StoreError | None:
    """A practice-server driver error in plain words (unreachable, busy, certificate, sign-in), if it is."""
    driver = getattr(exc, "orig", None) or exc
    if not type(driver).__module__.startswith("psycopg"):
        return None
    from careplanner.server.store import classify as classify_server

    return classify_server(exc)


def known_problem(exc: BaseException) -> StoreError | ServiceError | None:
    """The plain-English problem behind `exc` (disk full, read-only, ...), or None for a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StoreError | ServiceError):
            return current
        from careplanner.store.engine import classify  # late: `careplanner --help` needs no ORM

        found = classify(current) or _server_problem(current)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def safe_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The exception's type and where it happened; its message only if it is one of ours."""
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    name = f"{exc_type.__module__}.{exc_type.__qualname__}"
    if isinstance(exc, StoreError | ServiceError):
        lines.append(f"{name}: {exc}")
    else:
        lines.append(f"{name} (message withheld: it may quote patient data)")
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc:
        lines.append(f"caused by {type(cause).__module__}.{type(cause).__qualname__}")
    return "\n".join(lines)


def log_crash(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("Unexpected error\n%s", safe_report(exc_type, exc, tb))


def install_excepthook(show: Callable[[str, bool], None] | None = None) -> ExceptHook:
    """Log every uncaught exception safely; `show(message, is_bug)` tells the person (the GUI's dialog).

    Returns the previous hook so a caller (or a test) can put it back.
    """
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        problem = known_problem(exc)
        if problem is not None:
            log.warning("Stopped: %s", problem)
            if show is not None:
                show(str(problem), False)
            return
        log_crash(exc_type, exc, tb)
        if show is not None:
            show(
                "Care Planner met a problem it did not expect. What you had saved is safe. "
                "The details (with no patient information) are in the log file.",
                True,
            )
        else:
            print(
                "careplanner: an unexpected problem occurred; details are in the log file.",
                file=sys.stderr,
            )

    sys.excepthook = hook
    return previous
