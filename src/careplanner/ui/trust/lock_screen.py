"""The lock screen, which is also the sign-in screen: it covers the whole window.

While it shows, the window's own contents are hidden (not destroyed), so nothing about a patient can be
read or reached, and everything typed is still there on unlock. Unlocking needs the signed-in user's
password; anyone else signing in here switches user (the editor saved the draft when the screen locked).

On the practice server (`on_server`) the connection is the first person's own database login, so nobody
else can sign in over it: the screen says so plainly ("close Care Planner and start it again") instead of
trying, and never records it as a wrong password. The person who started the app unlocks as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.auth import AuthService, SignInError
from careplanner.services.users import Actor

log = logging.getLogger("careplanner.ui.lock")


class LockScreen(QWidget):
    """Covers `window` while locked.

    Signals: signed_in(object) with the Actor who unlocked or signed in.
    """

    signed_in = Signal(object)

    def __init__(
        self,
        window: QMainWindow,
        auth: AuthService,
        *,
        on_server: bool = False,
        practice_name: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(window)
        self._practice_name = practice_name  # read each time the screen shows (ui/practice_name.py)
        self._window = window
        self._auth = auth
        self._actor: Actor | None = None
        self._on_server = on_server
        self._connected_as: Actor | None = None  # on the server: whose database login the app holds
        self._hidden: list[QWidget] = []
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(460)
        card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        self.practice = QLabel()
        self.practice.setObjectName("lockPractice")
        self.practice.setWordWrap(True)
        self.practice.hide()
        self.title = QLabel()
        self.title.setObjectName("lockTitle")
        self.title.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("lockMessage")
        self.button = QPushButton(self.tr("Sign in"))
        self.button.setDefault(True)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        inner = QVBoxLayout(card)
        inner.addWidget(self.practice)
        inner.addWidget(self.title)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title.setMinimumHeight(self.title.fontMetrics().lineSpacing() * 3)
        outer.addStretch(2)

        self.button.clicked.connect(self.submit)
        self.signed_in.connect(self._remember)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        window.installEventFilter(self)
        self.hide()

    # ---- showing and hiding ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    @property
    def is_showing(self) -> bool:
        return self.isVisible()

    def show_for(self, actor: Actor | None) -> None:
        """Lock for `actor` (their name is shown and their password unlocks), or plain sign-in."""
        self._actor = actor
        name = self._practice_name() if self._practice_name is not None else ""
        self.practice.setText(name)
        self.practice.setAccessibleName(name)
        self.practice.setVisible(bool(name))
        if actor is None:
            self.title.setText(self.tr("Sign in to Care Planner"))
            self.button.setText(self.tr("Sign in"))
            self.username.clear()
        else:
            self.title.setText(
                (
                    self.tr("Locked. {name}, enter your password to carry on.")
                    if self._on_server
                    else self.tr(
                        "Locked. {name}, enter your password to carry on, or sign in as someone else."
                    )
                ).format(name=actor.display_name)
            )
            self.button.setText(self.tr("Unlock"))
            self.username.setText(actor.username)
        self.password.clear()
        self.message.setText(self.switch_hint() if self._connected_as is not None else "")
        self._cover()
        (self.password if actor else self.username).setFocus()

    def _cover(self) -> None:
        window = self._window
        # Every visible part of the window (contents, menus, toolbars, status bar) goes out of sight.
        self._hidden = [
            w
            for w in window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if w is not self and not w.isHidden()
        ]
        for widget in self._hidden:
            widget.hide()
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def uncover(self) -> None:
        self.hide()
        self.password.clear()
        for widget in self._hidden:
            widget.show()
        self._hidden = []

    # ---- signing in --------------------------------------------------------------------------------------

    def switch_hint(self) -> str:
        return self.tr("To sign in as someone else, close Care Planner and start it again.")

    def _remember(self, actor: Actor) -> None:
        if self._on_server and self._connected_as is None:
            self._connected_as = actor

    def _someone_else_on_server(self, username: str) -> bool:
        """On the server, a name other than the connected person's: they cannot sign in over this
        connection (their password was never checked, so this is no failed attempt)."""
        held = self._connected_as
        return held is not None and username.casefold() != held.username.casefold()

    def submit(self) -> None:
        username = self.username.text().strip()
        password = self.password.text()
        self.password.clear()
        if not username or not password:
            self.message.setText(self.tr("Enter your user name and password."))
            return
        if self._someone_else_on_server(username):
            self.message.setText(self.switch_hint())
            self.username.setFocus()
            log.info("Sign-in as another account on the practice server: restart needed")
            return
        if self._connected_as is not None:
            # Signed out on the server: only the connected person's own password opens it again.
            self._actor = self._actor or self._connected_as
            username = self._connected_as.username
        try:
            if self._actor is not None and username == self._actor.username:
                if not self._auth.check_password(self._actor, password):
                    raise SignInError(self.tr("The password is not right."))
                actor = self._actor
            else:
                actor = self._auth.sign_in(username, password)
        except SignInError as exc:
            self.message.setText(str(exc))
            self.password.setFocus()
            return
        self.uncover()
        self.signed_in.emit(actor)
