"""Two versions of a person's plan side by side, step by step: what was added, removed or changed.

The differences come from `services.diff.diff_plans` (the same words as "Changed since the last agreed
plan" on each step); this dialog only lays them out in two columns, the older version on the left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import PlanStatus
from careplanner.services.diff import Change, diff_plans
from careplanner.services.plan_data import PlanVersion


def _when(plan: PlanVersion) -> str:
    moment = plan.agreed_at or plan.last_updated or plan.created_at
    local = moment.astimezone() if moment.tzinfo else moment
    return local.strftime("%d/%m/%Y")


def older_first(one: PlanVersion, other: PlanVersion) -> tuple[PlanVersion, PlanVersion]:
    """The two versions in the order they were made (a draft after any agreed version)."""
    return (one, other) if one.created_at <= other.created_at else (other, one)


class PlanCompareDialog(QDialog):
    """Read-only; `tree` has one top-level row per step and one child row per difference."""

    def __init__(self, first: PlanVersion, second: PlanVersion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.older, self.newer = older_first(first, second)
        self.setWindowTitle(self.tr("Compare two versions of the plan"))
        self.resize(1000, 640)
        intro = QLabel(
            self.tr("Left: {0}. Right: {1}. Only what differs is listed.").format(
                self.version_name(self.older), self.version_name(self.newer)
            )
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(
            [self.tr("What"), self.version_name(self.older), self.version_name(self.newer)]
        )
        self.tree.setAccessibleName(self.tr("Differences between the two versions"))
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 300)
        self._fill()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    def version_name(self, plan: PlanVersion) -> str:
        if plan.status is PlanStatus.DRAFT:
            return self.tr("Draft (not agreed), {0}").format(_when(plan))
        if plan.status is PlanStatus.DECLINED:
            return self.tr("Written plan declined, {0}").format(_when(plan))
        return self.tr("Version {0}, agreed {1}").format(plan.version_number, _when(plan))

    def _row(self, change: Change) -> tuple[str, str, str]:
        # Added and removed items are named in their version's column, so the first column stays short.
        if change.kind == "added":
            return self.tr("Added"), self.tr("(not in this version)"), change.after or change.label
        if change.kind == "removed":
            return self.tr("Removed"), change.before or change.label, self.tr("(not in this version)")
        if change.kind == "taken_again":
            return self.tr("Taken again: {0}").format(change.label), change.before, change.after
        return self.tr("Changed: {0}").format(change.label), change.before, change.after

    def _fill(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        for section in diff_plans(self.older.content, self.newer.content):
            count = len(section.changes)
            if count == 1:
                summary = self.tr("1 difference")
            else:
                summary = self.tr("{0} differences").format(count) if count else self.tr("No differences")
            top = QTreeWidgetItem([self.tr(section.title), summary, ""])
            top.setFont(0, bold)
            top.setFirstColumnSpanned(False)
            self.tree.addTopLevelItem(top)
            for change in section.changes:
                child = QTreeWidgetItem(list(self._row(change)))
                for column in range(3):
                    child.setToolTip(column, child.text(column))
                    child.setTextAlignment(column, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                top.addChild(child)
            top.setExpanded(bool(count))

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Every difference as (step title, what, left, right): what the dialog shows, for tests."""
        found: list[tuple[str, str, str, str]] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None
            for j in range(top.childCount()):
                child = top.child(j)
                assert child is not None
                found.append((top.text(0), child.text(0), child.text(1), child.text(2)))
        return found
