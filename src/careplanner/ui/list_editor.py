"""Edit a list of plan items (conditions, medicines, goals, contacts…): add, edit, remove, reorder.

The list shows one line per item; the form below edits the selected one. Everything works from the
keyboard: Alt+N adds, Delete removes (in the list), Alt+Up / Alt+Down move the selected item.

Nothing moves under the pointer: the buttons sit above the list, and the list keeps one height
(scrolling inside) however many items it holds. A removal can be undone ("Goal removed — Undo", or
Ctrl+Z outside text fields: `ui/undo_bar.py`), putting the item back exactly, nested lists and all.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from careplanner.ui.fields import Field, tr
from careplanner.ui.forms import DataForm
from careplanner.ui.undo_bar import Removal, UndoBar

log = logging.getLogger("careplanner.ui.list_editor")
VISIBLE_ROWS = 4  # the list's fixed height; more items scroll inside it
_states = itertools.count(1)  # list states, unique across lists (see ListEditor._state)


class ListEditor(QWidget):
    """Signals: changed() after an add, remove, move or edit; current_changed(int)."""

    changed = Signal()
    current_changed = Signal(int)

    def __init__(self, spec: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert spec.item is not None
        self._spec = spec
        self._items: list[Any] = []
        self._loading = False
        self.read_only = False  # see set_read_only
        name = tr(spec.label)
        self.setAccessibleName(name)

        # Which items the list holds: a fresh number on each load and each shift of rows, so an undo
        # can tell that its list still shows what the item was removed from (see _removal).
        self._state = next(_states)
        # Made with this parent in Tab order (the list, then its buttons, then the form); laid out
        # with the buttons above the list, where growing lists never push them.
        self.list = QListWidget(self)
        self.list.setAccessibleName(tr("{0}: list").format(name))
        self._row_height = self.list.fontMetrics().lineSpacing() + 6
        self.list.currentRowChanged.connect(self._row_changed)
        self._nouns = spec.nouns or spec.noun + "s"
        self.empty = QLabel(tr("No {0} yet — add one").format(tr(self._nouns)), self)
        self.empty.setObjectName("emptyState")

        self.add_button = QPushButton(tr("Add {0}").format(tr(spec.noun)), self)
        self.remove_button = QPushButton(tr("Remove"), self)
        self.up_button = QPushButton(tr("Move up"), self)
        self.down_button = QPushButton(tr("Move down"), self)
        for button, tip in (
            (self.add_button, "Alt+N"),
            (self.remove_button, "Delete"),
            (self.up_button, "Alt+Up"),
            (self.down_button, "Alt+Down"),
        ):
            button.setToolTip(tip)
            button.setAccessibleName(f"{button.text()} ({name})")
        self.add_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch()

        self.form = DataForm(spec.fields)
        self.form.changed.connect(self._form_edited)
        self.form_box = QWidget(self)
        inner = QVBoxLayout(self.form_box)
        inner.setContentsMargins(16, 4, 0, 4)
        inner.addWidget(self.form)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addWidget(self.form_box)

        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current)
        self._refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Alt+N adds, Alt+Up / Alt+Down move. Handled here (not by QShortcut) so that in a list inside
        a list (a goal's actions) the innermost list answers, with no ambiguity."""
        if event.modifiers() == Qt.KeyboardModifier.AltModifier:
            key = event.key()
            if key == Qt.Key.Key_N:
                self.add_item()
                return
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_current(-1 if key == Qt.Key.Key_Up else 1)
                return
        super().keyPressEvent(event)

    def set_read_only(self) -> None:
        """Items can still be looked through, but not added, removed or moved (see ui/read_only.py)."""
        self.read_only = True
        self.empty.setText(tr("No {0} recorded").format(tr(self._nouns)))

    # ---- data -------------------------------------------------------------------------------------------

    @property
    def spec(self) -> Field:
        """The list's field: its item type and the item's fields (tests sweep every field through it)."""
        return self._spec

    def items(self) -> tuple[Any, ...]:
        return tuple(self._items)

    def set_items(self, items: tuple[Any, ...]) -> None:
        self._state = next(_states)
        bar = UndoBar.existing(self) if self._outer() is None and self.window() is not self else None
        if bar is not None:
            bar.forget(self)  # another plan (or person) is shown: its removals cannot come back here
        self._loading = True
        try:
            self._items = list(items)
            self.list.clear()
            for item in self._items:
                self.list.addItem(self._describe(item))
            self.list.setCurrentRow(0 if self._items else -1)
        finally:
            self._loading = False
        self._refresh()

    def current_index(self) -> int:
        return self.list.currentRow()

    def select(self, index: int) -> None:
        if 0 <= index < len(self._items):
            self.list.setCurrentRow(index)

    def replace_item(self, index: int, item: Any) -> None:
        self._items[index] = item
        self.list.item(index).setText(self._describe(item))
        if index == self.current_index():
            self.form.load(item)
        self.changed.emit()

    def _describe(self, item: Any) -> str:
        """The item's line in the list. A describe function that fails must never interrupt typing (it
        runs on every keystroke): the line falls back to the item's first field and the fault is logged
        (its type only: the item is patient data)."""
        first = str(getattr(item, self._spec.fields[0].name, ""))
        text = first
        if self._spec.describe is not None:
            try:
                text = str(self._spec.describe(item))
            except Exception as exc:  # a label is never worth losing a keystroke
                log.error("Describing a %s failed: %s", self._spec.noun, type(exc).__name__)
        return text.strip() or tr("(new {0} — not yet named)").format(tr(self._spec.noun))

    # ---- actions ----------------------------------------------------------------------------------------

    def add_item(self) -> None:
        assert self._spec.item is not None
        if self.read_only:
            return
        self._items.append(self._spec.item())
        self.list.addItem(self._describe(self._items[-1]))
        self.list.setCurrentRow(len(self._items) - 1)
        self._refresh()
        self.changed.emit()
        self.focus_form()

    def append(self, item: Any) -> None:
        """Add a ready-made item (from the directory, a template) at the end and select it. Unlike a
        reload, removals from this list can still be undone afterwards."""
        if self.read_only:
            return
        self._items.append(item)
        self._show_rows(lambda: self.list.addItem(self._describe(item)), len(self._items) - 1)
        self.changed.emit()

    def focus_form(self) -> None:
        """Put the cursor in the selected item's first field, scrolled into view: after "Add action" low
        on a page the field was below the bottom of the window, and typing went on out of sight."""
        field = self.form.widget(self._spec.fields[0].name)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if isinstance(area, QScrollArea):
            page = area
            page.ensureWidgetVisible(field)
            # Again once the new item's form has been laid out (the first try may use old geometry).
            QTimer.singleShot(0, field, lambda: page.ensureWidgetVisible(field))

    def remove_current(self) -> None:
        """Remove the selected item; the window's undo bar offers it back ("Goal removed — Undo")."""
        row = self.current_index()
        if row < 0 or self.read_only:
            return
        item = self._items.pop(row)
        before, self._state = self._state, next(_states)
        self._show_rows(lambda: self.list.takeItem(row), min(row, len(self._items) - 1))
        self.changed.emit()
        # The last item gone, the list hides: focus stays here, on Add, not on whatever comes next on the
        # page (which scrolled the page away under the pointer).
        (self.list if self._items else self.add_button).setFocus(Qt.FocusReason.OtherFocusReason)
        if self.window() is not self:
            noun = tr(self._spec.noun)
            noun = noun[:1].upper() + noun[1:]
            UndoBar.of(self).push(
                Removal(
                    tr("{0} removed").format(noun),
                    tr("{0} put back").format(noun),
                    self._removal(row, item, before),
                    self._root(),
                )
            )

    def _removal(self, row: int, item: Any, before: int) -> Callable[[], bool]:
        """How to put `item` back at `row`: only while this list shows the items it was removed from.

        A list inside another (a goal's actions) is loaded again whenever another goal is selected; then
        the goal it came from is selected again first, provided the outer list has not changed shape."""
        after = self._state
        outer = self._outer()
        outer_row = outer.current_index() if outer is not None else -1
        outer_state = outer._state if outer is not None else 0

        def restore() -> bool:
            if self.read_only:
                return False
            if self._state != after:
                if outer is None or outer._state != outer_state or not 0 <= outer_row < len(outer._items):
                    return False
                outer.select(outer_row)
            at = min(row, len(self._items))
            self._items.insert(at, item)
            self._state = before  # the list is as it was before the removal: older undos still fit
            self._show_rows(lambda: self.list.insertItem(at, self._describe(item)), at)
            self.changed.emit()
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            return True

        return restore

    def _show_rows(self, change: Callable[[], object], current: int) -> None:
        """Take a row out of (or put one into) the list, then select `current` and show it in the form.
        The list's own selection signals are held meanwhile: Qt moves the selection while the row is
        going, when the list and the items disagree for a moment."""
        self.list.blockSignals(True)
        try:
            change()
            self.list.setCurrentRow(current)
        finally:
            self.list.blockSignals(False)
        self._row_changed(self.current_index())

    def _outer(self) -> ListEditor | None:
        """The list this one sits in (a goal's actions sit in the goals list), if any."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, ListEditor):
            parent = parent.parentWidget()
        return parent

    def _root(self) -> ListEditor:
        outer = self._outer()
        return self if outer is None else outer._root()

    def move_current(self, step: int) -> None:
        row = self.current_index()
        target = row + step
        if row < 0 or self.read_only or not 0 <= target < len(self._items):
            return
        self._items[row], self._items[target] = self._items[target], self._items[row]
        self._state = next(_states)
        self._loading = True
        try:
            self.list.item(row).setText(self._describe(self._items[row]))
            self.list.item(target).setText(self._describe(self._items[target]))
            self.list.setCurrentRow(target)
        finally:
            self._loading = False
        self.changed.emit()

    # ---- internals --------------------------------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.form.load(self._items[row])
        self._refresh()
        self.current_changed.emit(row)

    def _form_edited(self) -> None:
        row = self.current_index()
        if row < 0:
            return
        current = self._items[row]
        self._items[row] = self.form.apply(current)
        self.list.item(row).setText(self._describe(self._items[row]))
        if not self._loading:
            self.changed.emit()

    def _refresh(self) -> None:
        has_items = bool(self._items)
        row = self.current_index()
        self.empty.setVisible(not has_items)
        self.list.setVisible(has_items)
        self.list.setFixedHeight(VISIBLE_ROWS * self._row_height + 8)
        self.form_box.setVisible(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(self._items) - 1)

    def validate(self) -> list[QWidget]:
        return self.form.validate() if self.current_index() >= 0 else []
