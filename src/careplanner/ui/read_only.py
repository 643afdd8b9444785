"""Turn a plan step into a view: everything readable and selectable, nothing that changes the plan.

Used for people who may view and print plans but not change them (administrators and read-only
accounts). Text fields become read-only rather than disabled, so the text stays black, can be selected
and copied, and screen readers still read it; choices (combo boxes, tick boxes, option buttons) are
disabled, and the style sheet keeps their text dark in a read-only view (`READ_ONLY_VIEW`). Buttons that
only make sense while editing (add, remove, move, search, insert a template, suggest a date) are hidden,
and list editors refuse their keyboard shortcuts. Applying it twice is harmless, so the editor re-applies
it after every load (a load may show a button again, such as a questionnaire's "ask the full version").
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from careplanner.ui.directory_picker import DirectoryPicker
from careplanner.ui.list_editor import ListEditor

# A widget with this property set to True is only useful while editing: hidden in a read-only view.
EDIT_ONLY = "editOnly"
# Set on every input of a read-only view; the style sheet keeps disabled choices legible by it.
READ_ONLY_VIEW = "readOnlyView"


def _mark(widget: QWidget) -> None:
    """Flag an input as part of a read-only view, re-styling it if it was already styled."""
    if widget.property(READ_ONLY_VIEW) is True:
        return
    widget.setProperty(READ_ONLY_VIEW, True)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def make_read_only(root: QWidget) -> None:
    """Make every input under `root` read-only (see the module docstring for how each kind is treated)."""
    for widget in root.findChildren(QWidget):
        if isinstance(widget, ListEditor) and not widget.read_only:
            widget.set_read_only()
        if widget.property(EDIT_ONLY) is True or isinstance(widget, DirectoryPicker):
            widget.hide()
        elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            widget.setReadOnly(True)
            _mark(widget)
        elif isinstance(widget, QAbstractSpinBox):
            # Read-only (its arrows do nothing), but the arrows stay: with the app's style sheet, taking
            # them away left the number's text field 1 pixel wide, so every number looked blank.
            widget.setReadOnly(True)
            _mark(widget)
        elif isinstance(widget, (QComboBox, QCheckBox, QRadioButton)):
            widget.setEnabled(False)
            _mark(widget)
        elif isinstance(widget, QPushButton):
            widget.setEnabled(False)
            widget.hide()
