"""Keep Python 3.11's `None` alive under PySide6 6.12.

PySide6 6.12 returns `None` from every void Qt call without taking a reference to it. From Python 3.12
`None` is immortal and that is harmless; on 3.11 each call lowers None's reference count by one, and after
some hundreds of thousands of calls the interpreter aborts with "Fatal Python error: none_dealloc" (seen
here after about 7,000 `processEvents()` calls in a fresh process). Until the app runs on Python 3.12+,
a one-second timer tops the count back up. On 3.12 and later this module does nothing.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, QTimer

_FLOOR = 10_000_000
_TOP_UP = 100_000_000
NEEDED = sys.version_info < (3, 12) and sys.implementation.name == "cpython"


def top_up() -> None:
    """Raise None's reference count well above anything a session can drop."""
    if NEEDED and sys.getrefcount(None) < _FLOOR:
        # ob_refcnt is the first field of every CPython object; None is never freed, so this is safe.
        ctypes.c_ssize_t.from_address(id(None)).value += _TOP_UP


def install(parent: QObject) -> QTimer | None:
    """Top up now and every second for as long as `parent` lives."""
    if not NEEDED:
        return None
    top_up()
    timer = QTimer(parent)
    timer.setInterval(1000)
    timer.timeout.connect(top_up)
    timer.start()
    return timer
