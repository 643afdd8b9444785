"""Step 6, Future wishes: advance care planning, only if the person wishes to talk about it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from careplanner.clinical.enums import CprDecision
from careplanner.services.plan_data import FutureWishesData, FutureWishesSection
from careplanner.ui.fields import Field
from careplanner.ui.forms import DataForm
from careplanner.ui.steps.base import StepContext, StepWidget

LPA = (
    Field("lpa_health_welfare_exists", "Lasting power of attorney for health and welfare", "tribool"),
    Field("lpa_health_welfare_name", "Attorney's name (health and welfare)"),
    Field("lpa_health_welfare_registered", "Registered with the Office of the Public Guardian", "tribool"),
    Field("lpa_health_welfare_location", "Where the document is kept (health and welfare)"),
    Field("lpa_property_finance_exists", "Lasting power of attorney for property and finance", "tribool"),
    Field("lpa_property_finance_name", "Attorney's name (property and finance)"),
    Field("lpa_property_finance_registered", "Registered (property and finance)", "tribool"),
    Field("lpa_property_finance_location", "Where the document is kept (property and finance)"),
    Field("mental_capacity_notes", "Notes on mental capacity", "long"),
)
ADVANCE = (
    Field("adrt_exists", "Advance decision to refuse treatment", "tribool"),
    Field("adrt_summary", "What it says", "long"),
    Field("adrt_location", "Where it is kept"),
    Field("adrt_date", "Date made", "date", future_ok=False),
    Field("advance_statement_exists", "Advance statement of wishes", "tribool"),
    Field("advance_statement_summary", "What it says (advance statement)", "long"),
    Field("advance_statement_location", "Where it is kept (advance statement)"),
    Field("advance_statement_date", "Date made (advance statement)", "date", future_ok=False),
)
PLACES = (
    Field("preferred_place_of_care", "Where I would like to be cared for"),
    Field("preferred_place_of_death", "Where I would like to be when I die"),
)
CPR = (
    Field("cpr_decision", "CPR decision", "enum", enum=CprDecision),
    Field("cpr_decision_date", "Date of decision", "date", future_ok=False),
    Field("cpr_decision_by", "Decision made by (name and role)"),
    Field("cpr_discussed_with_person", "Discussed with the person", "tribool"),
    Field("cpr_form_location", "Where the form is kept"),
    Field("cpr_review_date", "CPR decision review date", "date"),
    Field("respect_form_location", "Where the ReSPECT form is kept (if any)"),
)
OTHER = (
    Field("organ_donation", "Organ donation"),
    Field("people_to_inform", "People to tell", "long"),
    Field("spiritual_needs", "Spiritual and religious needs", "long"),
    Field("other_wishes", "Anything else I would like", "long"),
)


class FutureWishesStep(StepWidget):
    key = "future_wishes"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.wishes_check = QCheckBox(self.tr("The person wishes to talk about this"))
        self.wishes_check.setAccessibleName(self.wishes_check.text())
        self.wishes_check.toggled.connect(self._toggled)
        intro = QLabel(
            self.tr(
                "Planning ahead is never required. Only open this part if the person wants to "
                "talk about it today."
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        self._layout.addWidget(intro)
        self._layout.addWidget(self.wishes_check)
        self.body = QWidget()
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        outer = self._layout
        self._layout = body_layout
        self.forms = [
            self.add_form(name, DataForm(fields))
            for name, fields in (
                ("lpa", LPA),
                ("advance", ADVANCE),
                ("places", PLACES),
                ("cpr", CPR),
                ("other", OTHER),
            )
        ]
        for title, form in zip(
            (
                self.tr("Lasting power of attorney and capacity"),
                self.tr("Advance decisions and statements"),
                self.tr("Preferred places"),
                self.tr("Resuscitation (CPR)"),
                self.tr("Other wishes"),
            ),
            self.forms,
            strict=True,
        ):
            self.group(title, form)
        self._layout = outer
        self._layout.addWidget(self.body)
        self.body.setVisible(False)
        self.finish()

    def _toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.changed.emit()

    def load(self, section: Any) -> None:
        assert isinstance(section, FutureWishesSection)
        self._section = section
        self.wishes_check.blockSignals(True)
        self.wishes_check.setChecked(section.wishes.wishes_to_discuss)
        self.wishes_check.blockSignals(False)
        self.body.setVisible(section.wishes.wishes_to_discuss)
        for form in self.forms:
            form.load(section.wishes)

    def section(self) -> FutureWishesSection:
        wishes: FutureWishesData = self._section.wishes
        for form in self.forms:
            wishes = form.apply(wishes)
        return replace(self._section, wishes=replace(wishes, wishes_to_discuss=self.wishes_check.isChecked()))

    def focus_field(self, name: str, index: int | None = None) -> None:
        if not self.wishes_check.isChecked():
            self.wishes_check.setChecked(True)
        super().focus_field(name, index)

    @staticmethod
    def is_complete(section: Any) -> bool:
        wishes: FutureWishesData = section.wishes
        # Not wanting to talk about it is a complete answer, once it has been asked (see the navigator).
        return wishes.wishes_to_discuss and bool(
            wishes.preferred_place_of_care.strip() or wishes.cpr_decision is not CprDecision.NOT_DISCUSSED
        )
