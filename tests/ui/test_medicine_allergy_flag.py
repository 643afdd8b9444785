"""The reviewing nurse imported Amoxicillin as a current allergy, then added Amoxicillin as a medicine,
and nothing was flagged. The medicine's line now says so as it is typed, and "Before you agree" lists it
as a must-check item."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.helpers import alt

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def test_a_medicine_typed_that_matches_a_recorded_allergy_is_flagged_on_its_line_and_before_agreeing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    allergy = d.AllergyData(substance="Amoxicillin 250mg capsules (unconfirmed)", substance_code="323509004")
    ctx.services.plans.save_section(draft.id, d.MedicalSection(allergies=(allergy,)), actor)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("medical")
    step = window.editor.step("medical")
    assert isinstance(step, MedicalStep)

    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Amoxicillin 500mg capsules")
    line = step.medicines.list.item(0)
    assert (
        "⚠ ALLERGY recorded: Amoxicillin 250mg capsules (unconfirmed) — check before it is given"
        in line.text()
    )
    assert line.toolTip().startswith("ALLERGY recorded")
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Ramipril 5mg capsules")
    assert "ALLERGY" not in step.medicines.list.item(1).text()

    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    qtbot.waitUntil(
        lambda: any(
            "matches a recorded allergy" in w.text() for w in sharing.checklist.findChildren(QPushButton)
        )
    )
