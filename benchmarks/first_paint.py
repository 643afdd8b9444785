"""Child process for the start-up and memory figures: prints JSON lines with wall-clock times, then exits.

    python benchmarks/first_paint.py bare                      a bare PySide6 window (the floor)
    python benchmarks/first_paint.py careplanner ARGS...       `careplanner ARGS...` (gui, the default)
    python benchmarks/first_paint.py empty-app                 an empty QApplication (memory floor)
    python benchmarks/first_paint.py listed ARGS...            the main window with everyone listed

"first_paint" is when the first window's first paint event arrives (the window is on screen and drawn);
"main_window" when the main window, over the opened store, is shown. `listed` signs in as the benchmark's
administrator and waits until the patient list has loaded, then reports the peak RSS in MB.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any


def _say(**values: Any) -> None:
    print(json.dumps(values), flush=True)


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_mb() -> float:
    """This program's peak resident memory. VmHWM belongs to this executable's memory; ru_maxrss would
    keep the high-water mark of the (large) benchmark process this one was forked from."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """Resident memory now (the peak where /proc is missing)."""
    now = _status_mb("VmRSS")
    return now if now is not None else _peak_mb()


def bare() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    layout = QVBoxLayout(window)
    for widget in (QLabel("Sign in"), QLineEdit(), QLineEdit()):
        layout.addWidget(widget)
    window.resize(1280, 720)

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                _say(first_paint=time.time())
                os._exit(0)
            return False

    painted = Painted()
    window.installEventFilter(painted)
    window.show()
    app.exec()


def careplanner(argv: list[str]) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from careplanner.ui import app_start

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                _say(first_paint=time.time())
                poll.start(5)
            return False

    def main_window() -> None:
        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ == "MainWindow":  # built behind the form: Sign in goes straight in
                _say(main_window=time.time(), peak_mb=_peak_mb())
                os._exit(0)

    painted, poll = Painted(), QTimer()
    poll.timeout.connect(main_window)
    real_init = app_start.StartWindow.__init__

    def init(self: Any, **kwargs: Any) -> None:
        real_init(self, **kwargs)
        self.installEventFilter(painted)

    app_start.StartWindow.__init__ = init  # type: ignore[method-assign]
    from careplanner.__main__ import main

    main(argv)


def empty_app() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication(sys.argv[:1])
    _say(rss_mb=_rss_mb(), peak_mb=_peak_mb())


def listed(argv: list[str]) -> None:
    """The main window over the store, signed in, after the patient list (everyone) has loaded."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from careplanner.ui import app_start

    password = open(argv[argv.index("--password-file") + 1]).read()  # noqa: SIM115
    user = argv[argv.index("--user") + 1]

    def poll() -> None:
        for found in QApplication.topLevelWidgets():
            widget: Any = found
            if isinstance(widget, app_start.StartWindow) and widget.isVisible() and not widget.pending:
                widget.username.setText(user)
                widget.password.setText(password)
                widget.submit()  # as a person would: Sign in on the first window
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                model = widget.people.model
                if model.total and model.rowCount():
                    timer.stop()
                    _say(listed=model.total, rows=model.rowCount(), rss_mb=_rss_mb(), peak_mb=_peak_mb())
                    _say(typing=_typing(widget.people))
                    os._exit(0)

    timer = QTimer()
    timer.timeout.connect(poll)
    real_init = app_start.StartWindow.__init__

    def init(self: Any, **kwargs: Any) -> None:
        real_init(self, **kwargs)
        timer.start(20)

    app_start.StartWindow.__init__ = init  # type: ignore[method-assign]
    from careplanner.__main__ import main

    main(argv)


def _typing(page: Any) -> dict[str, list[float]]:
    """Milliseconds from a search being asked (the debounce over) to its rows painted, per query in
    $BENCH_QUERIES (JSON); each query alternates with an empty box so every run really searches."""
    from PySide6.QtCore import QEventLoop

    queries: dict[str, str] = json.loads(os.environ.get("BENCH_QUERIES", "{}"))
    repeat = int(os.environ.get("BENCH_TYPING_REPEAT", "10"))
    out: dict[str, list[float]] = {}

    def one(text: str) -> float:
        loop = QEventLoop()
        page.model.loaded.connect(loop.quit)
        started = time.perf_counter()
        page.search.setText(text)
        page.run_query()
        loop.exec()
        page.table.viewport().repaint()
        elapsed = (time.perf_counter() - started) * 1000
        page.model.loaded.disconnect(loop.quit)
        return elapsed

    for name, text in queries.items():
        times = []
        for run in range(repeat + 1):
            took = one(text)
            one("")
            if run:  # the first is a warm-up
                times.append(took)
        out[name] = times
    return out


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "bare":
        bare()
    elif mode == "careplanner":
        careplanner(rest)
    elif mode == "empty-app":
        empty_app()
    elif mode == "listed":
        listed(rest)
    else:
        raise SystemExit(f"unknown mode {mode}")
