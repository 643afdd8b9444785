"""Practice settings, for administrators: the practice's name, ODS code and the numbers every printed plan
carries, including the local mental health crisis team given after a positive PHQ-9 question 9.

A mistyped number here is printed on every plan, so each field is checked by the practice service and a
bad one is marked where it is; nothing is saved until every field is right. Saving is audited.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.practice import PracticeSettings
from careplanner.services.auth import Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import ValidationError
from careplanner.services.users import Actor
from careplanner.ui.forms import mark


class PracticeSettingsDialog(QDialog):
    """Signals: saved(object) with the PracticeSettings just written, before the dialog closes."""

    saved = Signal(object)

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.PRACTICE_SETTINGS)
        self._services = services
        self._actor = actor
        self.setWindowTitle(self.tr("Practice settings"))
        self.setMinimumWidth(560)
        current = services.practice.get()
        intro = QLabel(
            self.tr(
                "These details are printed on every person's plan. Check each number by ringing it: a wrong "
                "number here is a wrong number on every plan."
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, hint in (
            ("practice_name", self.tr("Practice name"), ""),
            ("ods_code", self.tr("ODS code"), self.tr("One letter and five digits, for example B86999.")),
            ("address", self.tr("Address"), ""),
            ("in_hours_phone", self.tr("Phone (in hours)"), ""),
            ("out_of_hours_phone", self.tr("Phone (out of hours)"), ""),
            (
                "crisis_team_phone",
                self.tr("Local mental health crisis team"),
                self.tr("Given, with NHS 111 option 2 and Samaritans, to anyone at risk of self-harm."),
            ),
        ):
            edit = QLineEdit(getattr(current, key, "") if current else "")
            edit.setAccessibleName(label)
            self.fields[key] = edit
            error = QLabel()
            error.setObjectName("error")
            error.setWordWrap(True)
            error.hide()
            self.errors[key] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            if hint:
                note = QLabel(hint)
                note.setObjectName("hint")
                note.setWordWrap(True)
                column.addWidget(note)
            column.addWidget(error)
            form.addRow(label, column)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        text = {key: edit.text() for key, edit in self.fields.items()}
        settings = PracticeSettings(
            practice_name=text["practice_name"],
            ods_code=text["ods_code"],
            in_hours_phone=text["in_hours_phone"],
            out_of_hours_phone=text["out_of_hours_phone"],
            address=text["address"],
            crisis_team_phone=text["crisis_team_phone"],
        )
        for key, edit in self.fields.items():
            mark(edit, "")
            self.errors[key].hide()
        try:
            saved = self._services.practice.update(settings, self._actor)
        except ValidationError as exc:
            first: QLineEdit | None = None
            for key, message in exc.fields.items():
                if key in self.fields:
                    mark(self.fields[key], message)
                    self.errors[key].setText(message)
                    self.errors[key].show()
                    first = first or self.fields[key]
            if first is not None:
                first.setFocus()
            return
        self.saved.emit(saved)
        self.accept()
