"""One worker thread for database work, so typing never waits on the disk.

Service calls are queued on a single thread (the store is one SQLite file: one writer at a time is
what it wants anyway). Finished calls wait in a thread-safe queue that a 10 ms UI-thread timer drains
while anything is pending, so the worker thread never touches Qt (emitting Qt signals that carry Python
objects from a plain Python thread corrupted reference counts under load). Tests build the worker with
`inline=True`, which runs each call at once on the calling thread.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger("careplanner.ui.worker")

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Worker(QObject):
    """Runs callables one at a time off the UI thread.

    Signals: failed(str) — a call failed and nobody handled it (a plain message for the status bar);
    busy_changed(bool); account_inactive(str, str) — a call was refused because the account it acted for
    has been switched off (that account's id and the plain message), whoever handled the failure.
    """

    failed = Signal(str)
    account_inactive = Signal(str, str)
    busy_changed = Signal(bool)

    def __init__(self, *, inline: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inline = inline
        self._pool = None if inline else ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._pending = 0
        self._closed = False
        self._done: queue.SimpleQueue[tuple[Any, BaseException | None, tuple[Done | None, Failed | None]]]
        self._done = queue.SimpleQueue()
        self._poll = QTimer(self)
        self._poll.setInterval(10)
        self._poll.timeout.connect(self._drain)

    @property
    def inline(self) -> bool:
        return self._inline

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(
        self, call: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> None:
        """Run `call` on the worker; `on_done(result)` or `on_error(exc)` then run on the UI thread.

        After `shutdown` (the app is closing, every queued call has finished) a late timer's call is dropped:
        nothing is left to save by then, and the thread pool can no longer run it."""
        if self._closed:
            log.warning("A background task came after shutdown and was not run")
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        if self._pool is None:
            try:
                result: Any = call()
            except Exception as exc:
                self._deliver(None, exc, (on_done, on_error))
            else:
                self._deliver(result, None, (on_done, on_error))
            return
        future = self._pool.submit(call)
        future.add_done_callback(lambda f: self._finished(f, on_done, on_error))
        if not self._poll.isActive():
            self._poll.start()

    def _finished(self, future: Future[Any], on_done: Done | None, on_error: Failed | None) -> None:
        """On the worker thread: queue the outcome for the UI thread (no Qt calls here)."""
        exc = future.exception()
        self._done.put((None if exc else future.result(), exc, (on_done, on_error)))

    def _drain(self) -> None:
        while True:
            try:
                result, exc, callbacks = self._done.get_nowait()
            except queue.Empty:
                break
            self._deliver(result, exc, callbacks)
        if self._pending == 0:
            self._poll.stop()

    def _deliver(
        self, result: Any, exc: BaseException | None, callbacks: tuple[Done | None, Failed | None]
    ) -> None:
        self._pending -= 1
        on_done, on_error = callbacks
        try:
            if exc is not None:
                _tell_if_inactive(self, exc)
                if on_error is not None:
                    on_error(exc)
                else:
                    log.error("A background task failed: %s", type(exc).__name__)
                    self.failed.emit(self._plain_message(exc))
            elif on_done is not None:
                on_done(result)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def _plain_message(self, exc: BaseException) -> str:
        from careplanner.services.presence import unreachable

        if _is_plain(exc):
            return str(exc)
        if unreachable(exc):
            return self.tr("The practice server cannot be reached. Nothing you typed has been lost.")
        return self.tr("Something went wrong saving.")

    def wait(self) -> None:
        """Block until every queued call has finished, then deliver their results (used at close)."""
        if self._pool is None:
            return
        self._pool.submit(lambda: None).result()
        self._drain()

    def shutdown(self) -> None:
        self.wait()
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def _tell_if_inactive(worker: Worker, exc: BaseException) -> None:
    from careplanner.services.errors import AccountInactiveError

    if isinstance(exc, AccountInactiveError):
        worker.account_inactive.emit(exc.user_id, str(exc))


def _is_plain(exc: BaseException) -> bool:
    from careplanner.services.errors import ServiceError

    return isinstance(exc, ServiceError)
