"""The merge dialog and the Sync dialog, real widgets over a real encrypted store: both copies side by side
per section, a choice per section, Save writes one draft and resolves the conflict; a copy changed
meanwhile is refused in plain words and shown again; the status bar's words for each state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.users import Actor
from careplanner.sync.merge import CHANGED_SINCE, MergeService
from careplanner.sync.status import SyncService, SyncStatus
from careplanner.ui.main import application
from careplanner.ui.sync_dialog import SyncDialog
from careplanner.ui.sync_merge import MergeDialog
from careplanner.ui.sync_status import SyncStatusButton, status_text
from careplanner.ui.worker import Worker
from tests.sync.merge_support import ABOUT_SECOND, GOALS_FIRST, two_copies

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _dialog(qtbot: QtBot, ctx: AppContext, actor: Actor, conflict_id: str) -> MergeDialog:
    application()
    dialog = MergeDialog(
        MergeService(ctx.store.sessions, ctx.services.clock.now), conflict_id, actor, Worker(inline=True)
    )
    qtbot.addWidget(dialog)
    dialog.resize(1000, 700)
    dialog.show()
    return dialog


def _texts(widget: MergeDialog, key: str) -> list[str]:
    section = next(s for s in widget.sections if s.key == key)
    return [label.text() for label in section.findChildren(QLabel)]


def test_both_copies_side_by_side_and_the_chosen_sections_saved(
    qtbot: QtBot, ctx: AppContext, actor: Actor
) -> None:
    copies = two_copies(ctx, actor)
    dialog = _dialog(qtbot, ctx, actor, copies.conflict_id)
    assert "MERGEWELL, Ada" in dialog.title.text()
    about = _texts(dialog, "about_me")
    assert "Getting back to my allotment" in about and "Seeing my grandchildren at Christmas" in about
    assert "The same in both copies." in _texts(dialog, "future_wishes")
    goals = next(s for s in dialog.sections if s.key == "goals")
    about_choice = next(s for s in dialog.sections if s.key == "about_me")
    assert about_choice.first_button.isChecked() and goals.first_button.isChecked()  # the draft kept
    qtbot.mouseClick(about_choice.second_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.merged) as merged:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert merged.args == [copies.person_id]
    draft = ctx.services.plans.draft_of(copies.person_id)
    assert draft is not None and draft.id == copies.first_id
    assert draft.content.about_me == ABOUT_SECOND and draft.content.goals == GOALS_FIRST
    assert MergeService(ctx.store.sessions).open_ids() == []


def test_a_copy_changed_meanwhile_is_refused_and_shown_again(
    qtbot: QtBot, ctx: AppContext, actor: Actor
) -> None:
    copies = two_copies(ctx, actor)
    dialog = _dialog(qtbot, ctx, actor, copies.conflict_id)
    newer = d.AboutMeSection(about=d.AboutMeData(what_matters="Newer words from the other workstation"))
    ctx.services.plans.save_section(copies.second_id, newer, actor)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.message.text() == CHANGED_SINCE
    assert "Newer words from the other workstation" in _texts(dialog, "about_me")
    assert len(MergeService(ctx.store.sessions).open_ids()) == 1


def test_sync_dialog_lists_the_plans_that_need_a_merge(qtbot: QtBot, ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    application()
    dialog = SyncDialog(SyncService(ctx.store.sessions), Worker(inline=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.conflicts.count() == 1
    assert dialog.conflicts.item(0).text().startswith("Ada Mergewell — two copies of the plan")
    assert dialog.waiting.item(0).text() == "Nothing is waiting: the practice server has it all."
    with qtbot.waitSignal(dialog.merge_requested) as asked:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert asked.args == [copies.conflict_id]
    merge = MergeService(ctx.store.sessions)
    merge.merge(merge.case(copies.conflict_id), {}, actor)
    dialog.refresh()
    assert dialog.conflicts.item(0).text() == "No plan needs a merge."
    assert not dialog.merge_button.isEnabled()  # nothing to merge: the button does nothing to press


def test_status_bar_words(qtbot: QtBot) -> None:
    application()
    now = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    since = datetime(2026, 11, 30, 10, 42, tzinfo=UTC)
    offline = SyncStatus(False, since, 3, 0, None, None)
    local = since.astimezone().strftime("%H:%M")
    assert status_text(SyncStatus(True, None, 0, 0, now, None), now) == "Connected"
    assert status_text(offline, now) == f"Offline since {local} — 3 changes waiting"
    assert status_text(SyncStatus(True, None, 0, 2, now, None), now) == "Connected — 2 plans need a merge"
    assert status_text(SyncStatus(True, None, 1, 1, now, None), now) == (
        "Connected — 1 change waiting — 1 plan needs a merge"
    )
    stopped = SyncStatus(False, None, 0, 0, None, "the practice server runs a newer version")
    assert status_text(stopped, now) == "Sync stopped: the practice server runs a newer version"
    button = SyncStatusButton()
    qtbot.addWidget(button)
    button.show_status(SyncStatus(True, None, 0, 2, now, None))
    assert button.text().endswith("2 plans need a merge")
