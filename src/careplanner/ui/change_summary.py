"""'Changed since the last agreed plan', at the top of each step at a review, in a box of fixed height.

The list grows with every autosave; in a box that grew with it, everything below moved down under the
pointer (a click meant for one field landed on the one above it). So the box keeps one height and its
list scrolls inside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from careplanner.services.diff import Change

VISIBLE_LINES = 4  # the heading and three changes show at once; the rest scroll


class ChangeSummary(QFrame):
    """What changed in one step since the agreed plan this review started from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changes")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.area = QScrollArea()
        self.area.setWidget(self.label)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        self.area.setFixedHeight(self.label.fontMetrics().lineSpacing() * VISIBLE_LINES + 6)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Never taller either: spare room on a short page must not stretch the box.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.area)
        self.setAccessibleName(self.tr("Changed since the last agreed plan"))
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_changes(self, changes: Sequence[Change]) -> None:
        """Show `changes` (none: say so). The box's height never changes; long lists scroll inside it."""
        if not changes:
            text = self.tr("No changes since the last agreed plan.")
        else:
            words = {
                "added": self.tr("Added"),
                "removed": self.tr("Removed"),
                "changed": self.tr("Changed"),
                "taken_again": self.tr("Taken again"),
            }
            lines = [f"• {words.get(c.kind, c.kind)}: {c.label}" for c in changes]
            text = self.tr("Changed since the last agreed plan ({0}):").format(len(changes))
            text += "\n" + "\n".join(lines)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.show()
