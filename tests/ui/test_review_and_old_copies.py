"""Two small flow faults (issue 12).

- While a review is already in progress, the last agreed plan opened from the plan history offered
  Plan → Start review (and the bar's button) again: a second start for a plan already being reviewed.
  Now neither is offered; the bar offers the way back to the review in progress.
- An earlier version, opened from the plan history and printed, did not say it had been replaced: on a
  fridge door it passed for the current plan. Its first page now says "Replaced by version N".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from tests.ui.helpers import press
from tests.ui.test_open_to_read import agree_plan, open_from_list

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def first_page_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return " ".join(out.stdout.split())


def test_start_review_is_not_offered_again_while_a_review_is_in_progress(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    agreed = agree_plan(ctx, person, actor, "my garden")
    open_from_list(qtbot, window, "testwell", person)
    start, bar = window.plan_history.start_action, window.editor.mode_bar
    window.plan_menu.aboutToShow.emit()
    assert start.isEnabled() and bar.start_button.isVisible()  # read-only: Start review offered
    press(qtbot, bar.start_button)
    qtbot.waitUntil(lambda: not window.editor.read_only)
    draft_id = window.editor.plan.id if window.editor.plan else None
    assert not start.isEnabled()

    # The last agreed plan opened from the plan history while the review is in progress.
    assert window.editor.person is not None
    window.plan_history.open_version(window.editor.person, agreed)
    qtbot.waitUntil(lambda: window.editor.read_only)
    window.plan_menu.aboutToShow.emit()
    assert not start.isEnabled()  # at HEAD: enabled, "Start review"
    assert not bar.start_button.isVisible()
    assert "already in progress" in bar.notice.text()
    assert bar.latest_button.isVisible() and bar.latest_button.text() == "Back to the review in progress"
    press(qtbot, bar.latest_button)
    qtbot.waitUntil(lambda: not window.editor.read_only)
    assert window.editor.plan is not None and window.editor.plan.id == draft_id  # the same review, no second


def test_a_printed_earlier_version_says_on_its_first_page_that_it_was_replaced(
    ctx: AppContext, actor: Actor, person: PersonRecord, tmp_path: Path
) -> None:
    first = agree_plan(ctx, person, actor, "my garden")
    second = agree_plan(ctx, person, actor, "my grandchildren")
    exports = ctx.services.exports
    old = exports.person_copy_pdf(person.id, actor, plan_id=first)
    page_one = first_page_text(old, tmp_path)
    assert "Replaced by version 2: this is not my current plan" in page_one
    current = first_page_text(exports.person_copy_pdf(person.id, actor, plan_id=second), tmp_path)
    assert "Replaced by" not in current and "Version 2" in current
    assert ctx.services.plans.get(first).replaced_by_version == 2
    assert ctx.services.plans.get(second).replaced_by_version is None
