"""A "Today" button beside every date field, and Ctrl+; in the field (as in a spreadsheet), to put in
today's date without typing it. The button is not a Tab stop: Tab still goes from field to field.

Today comes from the app's clock (set by the plan steps from `StepContext.today`), so a test clock and
the date the app shows elsewhere always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

TODAY_KEYS = "Ctrl+;"
_clock: Callable[[], date] = date.today


def set_clock(today: Callable[[], date]) -> None:
    """Where "today" comes from (the app's clock)."""
    global _clock
    _clock = today


def today() -> date:
    return _clock()


def tr(text: str) -> str:
    return QCoreApplication.translate("DateToday", text)


def with_today(edit: QLineEdit, label: str, put_today: Callable[[], None]) -> tuple[QWidget, QHBoxLayout]:
    """`edit` in a row with its Today button; `put_today` puts the date in (and marks it edited). The row's
    layout is returned too, so a step can put something else beside the date (a suggestion)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    button = QPushButton(tr("Today"))
    button.setObjectName("todayButton")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setToolTip(tr("Put in today's date ({0} in the field)").format(TODAY_KEYS))
    button.setAccessibleName(tr("Today: {0}").format(label))
    button.clicked.connect(put_today)
    shortcut = QShortcut(QKeySequence(TODAY_KEYS), edit)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(put_today)
    layout.addWidget(edit)
    layout.addWidget(button)
    layout.addStretch(1)
    return row, layout
