"""Every control a keyboard can reach has a name a screen reader can say, and the window fits 1366x768."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QWidget
from pytestqt.qtbot import QtBot

from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def spoken_name(widget: QWidget) -> str:
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "")
    return ""


def unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.window() is not root or isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue  # pop-up lists, and a spin box's own text field (the spin box carries the name)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not spoken_name(widget):
            parent = widget.parentWidget()
            missing.append(f"{type(widget).__name__} in {type(parent).__name__ if parent else '-'}")
    return missing


def test_every_focusable_control_has_a_name(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    for key in SECTION_TYPES:
        window.editor.go_to(key)
        for editor in window.editor.step(key).findChildren(QWidget):
            add = getattr(editor, "add_item", None)
            if callable(add) and not getattr(editor, "items", lambda: ())():
                add()  # open each list's form so its fields are checked too
    missing = unnamed_controls(window)
    assert missing == [], sorted(set(missing))


def test_the_window_fits_a_1366_by_768_screen(window: MainWindow) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    assert window.minimumWidth() <= 1366 and window.minimumHeight() <= 768


def test_tab_moves_down_the_goals_page(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("goals")
    goals = window.editor.step("goals")
    order = []
    widget = goals.goals.add_button  # type: ignore[attr-defined]
    for _ in range(400):
        order.append(widget)
        widget = widget.nextInFocusChain()
    assert order.index(goals.needs.add_button) < order.index(goals.referrals.add_button)  # type: ignore[attr-defined]
    assert order.index(goals.referrals.add_button) < order.index(goals.service_picker.box)  # type: ignore[attr-defined]
