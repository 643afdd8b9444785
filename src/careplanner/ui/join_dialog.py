"""Tools → Practice server…: join this workstation to the practice server, test the connection, or leave.

The dialog asks for the server's address, the practice CA certificate (a file from the practice's IT),
and the person's own user name and password, which are used only to check they can sign in there and
are never kept. Every problem is a plain message (cannot reach the server, certificate not accepted,
user name or password not right); never a traceback. The work runs on the worker, off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.ui.worker import Worker


class OutcomeLike(Protocol):
    """What the practice server access returns (server/workstation.py Outcome)."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def context(self) -> Any: ...
    @property
    def actor(self) -> Any: ...


class ServerAccess(Protocol):
    """The app's way to the practice server (server/workstation.py PracticeServerAccess)."""

    @property
    def server_name(self) -> str: ...
    def saved(self) -> Any: ...
    def test(self, url: str, ca_file: str, username: str, password: str) -> OutcomeLike: ...
    def join(self, url: str, ca_file: str, username: str, password: str) -> OutcomeLike: ...
    def leave(self) -> OutcomeLike: ...
    def sign_in(self, username: str, password: str) -> OutcomeLike: ...


class PracticeServerDialog(QDialog):
    """Join, test or leave. Signals: joined(str) with the server's name; left()."""

    joined = Signal(str)
    left = Signal()

    def __init__(self, access: ServerAccess, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._access = access
        self._worker = worker
        self.setWindowTitle(self.tr("Practice server"))
        self.setMinimumWidth(600)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setObjectName("serverState")
        intro = QLabel(
            self.tr(
                "A practice server lets every workstation in the practice see the same plans. The practice's "
                "IT gives you its address and the practice certificate file. Your own user name and password "
                "are used only to check that you can sign in there; no password is kept on this computer."
            )
        )
        intro.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql://practice-server:5432/careplanner?sslmode=verify-full")
        self.url.setAccessibleName(self.tr("Server address"))
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("Practice certificate file"))
        self.choose = QPushButton(self.tr("Choose…"))
        self.choose.clicked.connect(self.choose_ca_file)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.choose)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("Your user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Your password"))
        form = QFormLayout()
        form.addRow(self.tr("Server address"), self.url)
        form.addRow(self.tr("Practice certificate (PEM file)"), ca_row)
        form.addRow(self.tr("Your user name"), self.username)
        form.addRow(self.tr("Your password"), self.password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("serverMessage")
        self.test_button = QPushButton(self.tr("Test connection"))
        self.join_button = QPushButton(self.tr("Join"))
        self.leave_button = QPushButton(self.tr("Leave this server"))
        self.close_button = QPushButton(self.tr("Close"))
        self.test_button.clicked.connect(self.test_connection)
        self.join_button.clicked.connect(self.join_server)
        self.leave_button.clicked.connect(self.leave_server)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.test_button, self.join_button, self.leave_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.refresh_state()

    # ---- what this computer uses now ---------------------------------------------------------------------

    def refresh_state(self) -> None:
        saved = self._access.saved()
        self.ca_file.setPlaceholderText("")
        if saved is None:
            self.state.setText(
                self.tr("This computer uses its own store (it has not joined a practice server).")
            )
            self.leave_button.setVisible(False)
        elif hasattr(saved, "kind"):  # a keyring problem, in plain words
            self.state.setText(saved.message)
            self.leave_button.setVisible(True)
        else:
            self.state.setText(self.tr("This computer uses the practice server {0}.").format(saved.address))
            self.url.setText(saved.url)
            if saved.fingerprint:
                self.ca_file.setPlaceholderText(
                    self.tr("Kept on this computer (SHA-256 {0}…)").format(saved.fingerprint[:23])
                )
            self.leave_button.setVisible(True)

    # ---- actions -----------------------------------------------------------------------------------------

    def choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("The practice certificate"),
            self.ca_file.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_file.setText(path)

    def _inputs(self) -> tuple[str, str, str, str] | None:
        url, username, password = self.url.text().strip(), self.username.text().strip(), self.password.text()
        if not url:
            self._say(self.tr("Enter the server's address (the practice's IT gives it to you)."), self.url)
            return None
        if not username or not password:
            self._say(
                self.tr("Enter your own user name and password for the server."),
                self.password if username else self.username,
            )
            return None
        return url, self.ca_file.text().strip(), username, password

    def _say(self, text: str, focus: QWidget | None = None) -> None:
        self.message.setText(text)
        if focus is not None:
            focus.setFocus()

    def _busy(self, busy: bool) -> None:
        for button in (self.test_button, self.join_button, self.leave_button):
            button.setEnabled(not busy)

    def _run(self, call: Callable[[], OutcomeLike], done: Callable[[OutcomeLike], None]) -> None:
        self._busy(True)
        self._say(self.tr("Contacting the practice server…"))

        def finished(outcome: OutcomeLike) -> None:
            self._busy(False)
            done(outcome)

        def failed(_exc: BaseException) -> None:
            self._busy(False)
            self._say(self.tr("Something unexpected went wrong. Nothing was changed."))

        self._worker.submit(call, finished, failed)

    def _problem(self, outcome: OutcomeLike) -> None:
        focus: dict[str, QWidget] = {
            "sign_in": self.password,
            "certificate": self.ca_file,
            "address": self.url,
            "unreachable": self.url,
        }
        if outcome.kind == "sign_in":
            self.password.clear()
        self._say(outcome.message, focus.get(outcome.kind))

    def test_connection(self) -> None:
        inputs = self._inputs()
        if inputs is None:
            return
        access = self._access

        def done(outcome: OutcomeLike) -> None:
            if outcome.ok:
                name = getattr(outcome.actor, "display_name", "")
                self._say(self.tr("The server answered and you can sign in there ({0}).").format(name))
            else:
                self._problem(outcome)

        self._run(lambda: access.test(*inputs), done)

    def join_server(self) -> None:
        inputs = self._inputs()
        if inputs is None:
            return
        access = self._access

        def done(outcome: OutcomeLike) -> None:
            if not outcome.ok:
                self._problem(outcome)
                return
            self.password.clear()
            self.refresh_state()
            text = self.tr(
                "Joined. From the next start, Care Planner opens the practice server {0} and asks each "
                "person for their own user name and password."
            ).format(outcome.message)
            self._say(text + ("\n\n" + self.tr(outcome.note) if outcome.note else ""))
            self.joined.emit(outcome.message)

        self._run(lambda: access.join(*inputs), done)

    def leave_server(self) -> None:
        access = self._access

        def done(outcome: OutcomeLike) -> None:
            if not outcome.ok:
                self._problem(outcome)
                return
            self.refresh_state()
            self._say(
                self.tr(
                    "This computer has left the practice server. From the next start it uses its own store."
                )
            )
            self.left.emit()

        self._run(access.leave, done)
