"""First run: the practice's details and the first administrator account, in one short form."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.practice import PracticeSettings
from careplanner.services.container import Services
from careplanner.services.errors import ServiceError, ValidationError
from careplanner.services.users import Actor


class FirstRunDialog(QDialog):
    """Saves the practice and makes the administrator; `admin` holds them once accepted."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set up Care Planner"))
        self._services = services
        self.admin: Actor | None = None
        self.fields: dict[str, QLineEdit] = {}

        practice = QGroupBox(self.tr("Your practice (printed on every plan)"))
        pform = QFormLayout(practice)
        for key, label in (
            ("practice_name", self.tr("Practice name")),
            ("ods_code", self.tr("ODS code")),
            ("in_hours_phone", self.tr("Phone (in hours)")),
            ("out_of_hours_phone", self.tr("Phone (out of hours)")),
        ):
            pform.addRow(label, self._field(key, label))
        admin = QGroupBox(self.tr("The first administrator (manages accounts and settings)"))
        aform = QFormLayout(admin)
        for key, label, secret in (
            ("display_name", self.tr("Name"), False),
            ("username", self.tr("User name"), False),
            ("password", self.tr("Password (10 characters or more: a few unrelated words work well)"), True),
            ("password_again", self.tr("Password again"), True),
        ):
            aform.addRow(label, self._field(key, label, secret=secret))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(practice)
        layout.addWidget(admin)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _field(self, key: str, label: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields[key] = edit
        return edit

    def _show_problems(self, problems: dict[str, str]) -> None:
        self.message.setText("\n".join(problems.values()))
        for key in self.fields:
            self.fields[key].setProperty("invalid", key in problems)
        first = next((k for k in self.fields if k in problems), None)
        if first is not None:
            self.fields[first].setFocus()

    def submit(self) -> None:
        text = {k: v.text() for k, v in self.fields.items()}
        settings = PracticeSettings(
            practice_name=text["practice_name"],
            ods_code=text["ods_code"],
            in_hours_phone=text["in_hours_phone"],
            out_of_hours_phone=text["out_of_hours_phone"],
        )
        problems = settings.validate()
        if text["password"] != text["password_again"]:
            problems["password_again"] = self.tr("The two passwords are different.")
        if problems:
            self._show_problems(problems)
            return
        try:
            admin = self._services.auth.create_first_admin(
                username=text["username"], display_name=text["display_name"], password=text["password"]
            )
            self._services.practice.update(settings, admin)
        except ValidationError as exc:
            self._show_problems(exc.fields)
            return
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.admin = admin
        self.accept()
