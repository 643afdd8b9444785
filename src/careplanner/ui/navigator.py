"""The step list down the side of the editor; each step says where it stands in words and with a symbol,
never by colour alone.

A new plan: not started / started / complete. A review also says what was looked at *today*: a step
still as it was carried forward from the last agreed plan says "carried forward"; one changed today
says "reviewed today" (or "started" while it is incomplete). "Agree and share" is never "complete"
on a draft: only an agreed plan says "agreed"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from careplanner.services.plan_data import SECTION_TITLES

EMPTY, STARTED, COMPLETE = "empty", "started", "complete"
CARRIED, REVIEWED, AGREED = "carried", "reviewed", "agreed"
_SYMBOL = {EMPTY: "○", STARTED: "◐", COMPLETE: "✓", CARRIED: "↻", REVIEWED: "✓", AGREED: "✓"}


class StepNavigator(QListWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("navigator")
        self.setAccessibleName(self.tr("Steps of the plan"))
        self.setFixedWidth(250)
        self.keys = list(SECTION_TITLES)
        self.states: dict[str, str] = {}
        self._words = {
            EMPTY: self.tr("not started"),
            STARTED: self.tr("started"),
            COMPLETE: self.tr("complete"),
            CARRIED: self.tr("carried forward"),
            REVIEWED: self.tr("reviewed today"),
            AGREED: self.tr("agreed"),
        }
        for number, key in enumerate(self.keys, start=1):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.addItem(item)
            self.set_state(key, EMPTY, number)

    def set_state(self, key: str, state: str, number: int | None = None) -> None:
        index = self.keys.index(key)
        number = number or index + 1
        self.states[key] = state
        title = self.tr(SECTION_TITLES[key])
        item = self.item(index)
        item.setText(f"{_SYMBOL[state]}  {number}. {title}\n      {self._words[state]}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}: {self._words[state]}")

    def current_key(self) -> str:
        return self.keys[max(0, self.currentRow())]
