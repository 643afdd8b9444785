"""Closing the whole window (the close button, File → Quit, Ctrl+Q) while the editor shows text that the
practice server refused and that is only kept on screen asks first, as leaving to the people list does:
"Stay" keeps the window open with the text; "Leave without it" closes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from careplanner.ui.main_window import MainWindow
from tests.server.conftest import Practice, Workstation
from tests.server.conftest import practice as practice  # the fixture: two workstations on one server
from tests.ui.helpers import type_into
from tests.ui.test_presence_ui import open_plan, what_matters
from tests.ui.test_presence_ui import windows as windows  # two real windows on that server
from tests.ui.test_two_rooms import agree_as_sam

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def kept_text_on_screen(qtbot: QtBot, practice: Practice, room3: MainWindow) -> None:
    """Jo types into a draft that Sam agreed meanwhile: her window turns read-only keeping the text."""
    open_plan(qtbot, room3, practice.person.id)
    type_into(qtbot, what_matters(room3), "Gardening")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()
    room3.server.stop()  # her window hears nothing: the refused save alone tells it
    agree_as_sam(practice)
    type_into(qtbot, what_matters(room3), " and my allotment")
    banner = room3.editor.presence_banner
    qtbot.waitUntil(lambda: room3.editor.read_only and banner.kept.isVisible(), timeout=5000)


def test_closing_the_window_with_kept_text_asks_and_stay_keeps_it_open(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3 = windows(practice.room3)
    kept_text_on_screen(qtbot, practice, room3)
    banner = room3.editor.presence_banner

    assert room3.close() is False  # the close button: asked first, not closed
    box = room3.sharing.watch.leave_question
    assert box is not None and box.isVisible()
    next(b for b in box.buttons() if b.text() == "Stay").click()
    assert room3.isVisible() and room3.stack.currentWidget() is room3.editor
    assert "What matters: Gardening and my allotment" in banner.kept.toPlainText()

    quit_action = next(a for a in room3.file_menu.actions() if a.text() == "&Quit")
    quit_action.trigger()  # File → Quit, Ctrl+Q (the offscreen platform binds no key to StandardKey.Quit)
    box = room3.sharing.watch.leave_question
    assert box is not None and box.isVisible()
    assert room3.isVisible()
    next(b for b in box.buttons() if b.text() == "Stay").click()
    assert room3.isVisible() and "allotment" in banner.kept.toPlainText()

    room3.close()
    box = room3.sharing.watch.leave_question
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Leave without it").click()
    qtbot.waitUntil(lambda: not room3.isVisible())


def test_closing_with_nothing_kept_does_not_ask(
    qtbot: QtBot, practice: Practice, windows: Callable[[Workstation], MainWindow]
) -> None:
    room3 = windows(practice.room3)
    open_plan(qtbot, room3, practice.person.id)
    type_into(qtbot, what_matters(room3), "Gardening")
    qtbot.waitSignal(room3.editor.saved, timeout=3000).wait()
    assert room3.close() is True
    assert room3.sharing.watch.leave_question is None
