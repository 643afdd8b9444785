"""Ctrl+1 … Ctrl+7 go straight to a step; F1 lists every shortcut there is.

The list is read from the window's own actions (menus and all), so a shortcut added to a menu can never
be left out of it, followed by the keys that work inside the plan's widgets (lists, dates,
questionnaires), which are not menu actions.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.plan_data import SECTION_TITLES, SECTION_TYPES
from careplanner.ui.date_today import TODAY_KEYS
from careplanner.ui.editor import PlanEditor


def tr(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


# Keys handled inside the plan's widgets rather than by menu actions: (keys, what they do).
IN_PLACE: tuple[tuple[str, str], ...] = (
    ("Alt+N", "Add an item to the list the cursor is in"),
    ("Delete", "Remove the selected item from a list"),
    ("Alt+Up / Alt+Down", "Move the selected item up or down its list"),
    ("Ctrl+Z", "Undo the last removal from a list (in a text field: undo typing)"),
    (TODAY_KEYS, "Put today's date in a date field"),
    ("Tab / Shift+Tab", "Next or previous field; in a questionnaire, the next or previous question"),
    ("Arrow keys", "Move along a questionnaire question's answers"),
    ("0 to 3", "Answer a questionnaire question with that many points"),
    ("Delete or Backspace", "Take back a questionnaire answer"),
    ("Return", "Confirm a questionnaire answer"),
)


class StepShortcuts:
    """Plan → Go to step: one action per step, Ctrl+1 to Ctrl+7, working while a plan is on screen."""

    def __init__(self, window: QMainWindow, editor: PlanEditor, menu: QMenu) -> None:
        self._editor = editor
        self.menu = menu.addMenu(tr("&Go to step"))
        self.actions: list[QAction] = []
        for number, key in enumerate(SECTION_TYPES, start=1):
            action = QAction(f"&{number}. {tr(SECTION_TITLES[key])}", window)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, k=key: self.go_to(k))
            self.menu.addAction(action)
            self.actions.append(action)

    def go_to(self, key: str) -> None:
        if self._editor.isVisible() and self._editor.person is not None:
            self._editor.go_to(key)


def window_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what) for every action of the window that has a shortcut, in menu order, once each."""
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    for action in window.findChildren(QAction):
        keys = " or ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty()
        )
        if not keys or keys in seen:
            continue
        seen.add(keys)
        rows.append((keys, action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")))
    return rows


def all_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    return window_shortcuts(window) + [(keys, tr(what)) for keys, what in IN_PLACE]


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts (F1): every shortcut, in a table a screen reader can read."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        rows = all_shortcuts(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([tr("Keys"), tr("What they do")])
        self.table.setAccessibleName(tr("Keyboard shortcuts"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def texts(self) -> list[tuple[str, str]]:
        """What the table shows, row by row: (keys, what they do)."""
        rows: list[tuple[str, str]] = []
        for r in range(self.table.rowCount()):
            keys, what = self.table.item(r, 0), self.table.item(r, 1)
            rows.append((keys.text() if keys else "", what.text() if what else ""))
        return rows


def show_shortcuts(window: QWidget) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)
    dialog.open()
    return dialog
