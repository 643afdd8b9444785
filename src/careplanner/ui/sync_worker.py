"""The background sync of a replica workstation: push soon after each save, pull every few seconds and
when the practice server announces a change, never on the UI thread.

Sync cycles (sync/engine.py: push, then pull) run on a thread of their own — a second `Worker`, so a slow
or unreachable server never holds up an autosave queued on the app's database worker, and an autosave
never waits for the network. One cycle at a time: a request that comes while one runs starts one more
when it ends. After each cycle the replica's status (connected, waiting, conflicts) is read on the same
thread and handed to the UI thread by the Worker's queue, then emitted.

Signals: status_changed(object) — a SyncStatus after each cycle; pulled() — a cycle brought documents
from the server (lists on screen may be out of date).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from careplanner.sync.status import SyncStatus
from careplanner.ui.worker import Worker

log = logging.getLogger("careplanner.ui.sync")

PULL_EVERY_MS = 5000
PUSH_AFTER_SAVE_MS = 400
DRAIN_MS = 200


class Engine(Protocol):
    def cycle(self) -> Any: ...

    def status(self) -> SyncStatus: ...


class Listening(Protocol):
    def start(self) -> None: ...

    def stop(self, wait: bool = True) -> None: ...


@dataclass(frozen=True)
class CycleOutcome:
    status: SyncStatus
    pulled: int  # documents the cycle brought from the server (0 when unknown or none)


def _pulled(report: Any) -> int:
    """How many documents a CycleReport (sync/engine.py) says the pull wrote into the replica; a history
    change (a rebuild or reconcile) counts as something new to show."""
    pull = getattr(report, "pull", None)
    written = getattr(pull, "written", 0)
    if getattr(report, "history_changed", False):
        return max(int(written or 0), 1)
    return int(written or 0)


class SyncWorker(QObject):
    status_changed = Signal(object)
    pulled = Signal()

    def __init__(
        self,
        engine: Engine,
        *,
        listen: Callable[[Callable[[Any], None]], Listening | None] | None = None,
        pull_every_ms: int = PULL_EVERY_MS,
        push_after_ms: int = PUSH_AFTER_SAVE_MS,
        runner: Worker | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self.runner = runner or Worker(parent=self)  # its own thread (see the module's docstring)
        self.running = False
        self._again = False
        self._stopped = False
        self.status: SyncStatus | None = None
        self.cycles = 0
        self._every = QTimer(self)
        self._every.setInterval(pull_every_ms)
        self._every.timeout.connect(self.sync_now)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(push_after_ms)
        self._soon.timeout.connect(self.sync_now)
        # The server's announcements (LISTEN on a thread of its own): a change elsewhere → pull now. Made
        # on the sync thread after the first cycle that reached the server (making it connects).
        self._heard: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._listen = listen
        self._listener: Listening | None = None
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self._drain_heard)

    def start(self) -> None:
        self._stopped = False
        self._every.start()
        if self._listen is not None:
            self._drain.start()
        self.sync_now()

    def nudge(self, *_args: object) -> None:
        """Something was saved here: push it soon (a burst of autosaves makes one cycle)."""
        if not self._stopped:
            self._soon.start()

    def sync_now(self) -> None:
        if self._stopped:
            return
        if self.running:
            self._again = True
            return
        self.running = True
        self.runner.submit(self._cycle, self._done, self._failed)

    def _cycle(self) -> CycleOutcome:
        """On the sync thread (touches no Qt object): one cycle, the status, and the listener once the
        server has been reached."""
        outcome = _cycle(self._engine)
        if self._listener is None and self._listen is not None and outcome.status.connected:
            try:
                self._listener = self._listen(self._heard.put)
                if self._listener is not None:
                    self._listener.start()
            except Exception as exc:  # pulls every few seconds still bring changes
                log.info("Could not listen for the server's announcements: %s", type(exc).__name__)
        return outcome

    def _done(self, outcome: CycleOutcome) -> None:
        self.running = False
        self.cycles += 1
        self.status = outcome.status
        self.status_changed.emit(outcome.status)
        if outcome.pulled:
            self.pulled.emit()
        self._next()

    def _failed(self, exc: BaseException) -> None:
        # Even the replica could not be read: say so plainly, keep trying on the timer.
        self.running = False
        log.error("Sync status could not be read: %s", type(exc).__name__)
        status = SyncStatus(False, None, 0, 0, None, self.tr("this computer's copy could not be read"))
        self.status = status
        self.status_changed.emit(status)
        self._next()

    def _next(self) -> None:
        if self._again and not self._stopped:
            self._again = False
            self.sync_now()

    def _drain_heard(self) -> None:
        heard = False
        while True:
            try:
                event = self._heard.get_nowait()
            except queue.Empty:
                break
            if getattr(event, "kind", "") in ("changes", "connected"):
                heard = True
        if heard:
            self.sync_now()

    def stop(self) -> None:
        """Stop the timers and the listener, and wait for a cycle in flight to end."""
        self._stopped = True
        for timer in (self._every, self._soon, self._drain):
            timer.stop()
        self.runner.shutdown()  # a cycle in flight ends first (it may have just made the listener)
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


def _cycle(engine: Engine) -> CycleOutcome:
    """On the sync thread: one cycle, then the replica's status. A server that cannot be reached is an
    ordinary outcome (the engine records it and the status says Offline), never an error here."""
    report: Any = None
    try:
        report = engine.cycle()
    except Exception as exc:  # the engine's own record of the failure is in its status
        log.info("Sync cycle did not complete: %s", type(exc).__name__)
    return CycleOutcome(engine.status(), _pulled(report))
