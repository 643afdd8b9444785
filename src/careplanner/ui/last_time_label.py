"""A read-only "Last time (date): …" line for a step at a review (frailty and review notes)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from careplanner.services.last_time import medical_last_time
from careplanner.services.plan_data import MedicalSection, Section
from careplanner.ui.fields import format_date


class LastTimeLabel(QLabel):
    """Last time's values, shown beside today's blank fields; hidden when there was no last time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hint")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_medical(self, base: Section | None, on: date | None) -> None:
        """Last time's frailty score and review notes (`base`: the medical section last agreed)."""
        last = medical_last_time(base if isinstance(base, MedicalSection) else None, on)
        when = format_date(last.on)
        head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
        lines = []
        if last.frailty:
            lines.append(self.tr("{0}: Clinical Frailty Scale {1}").format(head, last.frailty))
        if last.notes:
            lines.append(self.tr("{0}: notes from the review: {1}").format(head, last.notes))
        self.setText("\n".join(lines))
        self.setAccessibleName(self.text())
        self.setVisible(bool(lines))
