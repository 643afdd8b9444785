"""Step 3, Holistic needs: mood, anxiety and loneliness screens, the eight wellbeing areas, carers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from careplanner.clinical.enums import CarerStatus, QuestionnaireKind, WellbeingArea
from careplanner.services.plan_data import HolisticSection, QuestionnaireData, WellbeingData
from careplanner.ui.fields import Field, enum_label
from careplanner.ui.forms import DataForm
from careplanner.ui.questionnaire_form import QuestionnaireForm
from careplanner.ui.steps.base import StepContext, StepWidget

REVIEW = (
    Field("carer_status", "Carer", "enum", enum=CarerStatus),
    Field("carer_details", "About the caring", "long"),
    Field("social_context", "Home, family and social life", "long"),
    Field("loneliness_notes", "Loneliness: notes", "long"),
)
SCREENS = (QuestionnaireKind.PHQ2, QuestionnaireKind.GAD2, QuestionnaireKind.UCLA3)
FULL = {QuestionnaireKind.PHQ9: QuestionnaireKind.PHQ2, QuestionnaireKind.GAD7: QuestionnaireKind.GAD2}


class WellbeingGrid(QWidget):
    """The eight wellbeing areas, each rated 1-10 with a note."""

    def __init__(self, on_change: Any) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[WellbeingArea, tuple[QSpinBox, QLineEdit]] = {}
        for row, area in enumerate(WellbeingArea):
            name = enum_label(area)
            label = QLabel(name)
            spin = QSpinBox()
            spin.setRange(0, 10)
            spin.setSpecialValueText(self.tr("Not rated"))
            spin.setAccessibleName(self.tr("{0}: rating 1 to 10").format(name))
            note = QLineEdit()
            note.setAccessibleName(self.tr("{0}: note").format(name))
            note.setPlaceholderText(self.tr("What the person said"))
            label.setBuddy(spin)
            spin.valueChanged.connect(on_change)
            note.textEdited.connect(on_change)
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(note, row, 2)
            self.rows[area] = (spin, note)
        grid.setColumnStretch(2, 1)

    def load(self, items: tuple[WellbeingData, ...]) -> None:
        self._lineage = {w.area: w.lineage_id for w in items}
        by_area = {w.area: w for w in items}
        for area, (spin, note) in self.rows.items():
            spin.blockSignals(True)
            note.blockSignals(True)
            spin.setValue(by_area[area].score or 0 if area in by_area else 0)
            note.setText(by_area[area].note if area in by_area else "")
            spin.blockSignals(False)
            note.blockSignals(False)

    def items(self) -> tuple[WellbeingData, ...]:
        out = []
        for area, (spin, note) in self.rows.items():
            if spin.value() or note.text().strip():
                out.append(
                    WellbeingData(
                        area, spin.value() or None, note.text(), getattr(self, "_lineage", {}).get(area, "")
                    )
                )
        return tuple(out)


class HolisticStep(StepWidget):
    key = "holistic"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.forms: dict[QuestionnaireKind, QuestionnaireForm] = {}
        for kind in (*SCREENS[:1], QuestionnaireKind.PHQ9, SCREENS[1], QuestionnaireKind.GAD7, SCREENS[2]):
            form = QuestionnaireForm(kind)
            form.changed.connect(self.changed)
            form.full_version_wanted.connect(self.show_full)
            self.forms[kind] = form
            self._layout.addWidget(form)
        self.wellbeing = WellbeingGrid(lambda *_: self.changed.emit())
        self.group(
            self.tr("Wellbeing: how are things, from 1 (very hard) to 10 (very good)?"), self.wellbeing
        )
        self.review = self.add_form("review", DataForm(REVIEW))
        self.group(self.tr("Caring and social life"), self.review)
        self.finish()

    def show_full(self, kind: QuestionnaireKind) -> None:
        """Open the full questionnaire, carrying over the short screen's answers (its first two items)."""
        full = self.forms[kind]
        if not full.isVisible() and not full.has_answers():
            short = self.forms[FULL[kind]].answers()
            full.set_answers(short)
        full.show()
        full.combos[len(self.forms[FULL[kind]].combos)].setFocus()
        self.changed.emit()

    def load(self, section: Any) -> None:
        assert isinstance(section, HolisticSection)
        self._section = section
        by_kind = {q.kind: q for q in section.questionnaires}
        for kind, form in self.forms.items():
            form.set_answers(by_kind[kind].answers if kind in by_kind else ())
            form.setVisible(kind not in FULL or kind in by_kind)
        self.wellbeing.load(section.wellbeing)
        self.review.load(section.review)

    def section(self) -> HolisticSection:
        lineage = {q.kind: q for q in self._section.questionnaires}
        today = self.context.today()
        out: list[QuestionnaireData] = []
        for kind, form in self.forms.items():
            if not (form.has_answers() or (kind in FULL and not form.isHidden())):
                continue
            old = lineage.get(kind)
            if old is not None and old.answers == form.answers():
                out.append(old)
            else:
                scored = self.context.services.clinical.score(kind, form.answers(), today)
                out.append(replace(scored, lineage_id=old.lineage_id if old else ""))
        return replace(
            self._section,
            questionnaires=tuple(out),
            wellbeing=self.wellbeing.items(),
            review=self.review.apply(self._section.review),
        )

    @staticmethod
    def is_complete(section: Any) -> bool:
        kinds = {q.kind for q in section.questionnaires}
        return {QuestionnaireKind.PHQ2, QuestionnaireKind.GAD2} <= kinds and bool(section.wellbeing)
