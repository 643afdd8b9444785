"""The start of the app on a joined workstation: sign in to the practice server, then the main window.

On a joined workstation the plans are the server's, and the server knows each person by their own
account, so the app cannot open anything before someone signs in: this dialog asks for the user name and
password first and opens the server as that person. A server that cannot be reached gets a plain message
and a Retry button (what was typed stays, so Retry tries again at once); never a crash or a traceback.

`run_app(ctx, access, actor)` shows the main window (on the server or this computer's own store) with
Tools → Practice server… and, on a server, its name in the title and the status bar.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.app import AppContext
from careplanner.ui.join_dialog import OutcomeLike, PracticeServerDialog, ServerAccess
from careplanner.ui.window_place import show_window
from careplanner.ui.worker import Worker

log = logging.getLogger("careplanner.ui.server")


class ServerSignInDialog(QDialog):
    """Asks for the user name and password and opens the practice server as that person.

    Accepted once signed in: `outcome.context` is the open server and `outcome.actor` the person.
    """

    def __init__(self, access: ServerAccess, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._access = access
        self._worker = worker
        self.outcome: OutcomeLike | None = None
        self.setWindowTitle(self.tr("Sign in to Care Planner"))
        self.setMinimumWidth(460)
        self.title = QLabel(self.tr("Practice server: {0}").format(access.server_name))
        self.title.setObjectName("lockTitle")
        self.title.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("lockMessage")
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.hide()
        self.quit_button = QPushButton(self.tr("Quit"))
        row = QHBoxLayout()
        row.addWidget(self.sign_in_button)
        row.addWidget(self.retry_button)
        row.addStretch(1)
        row.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.sign_in_button.clicked.connect(self.submit)
        self.retry_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.username.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText(self.tr("Enter your user name and password."))
            (self.password if username else self.username).setFocus()
            return
        for button in (self.sign_in_button, self.retry_button):
            button.setEnabled(False)
        self.message.setText(self.tr("Signing in to the practice server…"))
        access = self._access
        self._worker.submit(lambda: access.sign_in(username, password), self._answered, self._failed)

    def _answered(self, outcome: OutcomeLike) -> None:
        for button in (self.sign_in_button, self.retry_button):
            button.setEnabled(True)
        if outcome.ok:
            self.outcome = outcome
            self.password.clear()
            self.accept()
            return
        # Unreachable: the typed details stay, so Retry tries again as they are.
        self.retry_button.setVisible(outcome.kind == "unreachable")
        self.message.setText(outcome.message)
        if outcome.kind == "sign_in":
            self.password.clear()
            self.password.setFocus()
        elif outcome.kind == "unreachable":
            self.retry_button.setFocus()

    def _failed(self, _exc: BaseException) -> None:
        for button in (self.sign_in_button, self.retry_button):
            button.setEnabled(True)
        self.message.setText(self.tr("Something unexpected went wrong. Nothing was changed."))


def show_server(window: Any, name: str) -> None:
    """Say which practice server the window works on, in the title and the status bar."""
    # The workstation's name too: colleagues' banners say "on ROOM-3", so the window says where it is.
    from careplanner.services.presence import workstation_name

    window.setWindowTitle(
        window.tr("Care Planner — {0} — practice server {1}").format(workstation_name(), name)
    )
    label = QLabel(window.tr("Server: {0}").format(name))
    label.setObjectName("serverLabel")
    label.setAccessibleName(window.tr("Practice server"))
    window.statusBar().addPermanentWidget(label)
    window.server_label = label


def add_practice_server_tools(window: Any, access: ServerAccess) -> None:
    """Tools → Practice server… on this window (see MainWindow.practice_server)."""
    window.practice_server = access
    action = getattr(window, "practice_server_action", None)
    if action is not None:
        action.setVisible(True)


def open_practice_server_dialog(window: Any) -> PracticeServerDialog | None:
    access = getattr(window, "practice_server", None)
    if access is None:
        return None
    dialog = PracticeServerDialog(access, window.worker, window)
    dialog.open()
    return dialog


def build_server_window(ctx: AppContext, access: ServerAccess, actor: Any) -> Any:
    """The main window over `ctx`; on a server, with `actor` (who signed in at the start) signed in."""
    from careplanner.ui.main import build_window

    window, _session = build_window(ctx)
    add_practice_server_tools(window, access)
    if ctx.on_server:
        show_server(window, access.server_name)
        trust = getattr(window, "trust", None)
        if trust is not None and actor is not None:
            trust.lock_screen.uncover()
            trust.lock_screen.signed_in.emit(actor)
    return window


def sign_in_to_server(access: ServerAccess) -> OutcomeLike | None:
    """The sign-in dialog, run until someone signs in (the outcome) or chooses Quit (None)."""
    dialog = ServerSignInDialog(access, Worker())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.outcome


def run_app(ctx: AppContext | None, access: ServerAccess) -> int:
    """The desktop app: on this computer's store (`ctx`), or, with `ctx` None, on the practice server
    after the sign-in dialog. Returns the application's exit code."""
    from careplanner.ui.main import application

    app = application()
    actor: Any = None
    if ctx is None:
        outcome = sign_in_to_server(access)
        if outcome is None or outcome.context is None:
            return 0
        ctx, actor = outcome.context, outcome.actor
    try:
        window = build_server_window(ctx, access, actor)
        app.aboutToQuit.connect(window.save_now)
        show_window(window)  # maximised on the first start (ui/window_place.py)
        for notice in ctx.notices:
            QMessageBox.information(window, window.tr("Care Planner"), notice)
        code = app.exec()
        window.worker.shutdown()
        log.info("Window closed")
        return int(code)
    finally:
        if actor is not None:
            ctx.close()
