"""Accounts, for administrators: who can use the app, in which role, and whether they can sign in.

Every change goes through AuthService, which checks the administrator's permission, keeps at least one
active administrator and writes the audit trail; this screen only shows its answers in plain words.
Accounts are switched off rather than deleted, so the audit trail keeps saying who did what.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import UserRole
from careplanner.services.auth import ROLE_NAMES, Permission, UserRecord, require
from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor
from careplanner.ui.trust.password_dialog import PasswordResetDialog

COLUMNS = ("Name", "User name", "Role", "Registration number", "Status")


def _role_box(accessible_name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(accessible_name)
    for role in UserRole:
        box.addItem(QCoreApplication.translate("UsersDialog", ROLE_NAMES[role]), role.value)
    return box


class UsersDialog(QDialog):
    """The list of accounts, a form to change the chosen one, and a form to add one.

    Signals: own_access_changed() after administrators change their own role or switch themselves off
    (another administrator remains, or the service would have refused); the dialog then closes, and the
    app signs them out so their next sign-in carries only what their account now allows.
    """

    own_access_changed = Signal()

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.MANAGE_USERS)
        self._services = services
        self._actor = actor
        self._records: list[UserRecord] = []
        self.setWindowTitle(self.tr("Accounts"))
        self.resize(820, 720)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName(self.tr("Accounts"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrow keys move within it
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_editor())
        layout.addWidget(self._build_add())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    # ---- building ----------------------------------------------------------------------------------------

    def _build_editor(self) -> QGroupBox:
        box = QGroupBox(self.tr("Change the chosen account"))
        self.chosen = QLabel(self.tr("Choose an account in the list."))
        self.chosen.setObjectName("hint")
        self.chosen.setWordWrap(True)
        self.edit_name = QLineEdit()
        self.edit_name.setAccessibleName(self.tr("Name of the chosen account"))
        self.edit_role = _role_box(self.tr("Role of the chosen account"))
        self.edit_registration = QLineEdit()
        self.edit_registration.setAccessibleName(self.tr("Registration number of the chosen account"))
        self.save_button = QPushButton(self.tr("&Save changes"))
        self.save_button.setObjectName("primary")
        self.switch_button = QPushButton(self.tr("S&witch off"))
        self.reset_button = QPushButton(self.tr("&Reset password…"))
        self.reset_button.setAccessibleName(self.tr("Reset password"))
        form = QFormLayout(box)
        form.addRow(self.chosen)
        form.addRow(self.tr("Name"), self.edit_name)
        form.addRow(self.tr("Role"), self.edit_role)
        form.addRow(self.tr("Registration number"), self.edit_registration)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.switch_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.save_button.clicked.connect(self.save_changes)
        self.switch_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        return box

    def _build_add(self) -> QGroupBox:
        add = QGroupBox(self.tr("Add an account"))
        form = QFormLayout(add)
        self.name = QLineEdit()
        self.username = QLineEdit()
        self.registration = QLineEdit()
        self.role = _role_box(self.tr("Role"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (
            (self.tr("Name"), self.name),
            (self.tr("User name"), self.username),
            (self.tr("Role"), self.role),
            (self.tr("Registration number"), self.registration),
            (self.tr("First password"), self.password),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        self.add_button = QPushButton(self.tr("&Add account"))
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        form.addRow(row)
        self.add_button.clicked.connect(self.add)
        return add

    # ---- showing -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list from the service, keeping the same account chosen."""
        keep = self.selected()
        self._records = self._services.auth.users(self._actor)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
            for col, value in enumerate(
                (
                    record.actor.display_name,
                    record.actor.username,
                    self.tr(ROLE_NAMES[record.actor.role]),
                    record.actor.registration_number,
                    self._status(record),
                )
            ):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, record.actor.id)
                self.table.setItem(row, col, item)
        rows = [r for r, rec in enumerate(self._records) if keep and rec.actor.id == keep.actor.id]
        if rows:
            self.table.selectRow(rows[0])
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)  # not a new choice, so the message about the change stays
        self._show_selected()

    def _status(self, record: UserRecord) -> str:
        if not record.active:
            return self.tr("switched off")
        if not record.has_password:
            return self.tr("no password (cannot sign in)")
        return self.tr("active")

    def selected(self) -> UserRecord | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._records[row] if row < len(self._records) else None

    def select_user(self, user_id: str) -> None:
        """Choose the account with this id in the list (as clicking its row does)."""
        for row, record in enumerate(self._records):
            if record.actor.id == user_id:
                self.table.selectRow(row)
                return

    def _say(self, text: str, *, problem: bool = False) -> None:
        """A plain message under the forms; refusals in the app's error style so they are not missed."""
        self.message.setObjectName("fieldError" if problem else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _chosen(self) -> None:
        self._say("")  # an old message is about another account
        self._show_selected()

    def _show_selected(self) -> None:
        record = self.selected()
        for widget in (
            self.edit_name,
            self.edit_role,
            self.edit_registration,
            self.save_button,
            self.switch_button,
            self.reset_button,
        ):
            widget.setEnabled(record is not None)
        if record is None:
            self.chosen.setText(self.tr("Choose an account in the list."))
            for edit in (self.edit_name, self.edit_registration):
                edit.clear()
            self.switch_button.setText(self.tr("S&witch off"))
            return
        account = record.actor
        self.edit_name.setText(account.display_name)
        self.edit_role.setCurrentIndex(self.edit_role.findData(account.role.value))
        self.edit_registration.setText(account.registration_number)
        self.switch_button.setText(self.tr("S&witch off") if record.active else self.tr("S&witch on"))
        self.switch_button.setAccessibleName(self.switch_button.text().replace("&", ""))
        own = account.id == self._actor.id
        note = self.tr(
            "This is your own account: if you change its role or switch it off, you will be signed out."
        )
        self.chosen.setText(
            self.tr("{name} ({user}), {status}.").format(
                name=account.display_name, user=account.username, status=self._status(record)
            )
            + (" " + note if own else "")
        )

    # ---- changing ----------------------------------------------------------------------------------------

    def save_changes(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            changed = self._services.auth.update_user(
                record.actor.id,
                self._actor,
                display_name=self.edit_name.text(),
                role=UserRole(self.edit_role.currentData()),
                registration_number=self.edit_registration.text(),
            )
        except ServiceError as exc:
            self._show_selected()  # back to what is stored
            self._say(str(exc), problem=True)
            return
        if self._own_access_changed(record, changed.role, active=True):
            return
        self.refresh()
        self._say(self.tr("Saved the changes to {name}.").format(name=changed.display_name))

    def toggle_active(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            changed = self._services.auth.update_user(record.actor.id, self._actor, active=not record.active)
        except ServiceError as exc:
            self._say(str(exc), problem=True)
            return
        if self._own_access_changed(record, changed.role, active=not record.active):
            return
        self.refresh()
        if record.active:
            text = self.tr("{name} is switched off and cannot sign in.")
        else:
            text = self.tr("{name} is switched on and can sign in again.")
        self._say(text.format(name=changed.display_name))

    def _own_access_changed(self, record: UserRecord, role: UserRole, *, active: bool) -> bool:
        """True (and the dialog closes) when this administrator just gave up their own powers."""
        if record.actor.id != self._actor.id or (role is UserRole.ADMIN and active):
            return False
        self.own_access_changed.emit()
        self.accept()
        return True

    def reset_password(self) -> PasswordResetDialog | None:
        """Open the password dialog for the chosen account (returned so tests can fill it in)."""
        record = self.selected()
        if record is None:
            return None
        dialog = PasswordResetDialog(self._services.auth, record.actor, self._actor, self)
        name = record.actor.display_name
        dialog.accepted.connect(lambda: self._password_set(name))
        dialog.open()
        return dialog

    def _password_set(self, name: str) -> None:
        self.refresh()
        self._say(self.tr("{name} has a new password.").format(name=name))

    def add(self) -> None:
        try:
            made = self._services.auth.add_user(
                username=self.username.text(),
                display_name=self.name.text(),
                role=UserRole(self.role.currentData()),
                password=self.password.text(),
                registration_number=self.registration.text(),
                actor=self._actor,
            )
        except ServiceError as exc:
            self._say(str(exc), problem=True)
            return
        finally:
            self.password.clear()
        self._say(self.tr("Added {name}.").format(name=made.display_name))
        for edit in (self.name, self.username, self.registration):
            edit.clear()
        self.refresh()
