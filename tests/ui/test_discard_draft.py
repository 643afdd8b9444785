"""Plan → "Discard this draft…": asks in plain words, "Keep" changes nothing, "Discard" removes the draft
through the service (audited), returns to the people list without "Draft in progress", and keeps the agreed
plan. An agreed version is never discarded: the action is not offered for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus, UserRole
from careplanner.services.errors import NotADraftError
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests.ui.helpers import type_into
from tests.ui.test_presence_ui import what_matters

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def agree_first(ctx: AppContext, person: PersonRecord, actor: Actor, what: str) -> None:
    """An agreed plan to carry forward: the draft discarded later must not take it with it."""
    plans = ctx.services.plans
    draft = ctx.services.consultation.open_for_consultation(person.id, actor).plan
    assert draft is not None
    section = draft.content.about_me
    plans.save_section(draft.id, replace(section, about=replace(section.about, what_matters=what)), actor)
    plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90))


def open_and_type(qtbot: QtBot, window: MainWindow, person: PersonRecord, text: str) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    field = what_matters(window)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # after what is there
    type_into(qtbot, field, text)
    window.editor.flush()
    window.worker.wait()


def question(window: MainWindow) -> QMessageBox:
    assert window.discard.action.isEnabled()
    window.discard.action.trigger()
    box = window.discard.question
    assert box is not None and box.isVisible()
    return box


def status_text(window: MainWindow, person: PersonRecord) -> str:
    model = window.people.model
    window.people.model.refresh()
    for row in range(model.rowCount()):
        if model.person(row).id == person.id:
            return model._status(model.person(row))
    raise AssertionError("the person is not in the list")


def test_keep_changes_nothing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    open_and_type(qtbot, window, person, "Gardening")
    box = question(window)
    assert box.text() == (
        f"Discard the draft for {person.summary.display_name}? What was typed since the last agreed plan is "
        "removed; the agreed plan is kept."
    )
    next(b for b in box.buttons() if b.text() == "Keep").click()
    assert window.discard.question is None
    assert window.stack.currentWidget() is window.editor and not window.editor.read_only
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None and draft.content.about_me.about.what_matters == "Gardening"


def test_discard_removes_the_draft_keeps_the_agreed_plan_and_the_list_shows_no_draft(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    agree_first(ctx, person, actor, "Walking")
    open_and_type(qtbot, window, person, " and gardening")
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None and draft.content.about_me.about.what_matters == "Walking and gardening"

    box = question(window)
    next(b for b in box.buttons() if b.text() == "Discard").click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.people)

    plans = ctx.services.plans
    assert plans.draft_of(person.id) is None
    agreed = plans.latest_agreed(person.id)
    assert agreed is not None and agreed.content.about_me.about.what_matters == "Walking"
    assert [v.status for v in plans.history(person.id)] == [PlanStatus.AGREED]
    assert "Draft in progress" not in status_text(window, person)
    assert not ctx.services.people.get(person.id).summary.has_draft
    assert not window.discard.action.isEnabled()
    discarded = ctx.services.audit.entries(person_id=person.id, action="plan_discarded")
    assert [(e.user_id, e.plan_id) for e in discarded] == [(actor.id, draft.id)]
    assert ctx.services.audit.verify().ok


def test_an_agreed_version_is_never_discarded(
    qtbot: QtBot, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    agree_first(ctx, person, actor, "Walking")
    reader = ctx.services.users.create(
        username="rae", display_name="Rae Reader", role=UserRole.READ_ONLY, actor=actor
    )
    application()
    win = MainWindow(ctx.services, UserSession(reader), Worker(inline=True))
    qtbot.addWidget(win)
    win.show()
    win.open_person(person.id)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.editor)
    assert win.editor.read_only and win.editor.plan is not None
    assert win.editor.plan.status is PlanStatus.AGREED
    win.plan_menu.aboutToShow.emit()
    assert not win.discard.action.isEnabled()
    win.discard.action.trigger()  # even if triggered some other way: no question, nothing removed
    assert win.discard.question is None
    assert ctx.services.audit.entries(person_id=person.id, action="plan_discarded") == []
    agreed = ctx.services.plans.latest_agreed(person.id)
    assert agreed is not None
    with pytest.raises(NotADraftError):
        ctx.services.plans.discard_draft(agreed.id, actor)
    assert ctx.services.plans.latest_agreed(person.id) == agreed
