"""Two clinicians in two rooms on one practice server, in two real windows: what the practice-demo review
found. An old holder's agreement after a take-over is refused naming who holds the plan; an editor whose
draft was agreed elsewhere turns read-only saying who agreed it and when, keeps what was typed to copy,
never retries, and asks before the person is left; a reader's view follows the colleague's saves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from careplanner.clinical.enums import PlanStatus
from careplanner.ui.main_window import MainWindow
from tests.server.conftest import Practice, Workstation
from tests.server.conftest import practice as practice  # the fixture: two workstations on one server
from tests.ui.helpers import press, type_into
from tests.ui.test_presence_ui import open_plan, what_matters
from tests.ui.test_presence_ui import windows as windows  # two real windows on that server

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def review_date(ws: Workstation) -> str:
    return (ws.ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")


def test_agreeing_after_a_colleague_took_over_is_refused_naming_who_holds_the_plan(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3, room5 = windows(practice.room3), windows(practice.room5)
    open_plan(qtbot, room5, practice.person.id)  # Sam
    type_into(qtbot, what_matters(room5), "Walking the dog")
    qtbot.waitSignal(room5.editor.saved, timeout=3000).wait()
    room5.editor.go_to("sharing")
    type_into(qtbot, room5.agreement.sharing.review_edit(), review_date(practice.room5))
    room5.server.stop()  # Sam's window has not heard of the take-over yet (it lands a second later)

    open_plan(qtbot, room3, practice.person.id)  # Jo
    press(qtbot, room3.editor.presence_banner.take_over)
    qtbot.waitUntil(lambda: not room3.editor.read_only)

    press(qtbot, room5.agreement.sharing.agree_button)

    problem = room5.agreement.sharing.agree_message
    taken = (
        "Jo Brennan on ROOM-3 took over this plan, so nothing was agreed here; your text is kept on screen"
    )
    qtbot.waitUntil(lambda: problem.isVisible() and problem.text() == taken, timeout=5000)
    plans = practice.room3.ctx.services.plans
    assert [v.status for v in plans.history(practice.person.id)] == [PlanStatus.DRAFT]
    assert room5.editor.current_content().about_me.about.what_matters == "Walking the dog"  # kept


def agreed_elsewhere_text(practice: Practice, *, kept: bool) -> str:
    agreed = practice.room5.ctx.services.plans.latest_agreed(practice.person.id)
    assert agreed is not None and agreed.agreed_at is not None
    text = f"Sam Okafor agreed this plan at {agreed.agreed_at.astimezone().strftime('%H:%M')}."
    return text + (" What you typed since is kept below: copy it into a new review" if kept else "")


def agree_as_sam(practice: Practice) -> None:
    """Sam agrees the draft from a workstation that does not hold it (the command line, or a workstation
    whose presence had lapsed): Jo's window must not carry on as if it were still a draft."""
    plans, sam = practice.room5.ctx.services.plans, practice.room5.actor
    draft = plans.draft_of(practice.person.id)
    assert draft is not None
    plans.agree(draft.id, sam, review_date=practice.room5.ctx.services.clock.today() + timedelta(days=90))


