"""Plan history (issue 12): earlier versions listed with their number, date, who agreed them and declined
records; any version opened read-only and printed as shown; two versions compared side by side."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.services.audit import Action
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui import printing
from careplanner.ui.main_window import MainWindow
from careplanner.ui.plan_history import PlanHistoryDialog
from tests.ui.test_open_to_read import open_from_list, what_matters

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _draft_saying(ctx: AppContext, person: PersonRecord, actor: Actor, what: str) -> str:
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    section = draft.content.about_me
    plans.save_section(draft.id, replace(section, about=replace(section.about, what_matters=what)), actor)
    return draft.id


@pytest.fixture
def versions(ctx: AppContext, person: PersonRecord, actor: Actor) -> dict[str, str]:
    """Version 1 agreed, then a written plan declined, then version 2 agreed."""
    plans, review = ctx.services.plans, ctx.services.clock.today() + timedelta(days=120)
    first = plans.agree(_draft_saying(ctx, person, actor, "My garden"), actor, review_date=review).id
    declined = plans.decline(
        _draft_saying(ctx, person, actor, "Not today"), actor, reason="Did not want one this time"
    ).id
    second = plans.agree(
        _draft_saying(ctx, person, actor, "My garden and the birds"), actor, review_date=review
    ).id
    return {"first": first, "declined": declined, "second": second}


def history_dialog(qtbot: QtBot, window: MainWindow) -> PlanHistoryDialog:
    qtbot.mouseClick(window.editor.mode_bar.history_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.plan_history.dialog is not None)
    dialog = window.plan_history.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows(dialog: PlanHistoryDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def select_rows(qtbot: QtBot, dialog: PlanHistoryDialog, *wanted: int) -> None:
    """Click the first row, Ctrl+click the others, as a person selects in a table."""
    table = dialog.table
    for i, row in enumerate(wanted):
        rect = table.visualRect(table.model().index(row, 0))
        modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_history_lists_every_version_with_who_and_when_and_declined_records(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    person: PersonRecord,
    actor: Actor,
    versions: dict[str, str],
) -> None:
    open_from_list(qtbot, window, "testwell", person)
    dialog = history_dialog(qtbot, window)
    today = ctx.services.plans.get(versions["second"]).agreed_at
    assert today is not None
    day = today.astimezone().strftime("%d/%m/%Y")
    listed = rows(dialog)
    assert [r[:2] for r in listed] == [
        ["2", "Agreed (latest)"],
        ["—", "The person declined a written plan"],
        ["1", "Agreed (earlier version)"],
    ]
    assert all(r[2] == day and r[3] == actor.display_name for r in listed)
    assert ctx.services.plans.draft_of(person.id) is None  # looking at the history starts nothing
    dialog.reject()


def test_an_earlier_version_opens_read_only_and_prints_as_shown(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    person: PersonRecord,
    versions: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = printing.install(window, ctx.services, window.session)
    open_from_list(qtbot, window, "testwell", person)
    dialog = history_dialog(qtbot, window)
    select_rows(qtbot, dialog, 2)  # version 1
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)

    editor = window.editor
    qtbot.waitUntil(lambda: editor.plan is not None and editor.plan.id == versions["first"])
    assert editor.read_only and what_matters(window).toPlainText() == "My garden"
    viewed = ctx.services.audit.entries(person_id=person.id, action=Action.PERSON_OPENED)[0]
    assert viewed.plan_id == versions["first"] and viewed.user_id == window.session.actor.id
    assert "version 1" in editor.banner.text() and "(earlier version)" in editor.banner.text()
    bar = editor.mode_bar
    assert "earlier version" in bar.notice.text()
    assert bar.latest_button.isVisible() and not bar.start_button.isVisible()

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    documents.actions["pdf"].trigger()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "My garden" in text and "birds" not in text  # version 1, the one on screen
    assert "Version 1" in text

    qtbot.mouseClick(bar.latest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.plan is not None and editor.plan.id == versions["second"])
    assert what_matters(window).toPlainText() == "My garden and the birds"
    assert bar.start_button.isVisible() and not bar.latest_button.isVisible()
    assert ctx.services.plans.draft_of(person.id) is None


def test_a_declined_record_opens_saying_so(
    qtbot: QtBot, window: MainWindow, person: PersonRecord, versions: dict[str, str]
) -> None:
    open_from_list(qtbot, window, "testwell", person)
    dialog = history_dialog(qtbot, window)
    select_rows(qtbot, dialog, 1)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.plan is not None and editor.plan.id == versions["declined"])
    assert editor.plan is not None and editor.plan.status is PlanStatus.DECLINED
    assert "declined a written plan" in editor.mode_bar.notice.text()
    assert "Written plan declined on" in editor.banner.text()


def test_two_versions_compared_side_by_side_section_by_section(
    qtbot: QtBot, window: MainWindow, person: PersonRecord, versions: dict[str, str]
) -> None:
    open_from_list(qtbot, window, "testwell", person)
    dialog = history_dialog(qtbot, window)
    select_rows(qtbot, dialog, 0)
    assert not dialog.compare_button.isEnabled()  # two are needed
    select_rows(qtbot, dialog, 0, 2)
    assert dialog.compare_button.isEnabled() and not dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.plan_history.comparison is not None)
    comparison = window.plan_history.comparison
    assert comparison is not None and comparison.isVisible()
    assert comparison.older.id == versions["first"] and comparison.newer.id == versions["second"]
    header = comparison.tree.headerItem()
    assert header.text(1).startswith("Version 1, agreed") and header.text(2).startswith("Version 2, agreed")
    assert ("About me", "Changed: What matters", "My garden", "My garden and the birds") in comparison.rows()
    top = [comparison.tree.topLevelItem(i).text(1) for i in range(comparison.tree.topLevelItemCount())]
    assert top[0] == "1 difference" and top.count("No differences") == len(top) - 1
    comparison.reject()


def test_a_person_who_only_declined_is_not_shown_as_never_having_a_plan(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    ctx.services.plans.decline(_draft_saying(ctx, person, actor, "Not today"), actor, reason="Not now")
    open_from_list(qtbot, window, "testwell", person)
    bar = window.editor.mode_bar
    assert window.editor.plan is None and "declined a written plan" in bar.notice.text()
    assert "No plan has been written" not in bar.notice.text()
    assert bar.start_button.text() == "Start a plan" and bar.history_button.isVisible()
    dialog = history_dialog(qtbot, window)
    assert [r[:2] for r in rows(dialog)] == [["—", "The person declined a written plan"]]
    dialog.reject()
