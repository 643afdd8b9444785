"""Nurse walk-through of issue 10, item 1: the step marks come from the opened person's own plan.

Opening a person with nothing written after one with a full plan showed "complete" and "started" from
the first person's steps, still loaded in the widgets. Every mark must say "not started", before and
after each step is visited.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.export.sample import sample_content
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.navigator import EMPTY
from tests.conftest import make_person

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _open(qtbot: QtBot, window: MainWindow, person_id: str) -> None:
    window.open_person(person_id)
    qtbot.waitUntil(lambda: window.editor.person is not None and window.editor.person.id == person_id)


def _full_plan_person(ctx: AppContext, actor: Actor) -> PersonRecord:
    person = ctx.services.people.create(
        make_person(first_name="Frank", family_name="Fullplan", nhs_number=None), actor
    )
    draft = ctx.services.plans.start_draft(person.id, actor)
    content = sample_content()
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, content.section(key), actor)
    return person


def test_a_new_person_opened_after_a_full_plan_shows_every_step_not_started(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    full = _full_plan_person(ctx, actor)
    _open(qtbot, window, full.id)
    nav = window.editor.navigator
    for key in SECTION_TYPES:
        window.editor.go_to(key)  # every step built and showing Frank's plan
    assert nav.states["about_me"] != EMPTY and nav.states["medical"] != EMPTY

    _open(qtbot, window, person.id)  # Ada: nothing written yet
    assert {key: nav.states[key] for key in SECTION_TYPES} == dict.fromkeys(SECTION_TYPES, EMPTY)
    for row, key in enumerate(SECTION_TYPES):
        window.editor.go_to(key)
        assert nav.states[key] == EMPTY, key
        assert "not started" in nav.item(row).text()

    _open(qtbot, window, full.id)  # and back: Frank's marks are his own again
    assert nav.states["about_me"] != EMPTY and nav.states["medical"] != EMPTY
