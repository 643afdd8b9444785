"""A number box for a rating or score that may be left empty ("Not rated", "Not recorded").

While such a box is empty its text is the words, not a number. A click puts the text cursor among those
words, so a digit typed next was inserted into them ("Not r6ated"), refused, and lost; only Tab (which
selects the whole text) worked. Here a digit typed into an empty box replaces the words, wherever the
cursor is, so clicking in and typing keeps the number as Tab and typing does.
"""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QSpinBox


class RatingBox(QSpinBox):
    """A QSpinBox whose lowest value is shown as words (its special value text) meaning "empty"."""

    def _empty(self) -> bool:
        return bool(self.specialValueText()) and self.value() == self.minimum()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self._empty() and not self.isReadOnly() and event.text().isdigit():
            self.lineEdit().selectAll()  # the digit replaces "Not rated", wherever the cursor was
        super().keyPressEvent(event)
