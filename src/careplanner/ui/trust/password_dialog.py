"""An administrator sets a new password for an account (someone who forgot theirs, or a new starter).

The new password is typed twice, because nobody can see it; the rules (length, no repeats or runs, not a
common password) are the service's own, so this screen and the command line refuse the same passwords
with the same words.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.auth import MIN_PASSWORD_LENGTH, AuthService
from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor
from careplanner.ui.forms import mark


class PasswordResetDialog(QDialog):
    """Sets `account`'s password through AuthService.set_password (which audits it); accepts when done."""

    def __init__(
        self, auth: AuthService, account: Actor, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._auth = auth
        self._account = account
        self._actor = actor
        self.setWindowTitle(self.tr("Reset password"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "Choose a new password for {name}. Use at least {n} characters: a few unrelated words "
                "work well. Common passwords, one character over and over and runs like 123456 are "
                "refused. Tell them the new password in person; they can sign in with it straight away."
            ).format(name=account.display_name, n=MIN_PASSWORD_LENGTH)
        )
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, edit in (
            (self.tr("&New password"), self.password),
            (self.tr("New password &again"), self.again),
        ):
            edit.setAccessibleName(label.replace("&", ""))
            form.addRow(label, edit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.message.setObjectName("fieldError")  # it only ever says what went wrong
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Set new password"))
        ok.setAccessibleName(self.tr("Set new password"))
        ok.setDefault(True)
        ok.setObjectName("primary")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def submit(self) -> None:
        first, second = self.password.text(), self.again.text()
        if first != second:
            self._refuse(self.tr("The two passwords are different. Type the same password twice."))
            return
        try:
            self._auth.set_password(self._account.id, first, self._actor)
        except ServiceError as exc:
            self._refuse(str(exc))
            return
        self.password.clear()
        self.again.clear()
        self.accept()

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.password.clear()
        self.again.clear()
        mark(self.password, text)
        self.password.setFocus()
