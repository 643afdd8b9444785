"""The first window: the sign-in form, on screen before the store is opened.

Start-up is fast by design, not by trimming: the process imports Qt and this module only (no SQLAlchemy
ORM, models, migrations, keyring, reportlab or FHIR models), shows the sign-in form, and then opens the
store and loads the services and the main window's modules on a background thread while the person types.
When they are ready the main window is built, hidden; when Sign in is pressed (before or after that) it
takes this window's place and signs in with what was typed, so no keystroke lands in a window that is
going away. The demo store and a first run (no one to sign in yet) show the main window straight away.
The demo has no sign-in: its start window says "Setting up the demo…" while its synthetic people are made
(a few seconds the first time), so the screen is never blank or silent meanwhile.

`StartUp(open_store).run()` runs it: `open_store()` runs on the background thread and returns an
`Opened` (this computer's store, ready) or a server URL (a joined workstation, whose own sign-in follows).
An error there (wrong key, store in use, ...) closes this window and is raised again by `run()`, so the
command line says it as it always has. tests/perf/test_import_weight.py proves what is imported first.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from careplanner.ui import practice_name
from careplanner.ui.style import STYLE_SHEET
from careplanner.ui.text_size import apply_readable_font
from careplanner.ui.window_place import SMALLEST, show_window

log = logging.getLogger("careplanner.ui.start")


@dataclass
class Opened:
    """What the background thread made: the open store's context and, for this computer's own store,
    the practice-server access behind Tools → Practice server… (None for the demo store)."""

    ctx: Any
    access: Any = None


def application() -> QApplication:
    """The QApplication, set up as `careplanner.ui.main.application` sets it up (without importing it)."""
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


class StartWindow(QWidget):
    """The sign-in form shown while the store opens; it looks like the main window's sign-in screen.

    Signals: first_shown() once, when the window is first shown; submitted() when Sign in is pressed.
    """

    first_shown = Signal()
    submitted = Signal()

    def __init__(self, *, demo: bool = False) -> None:
        super().__init__()
        self.demo = demo  # no sign-in: the window says the demo is being set up, with a busy bar
        self._shown_once = False
        self.pending = False  # Sign in was pressed (before the store was open, or since)
        self.ready = False  # the store is open and the main window built, hidden behind this form
        self.setWindowTitle(self.tr("Care Planner"))
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(*SMALLEST)  # as the main window: fits 1366x768 at 150 %
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(460)
        card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        name = practice_name.remembered()  # the store is not open yet: the name seen last time
        self.practice = QLabel(name)
        self.practice.setObjectName("lockPractice")
        self.practice.setWordWrap(True)
        self.practice.setVisible(bool(name))
        self.title = QLabel(self.tr("Sign in to Care Planner"))
        self.title.setObjectName("lockTitle")
        self.title.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.message = QLabel(self.tr("Opening the store…"))
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.button = QPushButton(self.tr("Sign in"))
        self.button.setDefault(True)
        self.busy = QProgressBar()  # moving while the demo is set up (no figure: its length is not known)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Setting up the demo"))
        self.busy.hide()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        inner = QVBoxLayout(card)
        inner.addWidget(self.practice)
        inner.addWidget(self.title)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.busy)
        inner.addWidget(self.button)
        if demo:
            self._setting_up(form)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        geometry = QSettings().value("window/geometry")  # where the main window will open
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)

    def _setting_up(self, form: QFormLayout) -> None:
        """The demo: nobody signs in, so in place of the form a plain message and a busy bar."""
        self.practice.hide()
        self.title.setText(self.tr("Care Planner demo"))
        for row in range(form.rowCount()):
            form.setRowVisible(row, False)
        self.button.hide()
        self.message.setText(
            self.tr(
                "Setting up the demo… Making synthetic people to practise with (no real person's record). "
                "This takes a few seconds the first time."
            )
        )
        self.message.setAccessibleName(self.message.text())
        # Room for every wrapped line: the card is sized for the one-line sign-in message otherwise.
        self.message.setMinimumHeight(self.message.heightForWidth(380) + 4)
        self.busy.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self.demo:
                self.username.setFocus()
            self.first_shown.emit()

    def store_ready(self) -> None:
        """The store is open behind the form: Sign in now goes straight ahead."""
        self.ready = True
        self.message.clear()

    def submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.message.setText(self.tr("Enter your user name and password."))
            return
        self.pending = True
        self.button.setEnabled(False)
        if not self.ready:
            self.message.setText(self.tr("Opening the store… you will be signed in as soon as it is open."))
        self.submitted.emit()

    def hand_over(self, window: QWidget) -> None:
        """Move what was typed to `window`'s sign-in screen; sign in there if Sign in was pressed here."""
        trust = getattr(window, "trust", None)
        screen = getattr(trust, "lock_screen", None)
        if screen is None or not screen.is_showing:
            return  # the demo store: no sign-in
        if self.username.text():
            screen.username.setText(self.username.text())
        screen.password.setText(self.password.text())
        self.password.clear()
        if self.pending:
            screen.submit()
        elif screen.username.text():
            screen.password.setFocus()
        else:
            screen.username.setFocus()


