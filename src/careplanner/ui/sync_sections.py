"""One section of the merge, side by side: what the first copy says, what the second says, and the
clinician's choice of which to keep. Built from services/diff.py's changes (first → second)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.diff import Change, SectionDiff
from careplanner.sync.merge import Side


class SectionChoice(QGroupBox):
    """A section of the plan in both copies. `choice()` is the copy chosen for it ("first" or "second");
    a section that is the same in both has no choice to make."""

    def __init__(
        self,
        diff: SectionDiff,
        *,
        differs: bool,
        kept: Side,
        can_choose: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(diff.title, parent)
        self.key = diff.key
        self.differs = differs
        self._default: Side = kept
        self.setObjectName(f"merge_{diff.key}")
        layout = QVBoxLayout(self)
        self.first_button = QRadioButton(self.tr("Keep the first copy"))
        self.second_button = QRadioButton(self.tr("Keep the second copy"))
        self.first_button.setAccessibleName(self.tr("{0}: keep the first copy").format(diff.title))
        self.second_button.setAccessibleName(self.tr("{0}: keep the second copy").format(diff.title))
        self.group = QButtonGroup(self)
        self.group.addButton(self.first_button)
        self.group.addButton(self.second_button)
        if not differs:
            same = QLabel(self.tr("The same in both copies."))
            same.setObjectName("hint")
            layout.addWidget(same)
            self.first_button.hide()
            self.second_button.hide()
            return
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setColumnMinimumWidth(0, 160)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for column, text in enumerate((self.tr("What"), self.tr("First copy"), self.tr("Second copy"))):
            head = QLabel(text)
            head.setObjectName("fieldLabel")
            grid.addWidget(head, 0, column)
        changes = diff.changes or (Change("changed", diff.key, self.tr("Details"), "", ""),)
        for row, change in enumerate(changes, start=1):
            first, second = self._sides(change)
            label = change.label[:1].upper() + change.label[1:]
            for column, text in enumerate((label, first, second)):
                cell = QLabel(text)
                cell.setWordWrap(True)
                cell.setAccessibleName(text)
                grid.addWidget(cell, row, column)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        buttons.addWidget(self.first_button)
        buttons.addWidget(self.second_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        (self.first_button if kept == "first" else self.second_button).setChecked(True)
        for button in (self.first_button, self.second_button):
            button.setEnabled(can_choose)

    def _sides(self, change: Change) -> tuple[str, str]:
        absent = self.tr("(not in this copy)")
        blank = self.tr("(blank)")
        if change.kind == "added":
            return absent, change.after or change.label
        if change.kind == "removed":
            return change.before or change.label, absent
        return change.before or blank, change.after or blank

    def choice(self) -> Side:
        if not self.differs:
            return self._default
        return "second" if self.second_button.isChecked() else "first"
