"""What the clinician records after PHQ-9 question 9 is answered above "Not at all".

Shown next to the PHQ-9 and its safety prompt: what was asked and done, who was told, and the crisis
numbers given to the person (NHS 111 option 2, Samaritans, the local crisis team from the practice
settings). Ticking "given" stores the numbers as they were given, so the record keeps that day's
numbers even if the practice's change later. "Before you agree" will not let the plan be agreed while
what was done is blank (`services/consultation.py`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from careplanner.clinical.practice import NHS_111_MENTAL_HEALTH, SAMARITANS, PracticeSettings
from careplanner.services.plan_data import HolisticData
from careplanner.ui.fields import Field
from careplanner.ui.forms import DataForm

FIELDS = (
    Field(
        "safety_action",
        "What was asked and what was done",
        "long",
        hint="For example: asked about plans and intent; no plans; safety plan agreed; GP to call today.",
    ),
    Field("safety_told", "Who was told (name and role)"),
)


class SafetyRecord(QGroupBox):
    """Signals: changed() after any edit by the user."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Thoughts of self-harm (PHQ-9 question 9): record what was done"))
        self.setAccessibleName(self.title())
        self.setObjectName("safetyRecord")
        layout = QVBoxLayout(self)
        self.form = DataForm(FIELDS)
        self.form.changed.connect(self.changed)
        layout.addWidget(self.form)
        self.numbers = QCheckBox()
        self.numbers.setAccessibleName(self.tr("Crisis numbers given to the person"))
        self.numbers.toggled.connect(self._toggled)
        layout.addWidget(self.numbers)
        self.numbers_text = QLabel()
        self.numbers_text.setWordWrap(True)
        self.numbers_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.numbers_text)
        self.local_missing = QLabel(
            self.tr(
                "The local crisis team's number is not in the practice settings yet: give the "
                "person the local number by hand, and ask an administrator to add it."
            )
        )
        self.local_missing.setObjectName("hint")
        self.local_missing.setWordWrap(True)
        layout.addWidget(self.local_missing)
        self._today_numbers = "; ".join((NHS_111_MENTAL_HEALTH, SAMARITANS))
        self._given = ""
        self._loading = False
        self._show_numbers()

    def set_practice(self, practice: PracticeSettings | None) -> None:
        """The numbers to give: the national ones, and the local crisis team when the practice has set it."""
        numbers = practice.crisis_numbers() if practice is not None else (NHS_111_MENTAL_HEALTH, SAMARITANS)
        self._today_numbers = "; ".join(numbers)
        self.local_missing.setVisible(practice is None or not practice.crisis_team_phone.strip())
        self._show_numbers()

    def _show_numbers(self) -> None:
        shown = self._given or self._today_numbers
        self.numbers.setText(self.tr("I gave the person the crisis numbers"))
        self.numbers_text.setText(shown)
        self.numbers_text.setAccessibleName(shown)

    def _toggled(self, on: bool) -> None:
        if self._loading:
            return
        self._given = self._today_numbers if on else ""
        self._show_numbers()
        self.changed.emit()

    def load(self, review: HolisticData) -> None:
        self._loading = True
        try:
            self.form.load(review)
            self._given = review.safety_numbers_given
            self.numbers.setChecked(bool(review.safety_numbers_given.strip()))
        finally:
            self._loading = False
        self._show_numbers()

    def apply(self, review: HolisticData) -> HolisticData:
        applied: HolisticData = self.form.apply(review)
        return replace(applied, safety_numbers_given=self._given)

    def has_content(self) -> bool:
        review = self.apply(HolisticData())
        return bool(review.safety_action.strip() or review.safety_told.strip() or self._given)

    def focus_field(self, name: str) -> QWidget:
        """Put the cursor on a field; the field, for the step to scroll into view."""
        target = self.numbers if name == "safety_numbers_given" else self.form.widget(name)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target
