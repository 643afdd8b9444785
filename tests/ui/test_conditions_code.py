"""The condition editor's SNOMED CT code: typing over a coded condition's name clears its code, a
mistyped or unverified code is marked at the field, and a sick-day template inserted in the editor
lists the medicines typed in the medical step."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.contingency import ContingencyStep
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.helpers import press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _medical(window: MainWindow, person: PersonRecord) -> MedicalStep:
    window.open_person(person.id)
    window.editor.go_to("medical")
    return cast(MedicalStep, window.editor.step("medical"))


def _pick(qtbot: QtBot, medical: MedicalStep, typed: str, name: str) -> None:
    """Type the start of a condition and pick it from the suggestions, as the clinician does."""
    press(qtbot, medical.conditions.add_button)
    type_into(qtbot, medical.term_edit, typed)
    _choose_suggestion(qtbot, medical, name)


def _choose_suggestion(qtbot: QtBot, medical: MedicalStep, name: str) -> None:
    """Arrow down the suggestions to `name` and press Return, as the clinician does."""
    completer = cast(QCompleter, medical.term_edit.completer())
    popup = completer.popup()
    assert popup.isVisible()
    names = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert name in names
    for _ in range(names.index(name) + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_editing_a_coded_conditions_term_clears_its_code(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    medical = _medical(window, person)
    _pick(qtbot, medical, "Demen", "Dementia")
    code_edit = cast(QLineEdit, medical.conditions.form.widget("snomed_code"))
    assert medical.conditions.items()[0].snomed_code == "52448006"
    assert code_edit.text() == "52448006"

    # The clinician changes the name: the person has mild memory problems, not dementia.
    medical.term_edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(medical.term_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(medical.term_edit, "Memory problems")
    assert code_edit.text() == ""
    condition = medical.conditions.items()[0]
    assert (condition.term, condition.snomed_code) == ("Memory problems", "")
    window.editor.flush()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None
    assert [(c.term, c.snomed_code) for c in saved.content.medical.conditions] == [("Memory problems", "")]


def test_picking_again_after_typing_sets_the_new_code(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    medical = _medical(window, person)
    _pick(qtbot, medical, "Demen", "Dementia")
    qtbot.keyClick(medical.term_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(medical.term_edit, "Alzh")
    assert medical.conditions.items()[0].snomed_code == ""
    _choose_suggestion(qtbot, medical, "Alzheimer's disease")
    assert medical.conditions.items()[0].snomed_code == "26929004"


def test_a_typed_code_is_checked_at_the_field(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    medical = _medical(window, person)
    press(qtbot, medical.conditions.add_button)
    type_into(qtbot, medical.term_edit, "Dementia")
    code_edit = cast(QLineEdit, medical.conditions.form.widget("snomed_code"))
    form = medical.conditions.form
    type_into(qtbot, code_edit, "52448007")  # last digit mistyped
    assert "check digit" in form._errors["snomed_code"].text()
    qtbot.keyClick(code_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(code_edit, "6")
    assert form._errors["snomed_code"].text() == ""
    qtbot.keyClick(code_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(code_edit, "22298006")  # well formed, not in the app's list
    assert form._errors["snomed_code"].text().startswith("Not checked")


def test_sick_day_template_lists_the_medicines_typed_in_the_medical_step(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    medical = _medical(window, person)
    for name in ("Metformin 500mg tablets", "Amlodipine 5mg tablets"):
        press(qtbot, medical.medicines.add_button)
        type_into(qtbot, cast(QLineEdit, medical.medicines.form.widget("name")), name)
    window.editor.go_to("contingency")
    contingency = cast(ContingencyStep, window.editor.step("contingency"))
    box = contingency.template_box
    box.setCurrentIndex(box.findText("Diabetes: hypos and sick days"))
    assert box.currentIndex() >= 0
    insert = next(b for b in contingency.findChildren(QPushButton) if b.text() == "Insert template")
    press(qtbot, insert)
    plan = contingency.plans.items()[-1]
    assert "I pause these medicines: Metformin 500mg tablets (" in plan.amber_what_i_do
    assert "Amlodipine" not in plan.amber_what_i_do
    assert isinstance(box, QComboBox)