def test_typing_into_a_draft_agreed_elsewhere_turns_read_only_keeps_the_text_and_asks_before_leaving(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3 = windows(practice.room3)
    open_plan(qtbot, room3, practice.person.id)  # Jo
    type_into(qtbot, what_matters(room3), "Gardening")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()
    room3.server.stop()  # her window hears nothing: the refused save alone must tell it
    agree_as_sam(practice)

    type_into(qtbot, what_matters(room3), " and my allotment")

    banner = room3.editor.presence_banner
    qtbot.waitUntil(lambda: room3.editor.read_only and banner.isVisible(), timeout=5000)
    assert banner.label.text() == agreed_elsewhere_text(practice, kept=True)
    assert banner.kept.isVisible() and banner.kept.isReadOnly()
    assert "What matters: Gardening and my allotment" in banner.kept.toPlainText()
    assert what_matters(room3).isReadOnly()
    assert what_matters(room3).toPlainText() == "Gardening"  # the agreed plan, as agreed
    assert room3.save_label.text() == "Not saved: this plan was agreed on another workstation"
    assert not room3.editor.has_pending()  # nothing left to retry: it could never succeed
    agreed = practice.room3.ctx.services.plans.latest_agreed(practice.person.id)
    assert agreed is not None and agreed.content.about_me.about.what_matters == "Gardening"

    room3.show_list()  # leaving would drop the kept text: asked first
    box = room3.sharing.watch.leave_question
    assert box is not None and box.isVisible()
    assert room3.stack.currentWidget() is room3.editor
    stay = next(b for b in box.buttons() if b.text() == "Stay")
    stay.click()
    assert room3.stack.currentWidget() is room3.editor and "allotment" in banner.kept.toPlainText()

    room3.show_list()
    box = room3.sharing.watch.leave_question
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Leave without it").click()
    assert room3.stack.currentWidget() is room3.people


def test_an_editor_hears_that_its_draft_was_agreed_elsewhere_and_turns_read_only(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3 = windows(practice.room3)
    open_plan(qtbot, room3, practice.person.id)
    type_into(qtbot, what_matters(room3), "Gardening")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()

    agree_as_sam(practice)  # announced by the server: Jo's window hears it without typing

    banner = room3.editor.presence_banner
    qtbot.waitUntil(lambda: room3.editor.read_only and banner.isVisible(), timeout=10000)
    assert banner.label.text() == agreed_elsewhere_text(practice, kept=False)
    assert not banner.kept.isVisible()
    assert what_matters(room3).isReadOnly()
    room3.show_list()  # nothing unsaved: no question
    assert room3.sharing.watch.leave_question is None
    assert room3.stack.currentWidget() is room3.people


def test_a_readers_view_follows_the_colleagues_saves_and_keeps_its_place(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3, room5 = windows(practice.room3), windows(practice.room5)
    open_plan(qtbot, room3, practice.person.id)  # Jo edits
    open_plan(qtbot, room5, practice.person.id)  # Sam reads
    assert room5.editor.read_only
    room5.resize(900, 420)  # small enough that the page scrolls
    page = room5.editor.pages.currentWidget()
    assert isinstance(page, QScrollArea)
    bar = page.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()

    type_into(qtbot, what_matters(room3), "Gardening and my dog")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()

    qtbot.waitUntil(lambda: what_matters(room5).toPlainText() == "Gardening and my dog", timeout=10000)
    assert room5.editor.read_only and what_matters(room5).isReadOnly()
    assert bar.value() == place  # the reader's place on the page is kept
    assert room5.editor.presence_banner.label.text().startswith("Being edited by Jo Brennan on ROOM-3")


def test_typing_that_lands_after_a_take_over_is_kept_on_screen_not_written(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    from careplanner.services.presence import new_holder

    room5 = windows(practice.room5)
    open_plan(qtbot, room5, practice.person.id)  # Sam
    type_into(qtbot, what_matters(room5), "Walking the dog")
    qtbot.waitSignal(room5.editor.saved, timeout=3000).wait()
    type_into(qtbot, what_matters(room5), " every morning")  # not saved yet when Jo takes over

    jo = practice.room3
    jo.ctx.services.presence.claim_opened(
        jo.ctx.services.consultation.open_for_consultation(practice.person.id, jo.actor),
        jo.actor,
        new_holder(),
        take_over=True,
    )

    banner = room5.editor.presence_banner
    qtbot.waitUntil(lambda: room5.editor.read_only and banner.kept.isVisible(), timeout=10000)
    assert banner.label.text().startswith("Jo Brennan on ROOM-3 took over this plan")
    assert "What matters: Walking the dog every morning" in banner.kept.toPlainText()
    stored = jo.ctx.services.plans.draft_of(practice.person.id)
    assert stored is not None and stored.content.about_me.about.what_matters == "Walking the dog"
