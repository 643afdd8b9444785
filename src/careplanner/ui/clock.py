"""The appointment clock: minutes used of 30, and time spent in each step. It informs, never nags."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

APPOINTMENT_MINUTES = 30


class AppointmentClock(QObject):
    """Signals: ticked(str) with the text for the status bar, about every 15 seconds."""

    ticked = Signal(str)

    def __init__(self, now: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._started: float | None = None
        self._step = ""
        self._step_since = 0.0
        self.per_step: dict[str, float] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(15_000)
        self._timer.timeout.connect(self._tick)

    def start(self, step: str) -> None:
        self._started = self._now()
        self.per_step.clear()
        self._step, self._step_since = step, self._started
        self._timer.start()
        self._tick()

    def stop(self) -> None:
        self._started = None
        self._timer.stop()
        self.ticked.emit("")

    def switch(self, step: str) -> None:
        if self._started is None:
            return
        now = self._now()
        self.per_step[self._step] = self.per_step.get(self._step, 0.0) + now - self._step_since
        self._step, self._step_since = step, now
        self._tick()

    def minutes(self) -> int:
        return 0 if self._started is None else int((self._now() - self._started) // 60)

    def step_minutes(self) -> int:
        if self._started is None:
            return 0
        spent = self.per_step.get(self._step, 0.0) + self._now() - self._step_since
        return int(spent // 60)

    def text(self) -> str:
        if self._started is None:
            return ""
        return self.tr("Appointment: {0} of {1} min · this step {2} min").format(
            self.minutes(), APPOINTMENT_MINUTES, self.step_minutes()
        )

    def breakdown(self) -> str:
        """Minutes in each step so far, for the clock's tooltip."""
        if self._started is None:
            return ""
        spent = dict(self.per_step)
        spent[self._step] = spent.get(self._step, 0.0) + self._now() - self._step_since
        return "\n".join(
            f"{key.replace('_', ' ')}: {int(seconds // 60)} min" for key, seconds in spent.items()
        )

    def _tick(self) -> None:
        self.ticked.emit(self.text())
