"""Before printing a preparation letter: when, where and with whom the appointment is.

The letter says it to the person ("on Thursday 3 December 2026 at 10:20, at Riverside Surgery, with Jane
Doyle (practice nurse)"). Where and with whom start as the practice and the signed-in clinician; the date
starts unset, and a letter printed without one says the date and time will follow.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from careplanner.export.preparation_letter import Appointment

ROLE_WORDS = {"gp": "GP", "nurse": "practice nurse", "hca": "healthcare assistant"}


def clinician_words(display_name: str, role: str) -> str:
    """ "Jane Doyle (practice nurse)": how the letter names who the person will see."""
    words = ROLE_WORDS.get(role, "")
    return f"{display_name} ({words})" if words else display_name


class LetterDetailsDialog(QDialog):
    def __init__(self, parent: QWidget | None, *, place: str, with_whom: str, today: QDate) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preparation letter: the appointment"))
        form = QFormLayout(self)
        self.known = QCheckBox(self.tr("The date and time are known"))
        self.when = QDateTimeEdit(QDateTime(today.addDays(14), QTime(10, 0)))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dddd d MMMM yyyy  HH:mm")
        self.when.setMinimumDate(today)
        self.when.setEnabled(False)
        self.known.toggled.connect(self.when.setEnabled)
        self.place = QLineEdit(place)
        self.with_whom = QLineEdit(with_whom)
        form.addRow(self.known)
        form.addRow(self.tr("When"), self.when)
        form.addRow(self.tr("Where"), self.place)
        form.addRow(self.tr("With"), self.with_whom)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Print the letter…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def appointment(self) -> Appointment:
        when: datetime | None = None
        if self.known.isChecked():
            chosen = self.when.dateTime()
            d, t = chosen.date(), chosen.time()
            when = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        return Appointment(when, self.place.text().strip(), self.with_whom.text().strip())
