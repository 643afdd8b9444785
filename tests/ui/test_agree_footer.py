"""The sticky Agree footer (issue 12): on the Agree and share step, always on screen, it says what is
about to be agreed (with whom, what the plan holds, the review date, what blocks it) and agrees exactly as
the step's own button does; Return never presses it; it is not there in a read-only view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.ui.agree_footer import REFRESH_MS
from careplanner.ui.main_window import MainWindow
from tests.ui.helpers import type_into
from tests.ui.test_open_to_read import open_from_list

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def test_the_footer_summarises_and_agrees_only_when_clicked(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    open_from_list(qtbot, window, "testwell", person)
    footer = window.agree_footer
    assert not footer.isVisible()  # a read-only view: nothing to agree
    qtbot.mouseClick(window.editor.mode_bar.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.editor.read_only)
    assert not footer.isVisible()  # not on About me

    window.editor.go_to("sharing")
    assert footer.isVisible()
    assert footer.summary.text().startswith("You are about to agree this plan with the person: 0 conditions")
    assert "No review date yet." in footer.summary.text()

    # Return on the footer's button (however focus got there) agrees nothing.
    footer.agree_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(footer.agree_button, Qt.Key.Key_Return)
    qtbot.keyClick(footer.agree_button, Qt.Key.Key_Enter)
    window.worker.wait()
    assert ctx.services.plans.latest_agreed(person.id) is None

    edit = window.agreement.sharing.review_edit()
    past = ctx.services.clock.today() - timedelta(days=3)
    type_into(qtbot, edit, past.strftime("%d/%m/%Y"))
    qtbot.waitUntil(lambda: "which is in the past." in footer.summary.text(), timeout=3000)
    review = ctx.services.clock.today() + timedelta(days=180)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, review.strftime("%d/%m/%Y"))
    qtbot.waitUntil(
        lambda: f"Review on {review.strftime('%d/%m/%Y')}." in footer.summary.text(), timeout=3000
    )
    qtbot.wait(REFRESH_MS)

    qtbot.mouseClick(footer.agree_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.services.plans.latest_agreed(person.id) is not None, timeout=3000)
    agreed = ctx.services.plans.latest_agreed(person.id)
    assert agreed is not None and agreed.version_number == 1


def test_the_footer_names_a_representative_and_what_blocks_agreeing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    from dataclasses import replace

    from careplanner.services import plan_data as d

    plans = ctx.services.plans
    draft = plans.start_draft(person.id, window.session.actor)
    contact = d.ContingencyContactData(name="My named nurse", phone="")  # no number: blocks agreeing
    plan = d.ContingencyData(name="If my breathing gets worse", contacts=(contact,))
    plans.save_section(draft.id, d.ContingencySection(plans=(plan,)), window.session.actor)
    medicine = d.MedicineData(name="Amitriptyline 10 mg")
    plans.save_section(draft.id, replace(draft.content.medical, medicines=(medicine,)), window.session.actor)

    open_from_list(qtbot, window, "testwell", person)  # the draft in progress opens to carry on
    window.editor.go_to("sharing")
    footer, sharing = window.agree_footer, window.agreement.sharing
    assert "1 medicine, 0 goals, 1 plan for if things get worse" in footer.summary.text()
    assert footer.blocked.isVisible() and footer.blocked.text().endswith(
        "things must be put right before agreeing."
    )

    sharing.with_rep.setFocus()
    qtbot.keyClick(sharing.with_rep, Qt.Key.Key_Space)
    type_into(qtbot, sharing.rep_name, "Sam Carer")
    qtbot.waitUntil(
        lambda: "with Sam Carer, the person's representative" in footer.summary.text(), timeout=3000
    )

    qtbot.mouseClick(footer.agree_button, Qt.MouseButton.LeftButton)
    window.worker.wait()
    assert plans.latest_agreed(person.id) is None  # refused, as the step's own button refuses
    assert sharing.agree_message.text().startswith("The plan cannot be agreed yet.")


def test_the_footer_goes_when_the_plan_on_screen_turns_read_only_on_the_same_step(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    from careplanner.clinical.enums import UserRole

    reader = ctx.services.users.create(
        username="rory", display_name="Rory Reader", role=UserRole.READ_ONLY, actor=window.session.actor
    )
    ctx.services.plans.start_draft(person.id, window.session.actor)
    open_from_list(qtbot, window, "testwell", person)
    window.editor.go_to("sharing")
    assert window.agree_footer.isVisible()

    window.session.sign_in(reader)  # the same person, the same step, now only to read
    qtbot.waitUntil(lambda: window.editor.read_only)
    assert window.editor.navigator.current_key() == "sharing"
    assert not window.agree_footer.isVisible()
