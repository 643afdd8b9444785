"""Goal and action phrases by condition (issue 12): for a person with diabetes and COPD the goal and action
fields offer a short list of plain-English starting points for those conditions. Picking one fills the
field (saved like typing, undone with Ctrl+Z); typing is never blocked; the person's own words are never
replaced by a phrase."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.goal_phrases import PhraseGroup, load_phrase_groups
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.session import UserSession
from careplanner.ui.steps.goals import GoalsStep
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.standalone import click, make_editor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

CONDITIONS = (
    d.ConditionData(term="Type 2 diabetes", plain_name="Type 2 diabetes", snomed_code="44054006"),
    d.ConditionData(term="COPD (chronic obstructive pulmonary disease)", snomed_code="13645005"),
    d.ConditionData(term="Asthma", clinical_status="resolved"),  # past: offers nothing
)


def _group(name: str) -> PhraseGroup:
    return next(g for g in load_phrase_groups() if g.condition == name)


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _open(editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord) -> tuple[str, GoalsStep]:
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(draft.id, d.MedicalSection(conditions=CONDITIONS), actor)
    editor.open_plan(person, ctx.services.plans.get(draft.id), step="goals")
    return draft.id, cast(GoalsStep, editor.step("goals"))


def test_the_goal_field_offers_phrases_for_the_persons_conditions(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id, step = _open(editor, ctx, actor, person)
    click(qtbot, step.goals.add_button)
    picker, text = step.goal_phrases, cast(QLineEdit, step.goals.form.widget("text"))
    assert picker.isVisible()
    offered = picker.phrases()
    assert set(_group("Diabetes").goals) <= set(offered) and set(_group("COPD").goals) <= set(offered)
    assert not set(_group("Asthma").goals) & set(offered)  # a past condition offers nothing
    assert "Diabetes" in picker.itemText(0) and "COPD" in picker.itemText(0)

    # By keyboard: Tab from the goal's words to its starting points, Down picks the first phrase.
    text.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert picker.hasFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    first = _group("Diabetes").goals[0]
    assert text.text() == first
    qtbot.keyClick(picker, Qt.Key.Key_Down)  # the next phrase replaces the one just picked
    assert text.text() == _group("Diabetes").goals[1]

    # Then the person's words: typed on after the phrase, never blocked, and the list steps aside.
    text.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(text, Qt.Key.Key_End)
    qtbot.keyClicks(text, ", like I did with Mum")
    assert text.text() == _group("Diabetes").goals[1] + ", like I did with Mum"
    assert not picker.isEnabled()  # the person's own words are not replaced by a phrase
    editor.flush()
    stored = ctx.services.plans.get(draft_id).content.goals.goals
    assert stored[0].text == _group("Diabetes").goals[1] + ", like I did with Mum"

    qtbot.keyClick(text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Qt's undo in the field
    assert text.text() != _group("Diabetes").goals[1] + ", like I did with Mum"


def test_an_actions_phrases_follow_conditions_added_in_the_medical_step(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id, step = _open(editor, ctx, actor, person)
    click(qtbot, step.goals.add_button)
    qtbot.keyClicks(step.goals.form.widget("text"), "I want to walk to the shops again")
    click(qtbot, step.action_list.add_button)
    assert set(step.action_phrases.phrases()) >= set(_group("COPD").actions)
    assert not set(_group("Heart failure").actions) & set(step.action_phrases.phrases())

    # Heart failure added in the medical step (not yet saved): the Goals step offers its actions at once.
    editor.go_to("medical")
    medical = cast(MedicalStep, editor.step("medical"))
    click(qtbot, medical.conditions.add_button)
    qtbot.keyClicks(medical.term_edit, "Heart failure")
    editor.go_to("goals")
    assert set(_group("Heart failure").actions) <= set(step.action_phrases.phrases())

    what = cast(QLineEdit, step.action_list.form.widget("what"))
    weigh = "Weigh myself every morning and write it down"
    index = step.action_phrases.findData(weigh)
    assert index > 0
    step.action_phrases.setFocus(Qt.FocusReason.TabFocusReason)
    step.action_phrases.setCurrentIndex(index - 1)
    qtbot.keyClick(step.action_phrases, Qt.Key.Key_Down)
    assert what.text() == weigh
    editor.flush()
    goal = ctx.services.plans.get(draft_id).content.goals.goals[0]
    assert goal.actions[0].what == weigh
