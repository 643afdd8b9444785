"""Issue 12: Remove is one click, so every removal can be undone ("Goal removed — Undo", Ctrl+Z outside
text fields), putting the item back exactly, nested fields and all, and saving it again."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import ActionStatus, CommunicationNeed
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ActionData, GoalData, GoalsSection
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.session import UserSession
from careplanner.ui.undo_bar import UndoBar
from tests.conftest import make_person
from tests.ui.helpers import choose
from tests.ui.standalone import click, make_editor, type_in

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _open(editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord) -> str:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft)
    editor.go_to("goals")
    return draft.id


def _saved_goals(ctx: AppContext, draft_id: str) -> tuple[GoalData, ...]:
    content = ctx.services.plans.get(draft_id).content
    assert isinstance(content.goals, GoalsSection)
    return content.goals.goals


def _goal_with_full_action(qtbot: QtBot, goals: ListEditor, text: str) -> None:
    """A goal typed in, with one action whose ten fields are all filled in, as a nurse would."""
    click(qtbot, goals.add_button)
    type_in(qtbot, goals.form.widget("text"), text)
    actions = goals.form.widget("actions")
    assert isinstance(actions, ListEditor)
    click(qtbot, actions.add_button)
    form = actions.form
    type_in(qtbot, form.widget("what"), "Walk to the end of the road each day")
    type_in(qtbot, form.widget("who_name"), "Sam Example")
    type_in(qtbot, form.widget("who_role"), "Health coach")
    type_in(qtbot, form.widget("who_contact"), "0113 496 0000")
    type_in(qtbot, form.widget("when"), "Every morning")
    type_in(qtbot, form.widget("due_on"), "01/03/2027")
    choose(qtbot, form.widget("status"), "In progress")
    type_in(qtbot, form.widget("confidence"), "7")
    type_in(qtbot, form.widget("strategies"), "A walking buddy on Tuesdays")
    type_in(qtbot, form.widget("review_on"), "15/02/2027")


def test_a_removed_goal_with_its_ten_field_action_comes_back_with_undo(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id = _open(editor, ctx, actor, person)
    goals = editor.step("goals").goals  # type: ignore[attr-defined]
    _goal_with_full_action(qtbot, goals, "I want to walk to the shops again")
    editor.flush()
    before = _saved_goals(ctx, draft_id)
    action = before[0].actions[0]
    assert action == ActionData(
        "Walk to the end of the road each day",
        "Sam Example",
        "Health coach",
        "0113 496 0000",
        "Every morning",
        date(2027, 3, 1),
        ActionStatus.IN_PROGRESS,
        7,
        "A walking buddy on Tuesdays",
        date(2027, 2, 15),
        action.lineage_id,
    )

    goals.select(0)
    click(qtbot, goals.remove_button)
    editor.flush()
    assert goals.items() == () and _saved_goals(ctx, draft_id) == ()
    bar = UndoBar.of(editor)
    assert bar.isVisible() and bar.label.text() == "Goal removed" and bar.undo_button.isVisible()

    click(qtbot, bar.undo_button)
    assert goals.items() == before  # exactly: the action's ten fields and every lineage kept
    assert goals.list.item(0).text().startswith("I want to walk to the shops again")
    actions = goals.form.widget("actions")
    assert isinstance(actions, ListEditor) and actions.items() == before[0].actions
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass  # autosaved, as any other edit
    assert _saved_goals(ctx, draft_id) == before


def test_ctrl_z_undoes_a_removal_outside_text_and_stays_the_fields_own_inside(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id = _open(editor, ctx, actor, person)
    goals = editor.step("goals").goals  # type: ignore[attr-defined]
    _goal_with_full_action(qtbot, goals, "I want to sleep better")
    _goal_with_full_action(qtbot, goals, "I want to see my grandchildren")
    editor.flush()
    before = _saved_goals(ctx, draft_id)
    goals.select(0)
    goals.list.setFocus()
    qtbot.keyClick(goals.list, Qt.Key.Key_Delete)
    assert [g.text for g in goals.items()] == ["I want to see my grandchildren"]

    # In a text field Ctrl+Z is the field's own typing undo: the removed goal stays removed.
    field = goals.form.widget("text")
    assert isinstance(field, QLineEdit)
    type_in(qtbot, field, " often")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert field.text() == "I want to see my grandchildren"
    assert len(goals.items()) == 1

    # Outside text (the list has the focus) Ctrl+Z puts the goal back where it was.
    goals.list.setFocus()
    qtbot.keyClick(goals.list, Qt.Key.Key_Z, CTRL)
    assert goals.items() == before
    assert goals.current_index() == 0 and QApplication.focusWidget() is goals.list
    editor.flush()
    assert _saved_goals(ctx, draft_id) == before


def test_an_action_removed_from_one_goal_goes_back_to_that_goal(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id = _open(editor, ctx, actor, person)
    goals = editor.step("goals").goals  # type: ignore[attr-defined]
    _goal_with_full_action(qtbot, goals, "I want to sleep better")
    _goal_with_full_action(qtbot, goals, "I want to see my grandchildren")
    editor.flush()
    before = _saved_goals(ctx, draft_id)
    goals.select(0)
    actions = goals.form.widget("actions")
    assert isinstance(actions, ListEditor)
    actions.select(0)
    click(qtbot, actions.remove_button)
    assert UndoBar.of(editor).label.text() == "Action removed"
    goals.select(1)  # the actions list now shows the other goal's action
    click(qtbot, UndoBar.of(editor).undo_button)
    assert goals.items() == before  # back in the first goal, the second untouched
    assert goals.current_index() == 0
    editor.flush()
    assert _saved_goals(ctx, draft_id) == before


def test_nothing_removed_from_one_person_comes_back_into_the_next(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    _open(editor, ctx, actor, person)
    goals = editor.step("goals").goals  # type: ignore[attr-defined]
    _goal_with_full_action(qtbot, goals, "I want to sleep better")
    click(qtbot, goals.remove_button)
    bar = UndoBar.of(editor)
    assert bar.isVisible()
    other = ctx.services.people.create(
        make_person(first_name="Bea", family_name="Example", nhs_number=""), actor
    )
    other_draft = _open(editor, ctx, actor, other)
    assert not bar.isVisible()  # the offer went with the person it was about
    goals.list.setFocus()
    qtbot.keyClick(goals.list, Qt.Key.Key_Z, CTRL)
    assert goals.items() == ()
    editor.flush()
    assert _saved_goals(ctx, other_draft) == ()


def test_a_removed_communication_need_comes_back_to_the_persons_record(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft)
    needs = editor.step("about_me").needs  # type: ignore[attr-defined]
    choose(qtbot, needs.choice, "Large print")
    click(qtbot, needs.add_button)
    assert [n.need for n in ctx.services.people.get(person.id).details.communication_needs] == [
        CommunicationNeed.LARGE_PRINT
    ]
    needs.list.setCurrentRow(0)
    click(qtbot, needs.remove_button)
    assert ctx.services.people.get(person.id).details.communication_needs == ()
    bar = UndoBar.of(editor)
    assert bar.label.text() == "Communication need removed"
    click(qtbot, bar.undo_button)
    assert [n.need for n in ctx.services.people.get(person.id).details.communication_needs] == [
        CommunicationNeed.LARGE_PRINT
    ]
    assert needs.list.count() == 1
