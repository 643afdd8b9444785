"""The "Before you agree" list on the Agree and share step: one link per item, worded to wrap.

A QPushButton never wraps its text, so one long item ("…has a blank to fill in: …") used to widen the
whole step and put a horizontal scroll bar under it. `WrappingLink` is still a push button (Tab, Space,
a screen reader's "button"), but its words are drawn by a word-wrapping label inside it. The mark in
front of each item is a style icon, not a symbol from the font: a font without the symbol drew an empty
box, and "must be put right" then looked like a reminder.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.consultation import ChecklistItem
from careplanner.ui.style import NHS_BLUE

BLOCKING_ICON = QStyle.StandardPixmap.SP_MessageBoxCritical
REMINDER_ICON = QStyle.StandardPixmap.SP_MessageBoxWarning


class WrappingLink(QPushButton):
    """A link-styled button whose words wrap to the width it is given, with an optional style icon.
    `text()` is the whole text, as for any button. Signals: those of QPushButton (clicked)."""

    def __init__(
        self, text: str, icon: QStyle.StandardPixmap | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(text, parent)
        self.setObjectName("link")
        self.words = QLabel(text)
        self.words.setWordWrap(True)
        self.words.setTextFormat(Qt.TextFormat.PlainText)
        self.words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.words.setStyleSheet(f"color: {NHS_BLUE};")
        font = self.words.font()
        font.setUnderline(True)
        self.words.setFont(font)
        self.mark = QLabel()
        self.mark.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(6)
        if icon is not None:
            side = self.fontMetrics().height()
            self.mark.setPixmap(self.style().standardIcon(icon).pixmap(side, side))
            row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self.mark.hide()
        row.addWidget(self.words, 1)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _row(self) -> QLayout:
        layout = self.layout()
        assert layout is not None
        return layout

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._row().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._row().minimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._row().totalHeightForWidth(width)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The button's frame and focus only: the label inside draws the words, wrapped."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_PushButton, option)


def item_text(item: ChecklistItem, tr: Callable[[str], str]) -> str:
    """An item's words on its link: must-fix items say so in words (not by the icon alone)."""
    lead = tr("Must be put right before agreeing:") + " " if item.blocking else ""
    return lead + tr(item.message) + "  " + tr("(go to it)")


def fill_checklist(
    layout: QVBoxLayout,
    items: list[ChecklistItem],
    tr: Callable[[str], str],
    chosen: Callable[[ChecklistItem], None],
) -> None:
    """Replace what `layout` shows with one link per item (or a line saying there is nothing to check)."""
    while layout.count():
        old = layout.takeAt(0)
        widget = old.widget() if old is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
    if not items:
        done = QLabel(tr("✓ Nothing to check: the plan looks complete."))
        done.setWordWrap(True)
        layout.addWidget(done)
        return
    for item in items:
        link = WrappingLink(item_text(item, tr), BLOCKING_ICON if item.blocking else REMINDER_ICON)
        link.setAccessibleName(tr(item.message))
        link.clicked.connect(lambda _=False, it=item: chosen(it))
        layout.addWidget(link)
