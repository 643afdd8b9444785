"""Two people, one plan, in two real windows on one practice server: the second sees who is editing and
reads; "Take over" moves the plan and the first window turns read-only saying who took it; a save from a
stale copy is refused in plain words with the typed text kept on screen; lists show other workstations'
changes without a restart."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from careplanner.services.draft_copy import STALE_SECTION, DraftCopy, stale_section_message
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests.conftest import make_person
from tests.server.conftest import Practice, Workstation
from tests.server.conftest import practice as practice  # the fixture: two workstations on one server
from tests.ui.helpers import press, type_into

# The offscreen platform cannot size a pop-up message box; nothing a user would see.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


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


def open_plan(qtbot: QtBot, window: MainWindow, person_id: str) -> None:
    window.open_person(person_id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)


def what_matters(window: MainWindow):  # type: ignore[no-untyped-def]
    return window.editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]


def test_a_colleague_sees_who_is_editing_reads_and_takes_over_and_the_first_is_told(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3, room5 = windows(practice.room3), windows(practice.room5)
    open_plan(qtbot, room3, practice.person.id)
    type_into(qtbot, what_matters(room3), "Gardening and my dog")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()

    open_plan(qtbot, room5, practice.person.id)

    banner = room5.editor.presence_banner
    assert room5.editor.read_only and banner.isVisible()
    assert banner.label.text().startswith("Being edited by Jo Brennan on ROOM-3")
    assert banner.take_over.isVisible() and banner.take_over.text() == "Take over"
    assert what_matters(room5).isReadOnly()

    press(qtbot, banner.take_over)

    qtbot.waitUntil(lambda: not room5.editor.read_only)
    assert not banner.isVisible()
    assert what_matters(room5).toPlainText() == "Gardening and my dog"
    # ROOM-3 hears it at once (LISTEN/NOTIFY), keeps what it saved, and can no longer change the plan.
    qtbot.waitUntil(lambda: room3.editor.read_only, timeout=10000)
    told = room3.editor.presence_banner
    assert told.isVisible()
    assert told.label.text() == "Sam Okafor on ROOM-5 took over this plan; your last saved changes are kept."
    assert what_matters(room3).toPlainText() == "Gardening and my dog"
    assert what_matters(room3).isReadOnly()


def test_a_save_from_a_stale_copy_is_refused_on_screen_and_the_typing_is_kept(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3 = windows(practice.room3)
    open_plan(qtbot, room3, practice.person.id)
    # Another workstation writes the same section without holding the plan (its presence had gone stale).
    plans = practice.room5.ctx.services.plans
    draft = plans.start_draft(practice.person.id, practice.room5.actor)
    section = draft.content.about_me
    theirs = dataclasses.replace(section, about=dataclasses.replace(section.about, what_matters="My garden"))
    DraftCopy(plans, draft.id, draft.revision, draft.content).save(theirs, practice.room5.actor)

    type_into(qtbot, what_matters(room3), "Seeing my grandchildren")
    banner = room3.editor.presence_banner
    qtbot.waitUntil(banner.isVisible, timeout=3000)

    # Who changed it, by name (from the audit), not "someone else".
    assert banner.label.text() == stale_section_message("Sam Okafor")
    assert banner.label.text() != STALE_SECTION
    assert banner.reload.isVisible()
    assert room3.save_label.text() == "Not saved: someone else changed this plan"
    assert what_matters(room3).toPlainText() == "Seeing my grandchildren"  # kept on screen
    assert plans.get(draft.id).content.about_me.about.what_matters == "My garden"  # never overwritten

    press(qtbot, banner.reload)

    qtbot.waitUntil(lambda: what_matters(room3).toPlainText() == "My garden")
    assert not room3.editor.read_only
    # Reloading did not throw the refused typing away: it is kept above the plan, to copy from.
    assert banner.isVisible() and banner.kept.isVisible() and banner.kept.isReadOnly()
    assert "What matters: Seeing my grandchildren" in banner.kept.toPlainText()
    assert not banner.reload.isVisible()


def test_the_patient_list_shows_a_person_added_on_another_workstation(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room5 = windows(practice.room5)
    model = room5.people.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    room5.people.table.selectRow(0)

    practice.room3.ctx.services.people.create(
        make_person(first_name="Bea", family_name="Abbott", nhs_number="401 023 2137"), practice.room3.actor
    )

    names = lambda: [model.person(r).display_name for r in range(model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: len(names()) == 2, timeout=10000)
    assert any("abbott" in name.lower() for name in names())
    selected = room5.people.table.currentIndex().row()
    assert model.person(selected).id == practice.person.id  # the selection stayed where it was


def test_when_the_colleague_closes_the_plan_the_reader_is_offered_it_without_a_take_over(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    from careplanner.services.presence import PLAN_TAKEN_OVER

    room3, room5 = windows(practice.room3), windows(practice.room5)
    open_plan(qtbot, room3, practice.person.id)
    open_plan(qtbot, room5, practice.person.id)
    banner = room5.editor.presence_banner
    assert room5.editor.read_only and banner.label.text().startswith("Being edited by Jo Brennan")

    room3.show_list()  # Jo closes the plan

    qtbot.waitUntil(lambda: banner.take_over.text() == "Edit", timeout=10000)
    assert banner.label.text() == "Nobody else is editing this plan now: you can edit it."
    press(qtbot, banner.take_over)
    qtbot.waitUntil(lambda: not room5.editor.read_only)
    type_into(qtbot, what_matters(room5), "Walking to the shops")
    qtbot.waitSignal(room5.editor.saved, timeout=3000).wait()
    assert practice.room3.ctx.services.audit.entries(action=PLAN_TAKEN_OVER) == []


def test_agreeing_in_a_window_that_missed_a_colleagues_change_is_refused_in_plain_words(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    from datetime import timedelta

    from careplanner.clinical.enums import PlanStatus
    from careplanner.services.draft_copy import AGREED_ELSEWHERE

    room3 = windows(practice.room3)
    open_plan(qtbot, room3, practice.person.id)
    type_into(qtbot, what_matters(room3), "Gardening and my dog")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()
    # Another workstation changes the draft after this window last saw it (its presence had gone stale).
    plans = practice.room5.ctx.services.plans
    draft = plans.start_draft(practice.person.id, practice.room5.actor)
    section = draft.content.about_me
    theirs = dataclasses.replace(section, about=dataclasses.replace(section.about, what_matters="My garden"))
    DraftCopy(plans, draft.id, draft.revision, draft.content).save(theirs, practice.room5.actor)

    room3.editor.go_to("sharing")
    review = (practice.room3.ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    type_into(qtbot, room3.agreement.sharing.review_edit(), review)
    press(qtbot, room3.agreement.sharing.agree_button)

    problem = room3.agreement.sharing.agree_message
    qtbot.waitUntil(lambda: problem.isVisible() and problem.text() == AGREED_ELSEWHERE, timeout=5000)
    history = plans.history(practice.person.id)
    assert [v.status for v in history] == [PlanStatus.DRAFT]  # nothing agreed from the stale copy
    assert plans.get(draft.id).content.about_me.about.what_matters == "My garden"
