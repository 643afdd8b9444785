"""The step list down the side of the editor; each step says empty, started or complete in words and
with a symbol, never by colour alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from careplanner.services.plan_data import SECTION_TITLES

EMPTY, STARTED, COMPLETE = "empty", "started", "complete"
_SYMBOL = {EMPTY: "○", STARTED: "◐", COMPLETE: "✓"}


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
