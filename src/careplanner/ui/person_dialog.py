"""Add a person: the fields a plan needs first, checked as a clinician would (NHS number check digit,
date of birth not in the future), with the wrong field marked and focused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import Sex
from careplanner.clinical.nhs_number import is_valid_nhs_number
from careplanner.services.container import Services
from careplanner.services.errors import ValidationError
from careplanner.services.people import PersonInput, PersonRecord
from careplanner.ui.fields import enum_label, parse_date
from careplanner.ui.forms import mark
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker


class NewPersonDialog(QDialog):
    def __init__(
        self, services: Services, session: UserSession, worker: Worker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services, self.session, self.worker = services, session, worker
        self.created: PersonRecord | None = None
        self.setWindowTitle(self.tr("New person"))
        self.setMinimumWidth(460)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label, hint in (
            ("first_name", self.tr("First name"), ""),
            ("family_name", self.tr("Family name"), ""),
            ("date_of_birth", self.tr("Date of birth"), self.tr("dd/mm/yyyy")),
            ("nhs_number", self.tr("NHS number"), self.tr("10 digits, spaces allowed")),
            ("preferred_name", self.tr("Preferred name"), ""),
            ("title", self.tr("Title"), ""),
        ):
            edit = QLineEdit()
            edit.setAccessibleName(label)
            edit.setPlaceholderText(hint)
            error = QLabel()
            error.setObjectName("fieldError")
            error.hide()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(label, holder)
            self.edits[name], self.errors[name] = edit, error
        self.sex = QComboBox()
        self.sex.setAccessibleName(self.tr("Sex"))
        for value in Sex:
            self.sex.addItem(enum_label(value), value)
        self.sex.setCurrentIndex(self.sex.findData(Sex.NOT_KNOWN))
        form.addRow(self.tr("Sex"), self.sex)
        self.palliative = QCheckBox(self.tr("On the palliative care register"))
        form.addRow("", self.palliative)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Add person"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def show_errors(self, problems: dict[str, str]) -> None:
        first = None
        for name, edit in self.edits.items():
            message = problems.get(name, "")
            mark(edit, message)
            self.errors[name].setText(message)
            self.errors[name].setVisible(bool(message))
            if message and first is None:
                first = edit
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        problems: dict[str, str] = {}
        if not text["first_name"]:
            problems["first_name"] = self.tr("Enter the person's first name.")
        if not text["family_name"]:
            problems["family_name"] = self.tr("Enter the person's family name.")
        born = None
        try:
            born = parse_date(text["date_of_birth"])
        except ValueError as exc:
            problems["date_of_birth"] = str(exc)
        if born is None and "date_of_birth" not in problems:
            problems["date_of_birth"] = self.tr("Enter the date of birth.")
        elif born is not None and born > self.services.clock.today():
            problems["date_of_birth"] = self.tr("The date of birth is in the future.")
        if text["nhs_number"] and not is_valid_nhs_number(text["nhs_number"]):
            problems["nhs_number"] = self.tr("This NHS number is not valid: check the 10 digits.")
        if problems or born is None:
            self.show_errors(problems)
            return
        data = PersonInput(
            first_name=text["first_name"],
            family_name=text["family_name"],
            date_of_birth=born,
            nhs_number=text["nhs_number"] or None,
            title=text["title"],
            preferred_name=text["preferred_name"],
            sex=Sex(self.sex.currentData()),
            palliative_register=self.palliative.isChecked(),
        )
        actor = self.session.actor
        self.worker.submit(lambda: self.services.people.create(data, actor), self._created, self._failed)

    def _created(self, record: PersonRecord) -> None:
        self.created = record
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.fields)
        else:
            self.show_errors({"first_name": self.tr("The person could not be added. Please try again.")})
