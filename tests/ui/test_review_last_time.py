"""Nurse walk-through of issue 10, items 2 and 14, in the real widgets at a review.

Item 2: each carried medicine's decision starts "Not reviewed"; last time's decision is shown under
today's, read-only, for the medicine selected. Item 14: a PHQ-9 question 9 answered above "Not at all"
last time is shown in the warning style (red), not only in the grey line of last time's answers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision, QuestionnaireKind
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.step_states import agreed_day
from careplanner.ui.steps.holistic import HolisticStep
from careplanner.ui.steps.medical import MedicalStep
from careplanner.ui.style import RED
from tests.ui.helpers import choose, press

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

LAST_MEDICAL = d.MedicalSection(
    conditions=(d.ConditionData(term="Heart failure", snomed_code="84114007"),),
    medicines=(
        d.MedicineData(
            name="Furosemide 40mg tablets",
            decision=MedicineDecision.CHANGE,
            decision_reason="Ankles swollen: dose doubled",
        ),
        d.MedicineData(name="Ramipril 5mg capsules", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Amitriptyline 10mg tablets", decision=MedicineDecision.STOP),
    ),
)
LAST_HOLISTIC = d.HolisticSection(
    questionnaires=(
        d.QuestionnaireData(QuestionnaireKind.PHQ2, (2, 2), 4, "positive"),
        d.QuestionnaireData(QuestionnaireKind.PHQ9, (2, 2, 1, 1, 2, 1, 1, 0, 2), 12, "moderate", True),
    ),
)


def _review(qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord) -> str:
    """Agree last time's plan, open the person for today's review; the day it was agreed (dd/mm/yyyy)."""
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    plans.save_section(draft.id, LAST_MEDICAL, actor)
    plans.save_section(draft.id, LAST_HOLISTIC, actor)
    agreed = plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90))
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.base is not None)
    day = agreed_day(agreed)
    assert day is not None
    return day.strftime("%d/%m/%Y")


def test_a_carried_medicine_starts_not_reviewed_with_last_times_decision_beside_it(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    day = _review(qtbot, window, ctx, actor, person)
    window.editor.go_to("medical")
    medical = cast(MedicalStep, window.editor.step("medical"))
    meds = medical.medicines
    assert [m.name for m in meds.items()] == ["Furosemide 40mg tablets", "Ramipril 5mg capsules"]
    decision = cast(QComboBox, meds.form.widget("decision"))

    meds.select(0)
    assert decision.currentText() == "Not reviewed"
    assert meds.form.value_of("decision_reason", None) == ""
    assert medical.last_decision.isVisible()
    assert medical.last_decision.text() == f"Last time ({day}): Change — Ankles swollen: dose doubled"
    meds.select(1)
    assert decision.currentText() == "Not reviewed"
    assert medical.last_decision.text() == f"Last time ({day}): Continue"

    # Today's decision is today's; last time's stays beside it, unchanged.
    choose(qtbot, decision, "Continue")
    assert meds.items()[1].decision is MedicineDecision.CONTINUE
    assert medical.last_decision.text() == f"Last time ({day}): Continue"
    # A medicine added today has no last time.
    press(qtbot, meds.add_button)
    assert not medical.last_decision.isVisible()


def test_last_times_positive_question_9_is_shown_as_a_warning(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    day = _review(qtbot, window, ctx, actor, person)
    window.editor.go_to("holistic")
    holistic = cast(HolisticStep, window.editor.step("holistic"))
    warning = holistic.last_self_harm
    assert warning.isVisible()
    assert warning.text().startswith(
        f"Last time ({day}): question 9 of the PHQ-9 (thoughts of self-harm) was answered "
        '"More than half the days (2)".'
    )
    assert warning.objectName() == "fieldError"  # the app's warning style: red, bold
    assert warning.palette().color(warning.foregroundRole()).name().upper() == RED.upper()
    # Straight under the mood screen, where it is seen even while the full PHQ-9 is still closed.
    phq2 = holistic.forms[QuestionnaireKind.PHQ2]
    assert not holistic.forms[QuestionnaireKind.PHQ9].isVisible()
    assert 0 < warning.y() - (phq2.y() + phq2.height()) < 40


def test_no_warning_when_question_9_was_not_at_all_or_there_was_no_last_time(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.person is not None)
    window.editor.go_to("holistic")
    holistic = cast(HolisticStep, window.editor.step("holistic"))
    assert not holistic.last_self_harm.isVisible() and holistic.last_self_harm.text() == ""
