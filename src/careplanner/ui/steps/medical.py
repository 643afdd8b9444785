"""Step 2, Medical review: conditions (SNOMED-coded pick-list), medicines with the review decision and
the live anticholinergic burden, allergies, recent results and frailty.

At a review each medicine's decision starts as "Not reviewed" (`services/carry_forward.py`); last
time's decision is shown under today's, read-only, as "Last time (date): Change — …"."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCheckBox, QCompleter, QLabel, QLineEdit, QSpinBox, QVBoxLayout

from careplanner.clinical.conditions import search_conditions
from careplanner.clinical.enums import MedicineDecision
from careplanner.clinical.frailty import frailty_level
from careplanner.clinical.snomed import code_check_message
from careplanner.services.acb_checks import checked_total
from careplanner.services.last_time import medicine_decisions_last_time
from careplanner.services.plan_data import (
    AllergyData,
    ConditionData,
    MedicalSection,
    MedicineData,
    ResultData,
)
from careplanner.ui.acb_check import AcbCheck
from careplanner.ui.acb_panel import AcbPanel
from careplanner.ui.fields import Field, format_date
from careplanner.ui.forms import DataForm
from careplanner.ui.last_time_label import LastTimeLabel
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.medicine_rows import AllergyFlags, ImportedRecords, RecordMedicines, medicine_line
from careplanner.ui.read_only import EDIT_ONLY, READ_ONLY_VIEW
from careplanner.ui.steps.base import StepContext, StepWidget

REVIEW = (
    Field("frailty_score", "Clinical Frailty Scale (1 to 9)", "int", low=1, high=9),
    Field("frailty_assessed_on", "Frailty assessed on", "date", future_ok=False),
    Field("notes", "Notes from the review", "long"),
)
CONDITIONS = Field(
    "conditions",
    "Conditions",
    "list",
    item=ConditionData,
    fields=(
        Field(
            "term", "Condition", hint="Start typing to pick from the list (it fills in the SNOMED CT code)."
        ),
        Field("plain_name", "In plain words"),
        Field(
            "snomed_code",
            "SNOMED CT code",
            hint="Filled in when you pick from the list. Changing the condition's name clears it.",
            check=code_check_message,
        ),
        Field("diagnosed", "Diagnosed (year or date)"),
        Field("notes", "Notes", "long"),
    ),
    # An imported past problem stays on the record but must never look current.
    describe=lambda c: f"{c.term} (past: {c.clinical_status})" if c.is_history else c.term,
    noun="condition",
)
MEDICINES = Field(
    "medicines",
    "Medicines",
    "list",
    item=MedicineData,
    fields=(
        Field("name", "Medicine and strength"),
        # Offered only for a name the ACB list does not know (ui/acb_check.py): it adds 0 either way.
        Field("acb_checked", "Checked by me: not on the ACB scale (counts 0)", "bool"),
        Field("dose", "Dose"),
        Field("how_taken", "How it is taken"),
        Field("purpose", "What it is for"),
        Field("decision", "Review decision", "enum", enum=MedicineDecision),
        Field("decision_reason", "Reason for the decision (for clinicians: not printed on my copy)"),
        Field(
            "person_note",
            "What this means for me",
            "long",
            hint="Printed on my copy in plain words; left empty, the copy says what the decision means.",
        ),
    ),
    describe=medicine_line,  # with whether it was recognised for the ACB, at once as it is typed
    noun="medicine",
)
ALLERGIES = Field(
    "allergies",
    "Allergies",
    "list",
    item=AllergyData,
    fields=(Field("substance", "Substance"), Field("reaction", "Reaction"), Field("severity", "Severity")),
    describe=lambda a: f"{a.substance} (past: {a.clinical_status})" if a.is_history else a.substance,
    noun="allergy",
    nouns="allergies",
)
# "None known" is a statement the clinician makes after asking; with nothing listed and this unticked, the
# person's copy says allergies were not recorded. It cannot be ticked while allergies are listed, and
# adding an allergy unticks it (the step's hint says so only while allergies are listed).
ALLERGY_STATEMENT = (Field("no_known_allergies", "No known allergies (I asked, and there are none)", "bool"),)
RESULTS = Field(
    "results",
    "Recent results",
    "list",
    item=ResultData,
    fields=(
        Field("name", "Test"),
        Field("value", "Value"),
        Field("unit", "Unit"),
        Field("taken_on", "Taken on", "date", future_ok=False),
        Field("plain_note", "What it means, in plain words", "long"),
    ),
    describe=lambda r: f"{r.name} {r.value} {r.unit}".strip(),
    noun="result",
)


class MedicalStep(StepWidget):
    key = "medical"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.conditions = self.add_list("conditions", ListEditor(CONDITIONS))
        self.medicines = self.add_list("medicines", ListEditor(MEDICINES))
        self.allergies = self.add_list("allergies", ListEditor(ALLERGIES))
        self.allergy_statement = self.add_form("allergy_statement", DataForm(ALLERGY_STATEMENT))
        self.no_known_allergies = cast(QCheckBox, self.allergy_statement.widget("no_known_allergies"))
        self.allergy_hint = QLabel()
        self.allergy_hint.setObjectName("hint")
        self.allergy_hint.setWordWrap(True)
        self.allergy_hint.hide()
        self.allergy_hint.setProperty(EDIT_ONLY, True)
        # Its room is kept while it is hidden: appearing with the first allergy, it pushed "Add allergy"
        # (and the list) down under the pointer.
        self.allergy_hint.setText(self.tr("Cannot be ticked while allergies are listed."))
        room = self.allergy_hint.sizePolicy()
        room.setRetainSizeWhenHidden(True)
        self.allergy_hint.setSizePolicy(room)
        self.allergies.changed.connect(self._allergies_edited)
        self.no_known_allergies.toggled.connect(self._sync_allergy_statement)
        self.results = self.add_list("results", ListEditor(RESULTS))
        self.review = self.add_form("review", DataForm(REVIEW))
        self.frailty_label = QLabel()
        self.frailty_label.setObjectName("hint")
        self.last_time = LastTimeLabel()  # at a review: last time's frailty and notes, read-only
        cast(QSpinBox, self.review.widget("frailty_score")).valueChanged.connect(self._show_frailty)

        self.acb_box = AcbPanel()
        self.acb_label = self.acb_box.total_label
        self.medicines.changed.connect(self._show_acb)
        self.record_medicines = RecordMedicines(self.medicines, self)  # pick from an imported record
        self.allergy_flags = AllergyFlags(self.medicines, self.allergies, self)  # a medicine they react to
        self.acb_check = AcbCheck(self.medicines, self)  # "checked: not on the ACB scale" for an unknown name
        self._last_decisions: dict[str, str] = {}
        self.last_decision = QLabel()  # at a review: last time's decision for the selected medicine
        self.last_decision.setObjectName("hint")
        self.last_decision.setWordWrap(True)
        self.last_decision.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_decision.hide()
        decision = self.medicines.form.widget("decision")
        holder = decision.parentWidget()
        assert holder is not None and isinstance(holder.layout(), QVBoxLayout)
        cast(QVBoxLayout, holder.layout()).insertWidget(1, self.last_decision)  # just under the decision
        self.medicines.current_changed.connect(self._show_last_decision)

        self._suggest = QStringListModel(self)
        completer = QCompleter(self._suggest, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.term_edit = cast(QLineEdit, self.conditions.form.widget("term"))
        self.term_edit.setCompleter(completer)
        self.term_edit.textEdited.connect(self._search_conditions)
        self.term_edit.textEdited.connect(self._term_typed)
        completer.activated.connect(self._condition_picked)

        self.group(self.tr("Conditions"), self.conditions)
        self.group(self.tr("Medicines"), self.medicines, self.acb_box)
        self.group(self.tr("Allergies"), self.allergy_statement, self.allergy_hint, self.allergies)
        self.group(self.tr("Recent results"), self.results)
        self.group(self.tr("Frailty and review notes"), self.review, self.frailty_label, self.last_time)
        self.finish()

    def _search_conditions(self, text: str) -> None:
        self._found = search_conditions(text, limit=10) if len(text.strip()) >= 2 else []
        self._suggest.setStringList([c.name for c in self._found])

    def _term_typed(self, _text: str) -> None:
        """A typed change to a coded condition's name clears its code: the code was chosen for the
        old name, and keeping it would record a diagnosis the words no longer say. Picking from the
        list (or typing the code) sets it again."""
        code_edit = cast(QLineEdit, self.conditions.form.widget("snomed_code"))
        if code_edit.text():
            code_edit.clear()

    def _condition_picked(self, name: str) -> None:
        match = next((c for c in getattr(self, "_found", []) if c.name == name), None)
        row = self.conditions.current_index()
        if match is None or row < 0:
            return
        current = self.conditions.items()[row]
        self.conditions.replace_item(
            row, replace(current, term=match.name, plain_name=match.plain_name, snomed_code=match.snomed_code)
        )

    def _allergies_edited(self) -> None:
        """Adding or typing an allergy unticks "No known allergies" at once: both cannot be true. (A plan
        loaded with both keeps them, so the clinician sees the conflict and decides.)"""
        box = self.no_known_allergies
        if box.isChecked() and self.allergies.items() and box.property(READ_ONLY_VIEW) is not True:
            box.setChecked(False)  # saved like a click: the form reports the change
        self._sync_allergy_statement()

    def _sync_allergy_statement(self, *_: object) -> None:
        """Let "No known allergies" be ticked only while no allergy is listed (and unticked at any time);
        the hint says why only while it applies."""
        if self.no_known_allergies.property(READ_ONLY_VIEW) is True:
            self.allergy_hint.hide()
            return
        listed = bool(self.allergies.items())
        checked = self.no_known_allergies.isChecked()
        self.no_known_allergies.setEnabled(not listed or checked)
        if not listed:
            hint = ""
        elif checked:
            hint = self.tr("Allergies are listed: untick this, or remove the allergies.")
        else:
            hint = self.tr("Cannot be ticked while allergies are listed.")
        self.no_known_allergies.setToolTip(hint)
        if hint:  # hidden, it keeps its last words: its room is then one line of them, as when shown
            self.allergy_hint.setText(hint)
        self.allergy_hint.setVisible(bool(hint))

    def _show_last_decision(self, row: int) -> None:
        """Last time's review decision for the selected medicine, read-only (today's starts blank)."""
        items = self.medicines.items()
        text = self._last_decisions.get(items[row].lineage_id, "") if 0 <= row < len(items) else ""
        if text:
            when = format_date(self.base_date)
            head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
            text = f"{head}: {text}"
        self.last_decision.setText(text)
        self.last_decision.setAccessibleName(text)
        self.last_decision.setVisible(bool(text))

    def bind_person(self, person: Any, *_: Any) -> None:
        """The plan shown is this person's: offer their imported record's medicines (if any)."""
        shelf = ImportedRecords.of(self.context.services)
        person_id = getattr(person, "id", None)  # a plan shown with no person offers nothing
        self.record_medicines.set_medicines(shelf.medicines.get(person_id, ()) if person_id else ())

    def _show_frailty(self, score: int) -> None:
        self.frailty_label.setText(
            self.tr("CFS {0}: {1}").format(score, frailty_level(score).name) if 1 <= score <= 9 else ""
        )

    def _show_acb(self) -> None:
        self.acb_box.show_result(*checked_total(MedicalSection(medicines=self.medicines.items())))

    def load(self, section: Any) -> None:
        assert isinstance(section, MedicalSection)
        self._section = section
        self.last_time.show_medical(self.base, self.base_date)
        base = self.base if isinstance(self.base, MedicalSection) and self.review_mode else None
        self._last_decisions = medicine_decisions_last_time(base)
        self.review.load(section.review)
        self.allergy_statement.load(section.review)
        self.conditions.set_items(section.conditions)
        self.medicines.set_items(section.medicines)
        self.allergies.set_items(section.allergies)
        self.results.set_items(section.results)
        self.allergy_flags.refresh()
        self.acb_check.refresh()
        self._show_last_decision(self.medicines.current_index())
        self._sync_allergy_statement()
        self._show_acb()
        self._show_frailty(section.review.frailty_score or 0)

    def section(self) -> MedicalSection:
        return replace(
            self._section,
            review=self.allergy_statement.apply(self.review.apply(self._section.review)),
            conditions=self.conditions.items(),
            medicines=self.medicines.items(),
            allergies=self.allergies.items(),
            results=self.results.items(),
        )

    @staticmethod
    def is_complete(section: Any) -> bool:
        meds = section.medicines
        return bool(section.conditions) and all(m.decision is not MedicineDecision.NOT_REVIEWED for m in meds)
