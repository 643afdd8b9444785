"""Opening a person is not starting a review (issue 12).

A nurse opened a person only to print their copy and left a "Draft in progress" behind. Now opening a
person from the list (search box, Return) shows their last agreed plan read-only, writes nothing but the
"person opened" audit entry, and offers **Start review**; a person with no plan is offered **Start a
plan**; a draft already in progress opens as that draft, to carry on. On the practice server, Start review
claims the draft as before, and a colleague opening the person reads it with who is editing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.services.audit import Action
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests.server.conftest import Practice, Workstation
from tests.server.conftest import practice as practice  # the fixture: two workstations on one server
from tests.ui.helpers import type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def agree_plan(ctx: AppContext, person: PersonRecord, actor: Actor, what: str) -> str:
    """An agreed plan for `person` (what matters = `what`); returns its id."""
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    section = draft.content.about_me
    plans.save_section(draft.id, replace(section, about=replace(section.about, what_matters=what)), actor)
    return plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90)).id


def open_from_list(qtbot: QtBot, window: MainWindow, name: str, person: PersonRecord) -> None:
    """As a nurse does: type the name in the search box and press Return."""
    window.show_list()
    with qtbot.waitSignal(window.people.open_requested, timeout=3000):
        type_into(qtbot, window.people.search, name)
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            window.stack.currentWidget() is window.editor
            and window.editor.person is not None
            and window.editor.person.id == person.id
        )
    )


def audit_count(ctx: AppContext, person: PersonRecord, action: str) -> int:
    return len(ctx.services.audit.entries(person_id=person.id, action=action))


def what_matters(window: MainWindow):  # type: ignore[no-untyped-def]
    return window.editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]


def test_opening_a_person_shows_the_agreed_plan_and_writes_no_draft_until_start_review(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    agreed_id = agree_plan(ctx, person, actor, "My garden")
    started_before = audit_count(ctx, person, Action.PLAN_STARTED)

    open_from_list(qtbot, window, "testwell", person)

    editor, bar = window.editor, window.editor.mode_bar
    assert editor.read_only and editor.plan is not None and editor.plan.id == agreed_id
    assert "Agreed plan, version 1" in editor.banner.text()
    assert what_matters(window).toPlainText() == "My garden" and what_matters(window).isReadOnly()
    assert bar.isVisible() and bar.start_button.isVisible() and bar.start_button.text() == "Start review"
    assert window.save_label.text() == "Read-only"
    # Nothing written but the view: no draft row, no "plan started", and the list does not say draft.
    assert ctx.services.plans.draft_of(person.id) is None
    assert [v.status for v in ctx.services.plans.history(person.id)] == [PlanStatus.AGREED]
    assert audit_count(ctx, person, Action.PLAN_STARTED) == started_before
    assert audit_count(ctx, person, Action.PERSON_OPENED) == 1
    assert not ctx.services.people.get(person.id).summary.has_draft
    assert not window.discard.can_discard()

    qtbot.mouseClick(bar.start_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not editor.read_only)
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None and editor.plan is not None and editor.plan.id == draft.id
    assert draft.base_id == agreed_id
    assert audit_count(ctx, person, Action.PLAN_STARTED) == started_before + 1
    assert not bar.isVisible()
    assert "Review of the plan agreed on" in editor.banner.text()
    field = what_matters(window)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, " and birds")
    window.save_now()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None and saved.content.about_me.about.what_matters == "My garden and birds"


def test_a_person_with_no_plan_is_offered_start_a_plan(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    open_from_list(qtbot, window, "testwell", person)

    bar = window.editor.mode_bar
    assert window.editor.read_only and window.editor.plan is None
    assert "No plan has been written for this person yet." in bar.notice.text()
    assert bar.start_button.isVisible() and bar.start_button.text() == "Start a plan"
    assert not bar.history_button.isVisible()
    assert ctx.services.plans.history(person.id) == []

    qtbot.mouseClick(bar.start_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not window.editor.read_only)
    assert [v.status for v in ctx.services.plans.history(person.id)] == [PlanStatus.DRAFT]
    assert "New plan" in window.editor.banner.text()


def test_a_draft_in_progress_opens_as_the_draft_to_carry_on(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    agree_plan(ctx, person, actor, "My garden")
    draft = ctx.services.plans.start_draft(person.id, actor)
    section = draft.content.about_me
    ctx.services.plans.save_section(
        draft.id, replace(section, about=replace(section.about, what_matters="Typed last week")), actor
    )

    open_from_list(qtbot, window, "testwell", person)

    editor = window.editor
    assert not editor.read_only and editor.plan is not None and editor.plan.id == draft.id
    assert what_matters(window).toPlainText() == "Typed last week" and not what_matters(window).isReadOnly()
    assert not editor.mode_bar.isVisible()
    assert window.discard.can_discard()
    assert len(ctx.services.plans.history(person.id)) == 2  # no second draft


def test_a_reader_is_never_offered_start_review(
    qtbot: QtBot, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    from careplanner.clinical.enums import UserRole

    agree_plan(ctx, person, actor, "My garden")
    reader = ctx.services.users.create(
        username="rory", display_name="Rory Reader", role=UserRole.READ_ONLY, actor=actor
    )
    application()
    QSettings().clear()
    window = MainWindow(ctx.services, UserSession(reader), Worker(inline=True))
    qtbot.addWidget(window)
    window.show()
    open_from_list(qtbot, window, "testwell", person)
    bar = window.editor.mode_bar
    assert window.editor.read_only and bar.isVisible()
    assert not bar.start_button.isVisible() and bar.history_button.isVisible()
    bar.start_requested.emit()  # even if asked: nothing is started for a read-only account
    assert ctx.services.plans.draft_of(person.id) is None


# ---- on the practice server ---------------------------------------------------------------------------


@pytest.fixture
def windows(qtbot: QtBot, practice: Practice) -> Iterator[Callable[[Workstation], MainWindow]]:
    application()
    QSettings().clear()
    made: list[MainWindow] = []

    def make(ws: Workstation) -> MainWindow:
        win = MainWindow(ws.ctx.services, UserSession(ws.actor), Worker(inline=True))
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        qtbot.waitUntil(lambda: win.server.label is not None and win.server.label.text() == "Connected")
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()


def test_on_the_server_start_review_claims_the_draft_and_a_colleague_reads_it(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3, room5 = windows(practice.room3), windows(practice.room5)
    person, jo = practice.person, practice.room3.actor
    agree_plan(practice.room3.ctx, person, jo, "My garden")

    open_from_list(qtbot, room3, "testwell", person)
    assert room3.editor.read_only and practice.room3.ctx.services.plans.draft_of(person.id) is None
    assert practice.room3.ctx.services.presence.editing(person.id) is None  # viewing holds nothing

    qtbot.mouseClick(room3.editor.mode_bar.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not room3.editor.read_only)
    held = practice.room3.ctx.services.presence.editing(person.id)
    assert held is not None and held.display_name == "Jo Brennan"

    open_from_list(qtbot, room5, "testwell", person)
    editor = room5.editor
    assert editor.read_only and editor.plan is not None and editor.plan.status is PlanStatus.DRAFT
    assert editor.presence_banner.label.text().startswith("Being edited by Jo Brennan on ROOM-3")
    assert not editor.mode_bar.start_button.isVisible()  # the draft is Jo's: Take over, not Start review
    assert len(practice.room5.ctx.services.plans.history(person.id)) == 2  # one draft, not two


def test_start_review_is_also_in_the_plan_menu(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    agree_plan(ctx, person, actor, "My garden")
    open_from_list(qtbot, window, "testwell", person)
    action = window.plan_history.start_action
    window.plan_history.refresh()
    assert action.isEnabled() and action.text() == "Start review"
    action.trigger()
    qtbot.waitUntil(lambda: not window.editor.read_only)
    assert ctx.services.plans.draft_of(person.id) is not None
    window.plan_history.refresh()
    assert not action.isEnabled()  # editing already


def test_a_person_just_added_opens_with_start_a_plan_and_no_draft(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    """Added before the appointment (to print a preparation letter), a person gets no empty draft."""
    from careplanner.ui.person_dialog import NewPersonDialog

    window.new_person()
    dialog = window.findChild(NewPersonDialog)
    assert dialog is not None
    for name, text in (("first_name", "Bea"), ("family_name", "Newcombe"), ("date_of_birth", "02/03/1950")):
        type_into(qtbot, dialog.edits[name], text)
    qtbot.keyClick(dialog.edits["date_of_birth"], Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.stack.currentWidget() is window.editor and window.editor.person is not None
    )
    made = window.editor.person
    assert made is not None and made.summary.family_name == "Newcombe"
    assert window.editor.read_only and window.editor.mode_bar.start_button.text() == "Start a plan"
    assert ctx.services.plans.history(made.id) == []
