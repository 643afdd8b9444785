"""Typing helpers that drive widgets the way a person at a keyboard does (ASCII only: see ENVIRONMENT.md)."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(widget, text)


def choose(qtbot: QtBot, combo: QWidget, text: str) -> None:
    """Pick a combo box entry with the arrow keys (Home, then Down until it is the current one)."""
    box = cast(QComboBox, combo)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentText().startswith(text):
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not in the list")


def answer(qtbot: QtBot, row: QWidget, text: str) -> None:
    """Move along a questionnaire item's options with the arrow keys (Home, then Down) until `text` is
    the one chosen: passed over, not yet committed (Return, Tab or a click commits it)."""
    from careplanner.ui.radio_questionnaire import AnswerRow

    assert isinstance(row, AnswerRow)
    row.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(row, Qt.Key.Key_Home)
    for _ in range(len(row.radios)):
        if row.current_text().startswith(text):
            return
        qtbot.keyClick(row, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not an option")


def click_answer(qtbot: QtBot, row: QWidget, text: str) -> None:
    """Answer a questionnaire item with one click on the option that starts with `text`."""
    from careplanner.ui.radio_questionnaire import AnswerRow

    assert isinstance(row, AnswerRow)
    radio = next(r for r in row.radios if r.text().startswith(text))
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)


def press(qtbot: QtBot, widget: QWidget) -> None:
    """Focus a button and press Space, as a keyboard user does."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(widget, Qt.Key.Key_Space)


def alt(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type any text key by key: ASCII with keyClicks, a newline with Return, and each other character
    as the key event a keyboard layout (or an input method) sends, carrying that character."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus(Qt.FocusReason.TabFocusReason)
    run = ""
    for ch in text + "\0":
        if ch.isascii() and ch not in "\n\0":
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if ch == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif ch != "\0":
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
                QApplication.sendEvent(widget, event)
