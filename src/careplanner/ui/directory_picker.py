"""Search the practice's local directory and add what was picked to a plan list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget

from careplanner.services.directory import ServiceEntry
from careplanner.ui.fields import enum_label
from careplanner.ui.list_editor import ListEditor


def service_label(entry: ServiceEntry) -> str:
    """A service's line in the picker: name, kind and number, the shipped example numbers marked so
    they are replaced, never given to the person as real."""
    text = f"{entry.service.name} — {enum_label(entry.service.category)}"
    if entry.example_number:
        return (
            text
            + " · "
            + QCoreApplication.translate("DirectoryPicker", "{0} (Example — replace)").format(
                entry.service.phone
            )
        )
    return text + (f" · {entry.service.phone}" if entry.service.phone else "")


class DirectoryPicker(QWidget):
    """A search box over the directory; Enter searches, the Add button (or Enter in the results) adds."""

    def __init__(
        self,
        placeholder: str,
        search: Callable[[str], Sequence[Any]],
        label: Callable[[Any], str],
        to_item: Callable[[Any], Any],
        target: ListEditor,
    ) -> None:
        super().__init__()
        self._search, self._label, self._to_item, self._target = search, label, to_item, target
        self._found: list[Any] = []
        self.box = QLineEdit()
        self.box.setPlaceholderText(placeholder)
        self.box.setAccessibleName(placeholder)
        self.box.returnPressed.connect(self.run_search)
        find = QPushButton(self.tr("Search"))
        find.setAccessibleName(self.tr("Search: {0}").format(placeholder))
        find.clicked.connect(self.run_search)
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.results.itemActivated.connect(lambda _: self.add_current())
        self.add = QPushButton(self.tr("Add to the plan"))
        self.add.setAccessibleName(self.tr("Add the chosen result to the plan"))
        self.add.clicked.connect(self.add_current)
        self.add.hide()
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(find)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.add)

    def run_search(self) -> None:
        self._found = list(self._search(self.box.text()))[:20]
        self.results.clear()
        for entry in self._found:
            self.results.addItem(self._label(entry))
        if not self._found:
            self.results.addItem(self.tr("Nothing found in the local directory."))
        self.results.show()
        self.add.setVisible(bool(self._found))
        self.results.setCurrentRow(0)

    def add_current(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self._found):
            self._target.append(self._to_item(self._found[row]))

    def clear(self) -> None:
        """Forget the search and its results (another person's plan is shown: nothing carries over)."""
        self._found = []
        self.box.clear()
        self.results.clear()
        self.results.hide()
        self.add.hide()
