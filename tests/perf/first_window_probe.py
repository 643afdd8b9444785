"""Run `careplanner ARGS...` in this interpreter and report, as JSON on stdout, which heavy modules were
imported when the first window was shown, and whether the main window then took its place.

Used by tests/perf/test_import_weight.py in a fresh interpreter (sys.modules starts empty of ours).
"""

from __future__ import annotations

import json
import os
import sys
import time

HEAVY = ("sqlalchemy.orm", "reportlab", "fhir.resources", "careplanner.models", "sqlcipher3", "keyring")


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from careplanner.ui import app_start

    report: dict[str, object] = {"started": time.time()}
    real_show_event = app_start.StartWindow.showEvent

    def spy(self: app_start.StartWindow, event: object) -> None:
        if "at_first_window" not in report:
            report["at_first_window"] = [m for m in HEAVY if m in sys.modules]
            report["first_window_s"] = time.time() - report["started"]  # type: ignore[operator]
            report["typed_in_start_window"] = self.username.isVisible()
            poll.start(20)
        real_show_event(self, event)  # type: ignore[arg-type]

    def main_window_up() -> None:
        start = next(w for w in QApplication.topLevelWidgets() if isinstance(w, app_start.StartWindow))
        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ != "MainWindow":
                continue
            if not widget.isVisible() and "built_behind_form" not in report:
                # The store is open and the main window built, hidden: the form is still where one types.
                report["built_behind_form"] = start.isVisible()
                report["after_main_window"] = [m for m in HEAVY if m in sys.modules]
                start.username.setText(os.environ["PROBE_USER"])
                start.password.setText(os.environ["PROBE_PASSWORD"])
                start.submit()
            elif widget.isVisible():
                report["main_window"] = True
                trust = getattr(widget, "trust", None)
                report["signed_in"] = bool(trust and not trust.lock_screen.is_showing)
                poll.stop()
                QApplication.quit()

    poll = QTimer()
    poll.timeout.connect(main_window_up)
    app_start.StartWindow.showEvent = spy  # type: ignore[method-assign]
    from careplanner.__main__ import main as careplanner_main

    report["exit"] = careplanner_main(argv)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
