"""Removing the last item of a list leaves the focus on that list's Add button.

Found walking an appointment: with the last goal removed, the focus went on to the next list's "Add need",
and the page jumped away from where the nurse was working.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.session import UserSession
from tests.ui.standalone import click, make_editor, type_in

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def test_removing_the_last_goal_keeps_the_focus_on_add_goal(
    qtbot: QtBot, ctx: AppContext, session: UserSession, actor: Actor, person: PersonRecord
) -> None:
    editor: PlanEditor = make_editor(qtbot, ctx, session)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft)
    editor.go_to("goals")
    goals = editor.built["goals"].goals  # type: ignore[attr-defined]
    assert isinstance(goals, ListEditor)
    click(qtbot, goals.add_button)
    type_in(qtbot, goals.form.widget("text"), "Walk to the shop")
    goals.list.setFocus()
    click(qtbot, goals.remove_button)
    assert goals.items() == ()
    # At once, not after the page has scrolled to wherever the focus fell.
    assert QApplication.focusWidget() is goals.add_button
