"""Step 3, Holistic needs: mood, anxiety and loneliness screens, the eight wellbeing areas, carers.

At a review today's answers start blank (`services/carry_forward.py`) and last time's are shown beside
them, read-only, as "Last time (date): …". A PHQ-9 question 9 answered above "Not at all" last time
is shown in red under the mood screen, not only in the grey line of last time's answers. When it is
answered above "Not at all" today the safety record (`ui/safety_record.py`) appears beside the PHQ-9 and
its prompt.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from careplanner.clinical.enums import CarerStatus, QuestionnaireKind, WellbeingArea
from careplanner.clinical.questionnaires import answered_in_full, self_harm_answer
from careplanner.services.last_time import HolisticLastTime, holistic_last_time
from careplanner.services.plan_data import HolisticSection, QuestionnaireData, WellbeingData
from careplanner.ui.fields import Field, enum_label, format_date
from careplanner.ui.forms import DataForm
from careplanner.ui.questionnaire_form import QuestionnaireForm
from careplanner.ui.rating_box import RatingBox
from careplanner.ui.safety_record import SafetyRecord
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
        self.last_time: dict[WellbeingArea, QLabel] = {}
        for row, area in enumerate(WellbeingArea):
            name = enum_label(area)
            label = QLabel(name)
            spin: QSpinBox = RatingBox()  # a digit typed after a click into "Not rated" is kept
            spin.setRange(0, 10)
            spin.setSpecialValueText(self.tr("Not rated"))
            spin.setAccessibleName(self.tr("{0}: rating 1 to 10").format(name))
            note = QLineEdit()
            note.setAccessibleName(self.tr("{0}: note").format(name))
            note.setPlaceholderText(self.tr("What the person said"))
            label.setBuddy(spin)
            spin.valueChanged.connect(on_change)
            note.textEdited.connect(on_change)
            last = QLabel()
            last.setObjectName("hint")
            last.setWordWrap(True)
            last.hide()
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(spin, 2 * row, 1)
            grid.addWidget(note, 2 * row, 2)
            grid.addWidget(last, 2 * row + 1, 1, 1, 2)
            self.rows[area] = (spin, note)
            self.last_time[area] = last
        grid.setColumnStretch(2, 1)

    def show_last_time(self, head: str, values: dict[WellbeingArea, str]) -> None:
        """Last time's rating under each area, read-only; `head` is "Last time (date)"."""
        for area, label in self.last_time.items():
            text = values.get(area, "")
            label.setText(f"{head}: {text}" if text else "")
            label.setAccessibleName(label.text())
            label.setVisible(bool(text))

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
            if kind is QuestionnaireKind.PHQ2:
                self.last_self_harm = QLabel()  # last time's question 9 answer, when above "Not at all"
                self.last_self_harm.setObjectName("fieldError")
                self.last_self_harm.setWordWrap(True)
                self.last_self_harm.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.last_self_harm.hide()
                self._layout.addWidget(self.last_self_harm)
            if kind is QuestionnaireKind.PHQ9:
                self.safety = SafetyRecord()
                self.safety.changed.connect(self.changed)
                self._layout.addWidget(self.safety)
                form.changed.connect(self._show_safety_record)
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
        full.rows[len(self.forms[FULL[kind]].rows)].setFocus()
        self.changed.emit()

    def _show_safety_record(self) -> None:
        """Beside the PHQ-9 while question 9 is above "Not at all", or once anything is recorded."""
        phq9 = self.forms[QuestionnaireKind.PHQ9]
        positive = phq9.isVisibleTo(self) and self_harm_answer(phq9.kind, phq9.answers()) is not None
        self.safety.setVisible(positive or self.safety.has_content())

    def load(self, section: Any) -> None:
        assert isinstance(section, HolisticSection)
        self._section = section
        by_kind = {q.kind: q for q in section.questionnaires}
        for kind, form in self.forms.items():
            form.set_answers(by_kind[kind].answers if kind in by_kind else ())
            form.setVisible(kind not in FULL or kind in by_kind)
        self.wellbeing.load(section.wellbeing)
        self.review.load(section.review)
        self.safety.set_practice(self.context.services.practice.get())
        self.safety.load(section.review)
        self._show_safety_record()
        base = self.base if isinstance(self.base, HolisticSection) else None
        self.show_last_time(holistic_last_time(base, self.base_date))

    def show_last_time(self, last: HolisticLastTime) -> None:
        """Last time's answers beside today's blank ones. A short screen also shows last time's full
        questionnaire result (PHQ-9 after PHQ-2), since the full form stays hidden until it is wanted."""
        when = format_date(last.on)
        head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
        for kind, form in self.forms.items():
            mine = last.questionnaires.get(kind)
            summaries = [mine.summary] if mine else []
            full = next((f for f, short in FULL.items() if short is kind), None)
            if full is not None and full in last.questionnaires:
                summaries.append(last.questionnaires[full].summary)
            items = mine.items if mine else ()
            taken = format_date(mine.taken_on) if mine and mine.taken_on else when
            form.show_last_time(taken, items, "; ".join(summaries))
        self.wellbeing.show_last_time(head, last.wellbeing)
        self._show_last_self_harm(last)

    def _show_last_self_harm(self, last: HolisticLastTime) -> None:
        phq9 = last.questionnaires.get(QuestionnaireKind.PHQ9)
        text = ""
        if phq9 is not None and phq9.self_harm_answer:
            when = format_date(phq9.taken_on or last.on)
            head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
            text = self.tr(
                '{0}: question 9 of the PHQ-9 (thoughts of self-harm) was answered "{1}". '
                "Ask about it again today."
            ).format(head, phq9.self_harm_answer)
        self.last_self_harm.setText(text)
        self.last_self_harm.setAccessibleName(text)
        self.last_self_harm.setVisible(bool(text))

    def focus_field(self, name: str, index: int | None = None) -> None:
        if name.startswith("safety_"):
            self.safety.show()
            self.reveal(self.safety.focus_field(name))
            return
        super().focus_field(name, index)

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
            review=self.safety.apply(self.review.apply(self._section.review)),
        )

    @staticmethod
    def is_complete(section: Any) -> bool:
        """Both short screens answered in full (one answered item is not a screen), any full form that
        was started finished too, and the wellbeing areas rated."""
        answered = {q.kind: answered_in_full(q.kind, q.answers) for q in section.questionnaires}
        screens = answered.get(QuestionnaireKind.PHQ2, False) and answered.get(QuestionnaireKind.GAD2, False)
        fulls = all(answered[k] for k in FULL if k in answered)
        return screens and fulls and bool(section.wellbeing)
