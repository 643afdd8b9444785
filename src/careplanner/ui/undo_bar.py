"""Undo a removal: "Goal removed — Undo" in a bar at the bottom of the window, and Ctrl+Z.

Remove is one click, so every removal from a plan list can be taken back: the bar names what went and
offers Undo; Ctrl+Z does the same while the cursor is not in a text field (in text fields Ctrl+Z stays
the field's own typing undo, which Qt gives them first). Undo works newest first, as far back as the
removals still make sense: each entry asks its list whether it still shows the same items (the same
person, the same goal) before putting anything back, and says so plainly when it cannot.

One bar per window. It has a place of its own, never over the page: floating over the bottom of the page
it covered the fields there (a nurse could not see what she was typing). In a main window it sits in the
status bar, beside "Saved"; in another window, under everything in the window's layout. Its room is
kept while it is hidden, so showing or hiding it never moves what is under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

SHOW_MS = 20000  # the bar goes after this long; Ctrl+Z still undoes
KEEP = 30  # removals remembered per window


def tr(text: str) -> str:
    return QCoreApplication.translate("UndoBar", text)


@dataclass(frozen=True)
class Removal:
    """One removal that can be taken back. `restore()` puts the item back and returns True, or returns
    False (changing nothing) when its list no longer shows what it was removed from. `owner` is the
    outermost list it came from: when that list is loaded again (another person) the entry is dropped."""

    message: str  # "Goal removed"
    restored: str  # "Goal put back"
    restore: Callable[[], bool]
    owner: QObject


class UndoBar(QFrame):
    """The window's bar of the latest removal, with Undo; also owns the window's Ctrl+Z for removals."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("undoBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#undoBar { background: #212b32; border-radius: 4px; }"
            "QFrame#undoBar QLabel { color: white; font-weight: 600; }"
        )
        self._entries: list[Removal] = []
        self.label = QLabel()
        self.undo_button = QPushButton(tr("Undo"))
        self.undo_button.setToolTip(tr("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        self.close_button = QPushButton(tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self.setAccessibleName(tr("Undo"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_MS)
        self._timer.timeout.connect(self.hide)
        self.shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), window)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.undo)
        self.host = window
        self.docked = self._dock(window)
        if not self.docked:
            window.installEventFilter(self)
        self.hide()

    def _dock(self, window: QWidget) -> bool:
        """Give the bar its own room in `window` (kept while hidden). False: no layout to sit in."""
        room = self.sizePolicy()
        room.setRetainSizeWhenHidden(True)
        self.setSizePolicy(room)
        if isinstance(window, QMainWindow):
            window.statusBar().insertPermanentWidget(0, self, 1)  # left of "Saved" and the clock
            return True
        layout = window.layout()
        if isinstance(layout, QBoxLayout):
            layout.addWidget(self)
            return True
        return False

    @staticmethod
    def existing(widget: QWidget) -> UndoBar | None:
        """The bar of `widget`'s window, if it has one yet (not one of a dialog inside it)."""
        window = widget.window()
        return next((bar for bar in window.findChildren(UndoBar) if bar.host is window), None)

    @staticmethod
    def of(widget: QWidget) -> UndoBar:
        """The bar of `widget`'s window, made the first time it is wanted."""
        return UndoBar.existing(widget) or UndoBar(widget.window())

    @property
    def entries(self) -> tuple[Removal, ...]:
        return tuple(self._entries)

    def push(self, removal: Removal) -> None:
        self._entries = [*self._entries[-(KEEP - 1) :], removal]
        self._say(removal.message)

    def forget(self, owner: QObject) -> None:
        """`owner` shows other items now (another person's plan): nothing removed from it can come back."""
        kept = [e for e in self._entries if e.owner is not owner]
        if len(kept) != len(self._entries):
            self._entries = kept
            self.hide()

    def undo(self) -> None:
        """Put back the newest removal that can still go back (Undo button, or Ctrl+Z outside text)."""
        if not self._entries:
            return
        entry = self._entries.pop()
        if entry.restore():
            self._say(entry.restored, undo=False)
        else:
            self._entries.clear()
            self._say(tr("That can no longer be undone: the list has changed since."), undo=False)

    def _say(self, text: str, *, undo: bool = True) -> None:
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.undo_button.setVisible(undo)
        if not self.docked:
            self.adjustSize()
            self._place()
        self.show()
        self.raise_()
        self._timer.start(SHOW_MS if undo else 4000)

    def _place(self) -> None:
        window = self.parentWidget()
        if window is None:
            return
        area = window.rect()
        central = window.centralWidget() if isinstance(window, QMainWindow) else None
        if central is not None:
            area = central.geometry()
        width = min(max(self.sizeHint().width(), 360), max(area.width() - 40, 200))
        self.resize(width, self.sizeHint().height())
        self.move(area.center().x() - width // 2, area.bottom() - self.height() - 16)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
