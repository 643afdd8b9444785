"""Rarely used fields behind "More…" (issue 12): codes, a new goal's outcome, how to contact someone. The
disclosure is reached with Tab and opened with Space; it opens by itself for an item that has something
in those fields (never hiding data), and remembers nothing from one goal, or one person, to the next."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.more_fields import MoreFields
from careplanner.ui.session import UserSession
from careplanner.ui.steps.goals import GoalsStep
from tests.conftest import make_person
from tests.ui.standalone import click, make_editor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _open_goals(editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord) -> GoalsStep:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft, step="goals")
    return cast(GoalsStep, editor.step("goals"))


def _more(goals: ListEditor) -> MoreFields:
    more = goals.form.more
    assert more is not None
    return more


def test_a_new_goals_outcome_and_code_wait_behind_more(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    goals = _open_goals(editor, ctx, actor, person).goals
    click(qtbot, goals.add_button)
    outcome, code = goals.form.widget("outcome"), goals.form.widget("code")
    more = _more(goals)
    assert goals.form.widget("text").isVisible() and goals.form.widget("importance").isVisible()
    assert not outcome.isVisible() and not code.isVisible()  # a brand-new goal has no outcome yet
    assert more.button.isVisible() and more.button.text() == "More…"

    # Keyboard: Tab from the goal's status reaches "More…"; Space opens it; Tab goes on into the outcome.
    status = goals.form.widget("status")
    status.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(status, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is more.button
    qtbot.keyClick(more.button, Qt.Key.Key_Space)
    assert outcome.isVisible() and code.isVisible()
    qtbot.keyClick(more.button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is outcome
    qtbot.keyClicks(outcome, "Walked to the shop twice")

    # What is typed there is never hidden: the disclosure cannot be closed while it holds something.
    qtbot.mouseClick(more.button, Qt.MouseButton.LeftButton)
    assert outcome.isVisible() and not more.button.isEnabled()
    editor.flush()
    stored = ctx.services.plans.get(editor.plan.id if editor.plan else "").content.goals.goals
    assert stored[0].outcome == "Walked to the shop twice"


def test_more_opens_by_itself_for_an_item_with_something_there_and_remembers_nothing(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor
) -> None:
    coded = d.GoalData(text="I want to sleep better", code="1234", outcome_recorded_on=date(2026, 11, 2))
    plain = d.GoalData(text="I want to walk to the shops again")
    first = ctx.services.people.create(
        make_person(first_name="Bea", family_name="Coded", nhs_number=""), actor
    )
    draft = ctx.services.plans.start_draft(first.id, actor)
    ctx.services.plans.save_section(draft.id, d.GoalsSection(goals=(plain, coded)), actor)
    editor.open_plan(first, ctx.services.plans.get(draft.id), step="goals")
    goals = cast(GoalsStep, editor.step("goals")).goals
    more = _more(goals)

    assert goals.current_index() == 0 and not more.is_open()  # nothing behind More for this goal
    click(qtbot, more.button)  # opened by hand for this goal only
    assert goals.form.widget("code").isVisible()
    goals.select(1)
    assert more.is_open() and cast(QLineEdit, goals.form.widget("code")).text() == "1234"  # shown: data
    goals.select(0)
    assert not more.is_open()  # the hand-opened state was not remembered

    # The next person's goal starts closed, whatever was open for the last one.
    goals.select(1)
    second = ctx.services.people.create(
        make_person(first_name="Cal", family_name="Plain", nhs_number=""), actor
    )
    other = ctx.services.plans.start_draft(second.id, actor)
    ctx.services.plans.save_section(other.id, d.GoalsSection(goals=(plain,)), actor)
    editor.open_plan(second, ctx.services.plans.get(other.id), step="goals")
    assert not _more(goals).is_open() and not goals.form.widget("outcome").isVisible()


def test_an_actions_contact_details_open_more_when_filled_in_elsewhere(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    action = d.ActionData(what="Join the walking group", who_contact="0113 496 0000")
    draft = ctx.services.plans.start_draft(person.id, actor)
    goal = dataclasses.replace(d.GoalData(text="I want to walk more"), actions=(action,))
    ctx.services.plans.save_section(draft.id, d.GoalsSection(goals=(goal,)), actor)
    editor.open_plan(person, ctx.services.plans.get(draft.id), step="goals")
    actions = cast(ListEditor, cast(GoalsStep, editor.step("goals")).goals.form.widget("actions"))
    contact = actions.form.widget("who_contact")
    assert contact.isVisible() and cast(QLineEdit, contact).text() == "0113 496 0000"
    assert isinstance(actions.form.widget("strategies"), QPlainTextEdit)
    assert actions.form.widget("strategies").isVisible()  # printed on the copy: never behind More
