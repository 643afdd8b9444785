"""A medicine the ACB list does not know (ramipril, a brand it lacks) showed "not recognised — check by
hand" with no way to settle it (issue 12). The clinician can now tick "Checked by me: not on the ACB scale"
on the line: the warning clears, the line says it was checked, the total says how many lines were checked
by the clinician, the tick is stored on the medicine line, and no score is ever made up for it."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.plan_gaps import medicine_gaps
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.session import UserSession
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.helpers import press
from tests.ui.standalone import click, make_editor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _add(qtbot: QtBot, step: MedicalStep, name: str) -> None:
    click(qtbot, step.medicines.add_button)
    qtbot.keyClicks(step.medicines.form.widget("name"), name)


def test_a_medicine_checked_by_the_clinician_is_no_longer_not_recognised(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft, step="medical")
    step = cast(MedicalStep, editor.step("medical"))
    box = cast(QCheckBox, step.medicines.form.widget("acb_checked"))

    _add(qtbot, step, "Oxybutynin 5mg tablets")  # on the scale (3): no tick to offer
    assert not box.isVisible()
    _add(qtbot, step, "Ramipril 5mg capsules")
    assert "not recognised" in step.medicines.list.item(1).text()
    assert step.acb_box.check_label.isVisible() and "Ramipril" in step.acb_box.check_label.text()
    assert box.isVisible() and not box.isChecked()

    press(qtbot, box)  # Space on the tick, from the keyboard

    line = step.medicines.list.item(1).text()
    assert "checked by the clinician" in line and "not recognised" not in line
    assert not step.acb_box.check_label.isVisible()  # the warning is cleared
    total = step.acb_box.total_label.text()
    assert "total is 3" in total  # oxybutynin's 3: the checked line adds nothing, no score made up
    assert "1 medicine checked by the clinician as not on the ACB scale" in total and "Ramipril" in total
    editor.flush()
    stored = ctx.services.plans.get(draft.id).content
    assert [m.acb_checked for m in stored.medical.medicines] == [False, True]
    assert not any("Not recognised" in g.message for g in medicine_gaps(stored))  # "Before you agree"

    # Opened again from the store: still shown as checked.
    editor.open_plan(person, ctx.services.plans.get(draft.id), step="medical")
    step.medicines.select(1)
    assert box.isVisible() and box.isChecked()
    assert "checked by the clinician" in step.medicines.list.item(1).text()


def test_changing_the_name_unticks_the_check(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft, step="medical")
    step = cast(MedicalStep, editor.step("medical"))
    box = cast(QCheckBox, step.medicines.form.widget("acb_checked"))
    _add(qtbot, step, "Ramipril")
    press(qtbot, box)  # Space on the tick, from the keyboard
    assert box.isChecked()

    name = cast(QLineEdit, step.medicines.form.widget("name"))
    name.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(name, Qt.Key.Key_End)
    qtbot.keyClicks(name, "x")  # now another name: the check was for the old one
    assert not box.isChecked()
    assert "not recognised" in step.medicines.list.item(0).text()
    assert step.acb_box.check_label.isVisible()
    editor.flush()
    assert not ctx.services.plans.get(draft.id).content.medical.medicines[0].acb_checked
