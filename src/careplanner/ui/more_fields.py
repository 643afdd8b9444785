"""A "More…" disclosure for a form's rarely used fields (codes, a new goal's outcome, how to contact
someone), so the fields used at every appointment are the ones on screen.

It never hides data: whenever one of its fields holds something (as loaded, or when it is filled in or
marked as wrong), it is open, and it cannot be closed again while they do. It remembers nothing: each item
loaded into the form (another goal, another person) opens it only if that item has something in it.
The button takes Tab and Space/Return like any other, so it is reachable from the keyboard.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from careplanner.ui.fields import tr

__all__ = ["MoreFields", "has_content"]


def has_content(value: object) -> bool:
    """Whether a stored value says anything (blank text, no date, no number, an empty list say nothing)."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, tuple):
        return any(has_content(v) for v in value)
    return True


class MoreFields(QWidget):
    """The "More…" button and, under it, the box of rarely used fields. No signals."""

    def __init__(self, labels: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        names = ", ".join(labels)
        self._held = False  # a field in the box holds something: it stays open
        self.button = QPushButton(tr("More…"), self)
        self.button.setObjectName("moreFields")
        self.button.setCheckable(True)
        self.button.setFlat(True)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.button.setAccessibleName(tr("More fields"))
        self.button.setAccessibleDescription(names)
        self.button.setToolTip(names)
        self.box = QWidget(self)
        self.box_layout = QVBoxLayout(self.box)
        self.box_layout.setContentsMargins(0, 0, 0, 0)
        self.box_layout.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.box)
        self.button.toggled.connect(self._toggled)
        self._toggled(False)

    def is_open(self) -> bool:
        return self.button.isChecked()

    def show_for(self, held: bool) -> None:
        """An item was loaded: open exactly when one of its fields here holds something."""
        self._held = held
        if self.button.isChecked() != held:
            self.button.setChecked(held)
        else:
            self._toggled(held)

    def hold_open(self) -> None:
        """A field here now holds something, or is marked as wrong: open, and stay open."""
        self._held = True
        if not self.button.isChecked():
            self.button.setChecked(True)
        else:
            self._toggled(True)

    def _toggled(self, on: bool) -> None:
        if not on and self._held:
            self.button.setChecked(True)  # what it holds is never hidden
            return
        self.box.setVisible(on)
        if on and self._held:  # nothing to hide away while it holds data
            self.button.setText(tr("More (open: something is recorded here)"))
        else:
            self.button.setText(tr("Fewer fields") if on else tr("More…"))
        self.button.setEnabled(not (on and self._held))
