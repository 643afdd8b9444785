"""`launch(ctx)`: the desktop app's entry point, called by `careplanner gui` and `careplanner demo`."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from careplanner.app import AppContext
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.style import STYLE_SHEET
from careplanner.ui.text_size import apply_readable_font
from careplanner.ui.window_place import show_window

log = logging.getLogger("careplanner.ui")


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("CarePlanner")
    app.setApplicationName("Care Planner")
    if (
        app.styleSheet() != STYLE_SHEET
    ):  # setting it again re-polishes every widget alive: slow, and no change
        app.setStyleSheet(STYLE_SHEET)
    apply_readable_font(app)  # body text 10 pt or the system's larger size (ui/text_size.py)
    return app


def build_window(ctx: AppContext) -> tuple[MainWindow, UserSession]:
    """The main window over the services, with the acting clinician signed in."""
    services = ctx.services
    session = UserSession(services.users.ensure_first_clinician())
    window = MainWindow(services, session)
    if importlib.util.find_spec("careplanner.ui.printing") is not None:
        # Print / Save PDF (the person's copy and the other documents), when printing is in the build.
        window.documents = importlib.import_module("careplanner.ui.printing").install(
            window, services, session
        )
    importlib.import_module("careplanner.ui.record_import").install(window, services, session)  # Import…
    importlib.import_module("careplanner.ui.admin_menu").install(window, services, session)  # directory…
    if importlib.util.find_spec("careplanner.ui.trust") is not None:
        install = getattr(importlib.import_module("careplanner.ui.trust"), "install", None)
        if install is not None:  # sign-in, lock screen and admin tools, when that package is in the build
            install(window, services, session)
    return window, session


def launch(ctx: AppContext) -> int:
    app = application()
    window, _session = build_window(ctx)
    app.aboutToQuit.connect(window.save_now)
    show_window(window)  # maximised on the first start (ui/window_place.py)
    for notice in ctx.notices:  # what the start settled from an earlier crash (services/recovery.py)
        QMessageBox.information(window, window.tr("Care Planner"), notice)
    code = app.exec()
    window.worker.shutdown()
    log.info("Window closed")
    return int(code)