class _Loader(QObject):
    """Runs one callable on a background thread. Signals: done(object), failed(object)."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.result: object = None
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, work: Callable[[], object]) -> None:
        self._thread = threading.Thread(target=self._run, args=(work,), name="careplanner-open", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], object]) -> None:
        try:
            self.result = work()
        except BaseException as exc:  # raised again on the UI thread (see StartUp.run)
            self.error = exc
            self.failed.emit(exc)
        else:
            self.done.emit(self.result)

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()


class StartUp(QObject):
    """The start window, the background open and the hand-over to the main window.

    Signals: window_ready(object) with the main window once it has taken the start window's place.
    """

    window_ready = Signal(object)

    def __init__(self, open_store: Callable[[], object], *, demo: bool = False) -> None:
        super().__init__()
        self.app = application()
        self.start_window = StartWindow(demo=demo)
        self.window: Any = None
        self.opened: Opened | None = None
        self.server_url: str | None = None
        self._entered = False
        self._notices: tuple[str, ...] = ()
        self.loader = _Loader()
        self.loader.done.connect(self._ready)
        self.loader.failed.connect(self._failed)
        self._open_store = open_store
        # Opened only once the form is on screen: nothing heavy runs before the first window.
        self.start_window.first_shown.connect(lambda: QTimer.singleShot(0, self._begin))

    def show(self) -> None:
        show_window(self.start_window)

    def _begin(self) -> None:
        self.loader.start(self._open_store)

    def _ready(self, result: object) -> None:
        if isinstance(result, str):  # a joined workstation: the practice server's sign-in comes next
            self.server_url = result
            self.start_window.close()  # the last window: the loop ends, and the server's sign-in follows
            return
        assert isinstance(result, Opened)
        self.opened = result
        ctx, access = result.ctx, result.access
        if access is not None:
            build = importlib.import_module("careplanner.ui.server_sign_in").build_server_window
            window = build(ctx, access, None)
        else:
            window, _session = importlib.import_module("careplanner.ui.main").build_window(ctx)
        self.window = window
        self.app.aboutToQuit.connect(window.save_now)
        self._notices = tuple(ctx.notices)
        trust = getattr(window, "trust", None)
        if self.start_window.pending or trust is None or ctx.services.auth.needs_first_run():
            self._enter()  # signing in already, or nobody signs in here (the demo, a first run)
        else:
            # The form stays until Sign in: what is being typed stays where it is being typed (a new
            # window taking the keyboard mid-word would lose keystrokes).
            self.start_window.store_ready()
            self.start_window.submitted.connect(self._enter)

    def _enter(self) -> None:
        """The main window takes the form's place (signing in with what was typed, if Sign in was pressed)."""
        window = self.window
        if window is None or self._entered:
            return
        self._entered = True
        show_window(window)  # maximised on the first start, as the form was (ui/window_place.py)
        self.start_window.hand_over(window)
        window.activateWindow()
        self.start_window.close()
        log.info("Main window shown")
        self.window_ready.emit(window)
        for notice in self._notices:  # what the start settled from an earlier crash (services/recovery.py)
            QMessageBox.information(window, window.tr("Care Planner"), notice)

    def _failed(self, _exc: object) -> None:
        self.start_window.close()  # the last window: the loop ends, and run() raises the error

    def run(self) -> int:
        """Show the start window and run the app until its window closes; the exit code."""
        self.show()
        try:
            code = self.app.exec()
        finally:
            self.loader.wait()  # closed before the store was open: let the open finish, then close it
            if self.window is not None:
                self.window.worker.shutdown()
            if self.loader.error is not None:
                raise self.loader.error
        if self.window is None and isinstance(self.loader.result, Opened):
            self.opened = self.loader.result  # the caller closes it
        log.info("Window closed")
        return int(code)
