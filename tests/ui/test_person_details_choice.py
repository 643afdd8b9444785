"""Choosing between a person's details typed on a workstation while offline and the practice server's
(sync/person_choice.py), with real widgets over a real encrypted store: both values shown, nothing chosen
for the clinician, Keep saves the choice and resolves the conflict; a value changed again meanwhile is
refused in plain words and nothing is written."""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QRadioButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.models.sync import SyncConflict
from careplanner.services.users import Actor
from careplanner.sync.person_choice import DetailConflicts
from careplanner.ui.main import application
from careplanner.ui.person_details_choice import PersonDetailsChoice
from careplanner.ui.worker import Worker
from tests.conftest import make_person


def _click(qtbot: QtBot, button: QRadioButton) -> None:
    """Click the round button itself, as a person does (the row is wider than its words)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _chooser(qtbot: QtBot, ctx: AppContext, actor: Actor) -> tuple[PersonDetailsChoice, str]:
    """A person whose preferred name the server holds as Trish, typed as Patty on a workstation offline:
    the conflict as sync keeps it (sync/server_rules.py), and the dialog for it."""
    person = ctx.services.people.create(make_person(first_name="Pat", preferred_name="Trish"), actor)
    with ctx.store.sessions.begin() as session:
        session.add(
            SyncConflict(
                id="5d0c7c1e-0000-5000-8000-000000000001",
                person_id=person.id,
                plan_a_id="",
                plan_b_id="",
                reason="the person's details were changed on a workstation while offline (preferred name)",
                details=json.dumps(
                    {"fields": {"preferred_name": {"workstation": "Patty", "server": "Trish"}}}
                ),
            )
        )
    application()
    conflicts = DetailConflicts(ctx.store.sessions, ctx.services.people)
    [conflict] = conflicts.open()
    dialog = PersonDetailsChoice(conflicts, conflict, actor, Worker(inline=True), ctx.services.clock.now)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, person.id


def test_both_values_are_shown_and_the_one_chosen_is_kept(
    qtbot: QtBot, ctx: AppContext, actor: Actor
) -> None:
    dialog, person_id = _chooser(qtbot, ctx, actor)
    here, there = dialog.choices["preferred_name"]
    assert here.text() == "Typed on a workstation: Patty" and there.text() == "On the practice server: Trish"
    assert not here.isChecked() and not there.isChecked() and not dialog.keep_button.isEnabled()
    _click(qtbot, here)
    assert here.isChecked() and dialog.keep_button.isEnabled()
    with qtbot.waitSignal(dialog.chosen) as chosen:
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [person_id]
    assert ctx.services.people.get(person_id).details.preferred_name == "Patty"
    assert DetailConflicts(ctx.store.sessions, ctx.services.people).open() == []


def test_a_value_changed_again_meanwhile_is_refused_and_nothing_is_written(
    qtbot: QtBot, ctx: AppContext, actor: Actor
) -> None:
    dialog, person_id = _chooser(qtbot, ctx, actor)
    details = ctx.services.people.get(person_id).details
    ctx.services.people.update(person_id, dataclasses.replace(details, preferred_name="Tricia"), actor)
    _click(qtbot, dialog.choices["preferred_name"][0])
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "changed again since" in dialog.message.text()
    assert ctx.services.people.get(person_id).details.preferred_name == "Tricia"
    assert len(DetailConflicts(ctx.store.sessions, ctx.services.people).open()) == 1
