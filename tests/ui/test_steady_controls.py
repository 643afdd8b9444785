"""Small layout faults a reviewing nurse found (issue 12): "Remove need" is not offered with no need to
remove, "Add allergy" stays where it is when the first allergy brings up the hint above it, and the Undo
bar has its own place instead of covering the fields at the bottom of the page."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.about_me import AboutMeStep
from careplanner.ui.steps.goals import GoalsStep
from careplanner.ui.steps.medical import MedicalStep
from careplanner.ui.undo_bar import UndoBar
from tests.ui.helpers import choose, press

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _laid_out() -> None:
    """Let every pending layout request run (showing or hiding a widget posts one)."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def test_add_allergy_stays_put_when_the_first_allergy_is_added(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("medical")
    medical = cast(MedicalStep, window.editor.step("medical"))
    button = medical.allergies.add_button
    _laid_out()
    before = button.mapTo(medical, QPoint(0, 0)).y()
    assert not medical.allergy_hint.isVisible()
    press(qtbot, button)
    assert medical.allergy_hint.isVisible()  # "Cannot be ticked while allergies are listed."
    _laid_out()
    assert button.mapTo(medical, QPoint(0, 0)).y() == before


def test_remove_need_is_offered_only_with_a_need_chosen(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    ctx.services.plans.start_draft(person.id, actor)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.person is not None)
    window.editor.go_to("about_me")
    needs = cast(AboutMeStep, window.editor.step("about_me")).needs
    assert needs.add_button.isEnabled()
    assert not needs.remove_button.isEnabled()  # nothing recorded: nothing to remove
    choose(qtbot, needs.choice, "Large print")
    press(qtbot, needs.add_button)
    qtbot.waitUntil(lambda: needs.list.count() == 1, timeout=2000)
    needs.list.setCurrentRow(0)
    assert needs.remove_button.isEnabled()
    press(qtbot, needs.remove_button)
    qtbot.waitUntil(lambda: needs.list.count() == 0, timeout=2000)
    assert not needs.remove_button.isEnabled()


def test_the_undo_bar_never_covers_the_page(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("goals")
    goals = cast(GoalsStep, window.editor.step("goals")).goals
    press(qtbot, goals.add_button)
    goals.select(0)
    press(qtbot, goals.remove_button)
    bar = UndoBar.of(window.editor)
    assert bar.isVisible() and bar.label.text() == "Goal removed"
    _laid_out()
    central = window.centralWidget()
    assert central is not None
    page = QRect(central.mapTo(window, QPoint(0, 0)), central.size())
    shown = QRect(bar.mapTo(window, QPoint(0, 0)), bar.size())
    assert not page.intersects(shown)
    assert bar.undo_button.visibleRegion().boundingRect().size() == bar.undo_button.size()
