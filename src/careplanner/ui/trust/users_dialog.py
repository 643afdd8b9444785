"""Accounts, for administrators: who can use the app and in which role."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import UserRole
from careplanner.services.auth import ROLE_NAMES, Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor


class UsersDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.MANAGE_USERS)
        self._services = services
        self._actor = actor
        self.setWindowTitle(self.tr("Accounts"))
        self.resize(700, 520)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("User name"), self.tr("Role"), self.tr("Status")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        add = QGroupBox(self.tr("Add an account"))
        form = QFormLayout(add)
        self.name = QLineEdit()
        self.username = QLineEdit()
        self.registration = QLineEdit()
        self.role = QComboBox()
        for role in UserRole:
            self.role.addItem(self.tr(ROLE_NAMES[role]), role.value)
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
        self.add_button = QPushButton(self.tr("Add account"))
        form.addRow(self.add_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(add)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.refresh()

    def refresh(self) -> None:
        users = self._services.auth.users(self._actor)
        self.table.setRowCount(len(users))
        for row, record in enumerate(users):
            status = self.tr("active") if record.active else self.tr("switched off")
            if not record.has_password:
                status = self.tr("no password (cannot sign in)")
            for col, value in enumerate(
                (
                    record.actor.display_name,
                    record.actor.username,
                    self.tr(ROLE_NAMES[record.actor.role]),
                    status,
                )
            ):
                self.table.setItem(row, col, QTableWidgetItem(value))

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
            self.message.setText(str(exc))
            return
        finally:
            self.password.clear()
        self.message.setText(self.tr("Added {name}.").format(name=made.display_name))
        for edit in (self.name, self.username, self.registration):
            edit.clear()
        self.refresh()
