"""Tools → Sync…: what this workstation has not yet sent to the practice server, and which plans were
changed in two places and need a merge (each with a Merge… button that opens the merge dialog).

Reads the replica only (sync/status.py), so it answers at once with the server down. "Sync now" asks the
sync worker for a cycle; the lists are read again when it ends.

Signals: merge_requested(str) — a conflict's id, for the merge dialog; sync_requested().
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.sync.status import ConflictItem, SyncService, SyncStatus, WaitingItem
from careplanner.ui.sync_status import clock_text, count_parts, status_text
from careplanner.ui.worker import Worker

Lists = tuple[list[WaitingItem], list[ConflictItem]]


class SyncDialog(QDialog):
    merge_requested = Signal(str)
    sync_requested = Signal()

    def __init__(self, sync: SyncService, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sync, self._worker = sync, worker
        self.status: SyncStatus | None = None  # from the sync worker, once it has run
        self.setWindowTitle(self.tr("Sync with the practice server"))
        self.setMinimumSize(640, 480)
        title = QLabel(self.tr("Sync with the practice server"))
        title.setObjectName("pageTitle")
        self.state = QLabel()
        self.state.setObjectName("fieldLabel")
        self.state.setWordWrap(True)
        conflicts_title = QLabel(self.tr("Plans that need a merge"))
        conflicts_title.setObjectName("fieldLabel")
        self.conflicts = QListWidget()
        self.conflicts.setWordWrap(True)
        self.conflicts.setAccessibleName(conflicts_title.text())
        self.merge_button = QPushButton(self.tr("&Merge…"))
        self.merge_button.setObjectName("primary")
        self.merge_button.setEnabled(False)
        waiting_title = QLabel(self.tr("Waiting to be sent to the practice server"))
        waiting_title.setObjectName("fieldLabel")
        self.waiting = QListWidget()
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName(waiting_title.text())
        self.sync_button = QPushButton(self.tr("&Sync now"))
        close_button = QPushButton(self.tr("Close"))
        merge_row = QHBoxLayout()
        merge_row.addWidget(conflicts_title, 1)
        merge_row.addWidget(self.merge_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.state)
        layout.addLayout(merge_row)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(waiting_title)
        layout.addWidget(self.waiting, 1)
        layout.addLayout(buttons)
        self.conflicts.currentRowChanged.connect(
            lambda _row: self.merge_button.setEnabled(self.selected_conflict() is not None)
        )
        self.conflicts.itemActivated.connect(lambda _item: self.merge_selected())
        self.merge_button.clicked.connect(self.merge_selected)
        self.sync_button.clicked.connect(self.sync_requested.emit)
        close_button.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        sync = self._sync
        self._worker.submit(lambda: (sync.waiting(), sync.conflicts()), self._show_lists)

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        self.state.setText(status_text(status))

    def _show_lists(self, lists: Lists) -> None:
        waiting, conflicts = lists
        now = datetime.now(UTC)
        if self.status is None:  # the sync worker has not said yet: what this computer's copy holds
            counts = count_parts(len(waiting), len(conflicts))
            self.state.setText(" — ".join(counts) if counts else self.tr("Nothing is waiting."))
        selected = self.selected_conflict()
        self.conflicts.clear()
        for conflict in conflicts:
            when = clock_text(conflict.detected_at, now) if conflict.detected_at else ""
            text = (
                self.tr("{0} — two copies of the plan, found {1}")
                if conflict.plan_a_id
                else self.tr("{0} — details changed in two places: choose which to keep, found {1}")
            ).format(conflict.person_name or self.tr("Unknown person"), when)
            item = QListWidgetItem(f"{text}\n{conflict.reason[:1].upper()}{conflict.reason[1:]}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.conflict_id)
            self.conflicts.addItem(item)
            if conflict.conflict_id == selected:
                self.conflicts.setCurrentItem(item)
        if not conflicts:
            self.conflicts.addItem(self._empty(self.tr("No plan needs a merge.")))
        elif self.conflicts.currentRow() < 0:
            self.conflicts.setCurrentRow(0)
        self.merge_button.setEnabled(self.selected_conflict() is not None)
        self.waiting.clear()
        for entry in waiting:
            changes = (
                self.tr("1 change") if entry.changes == 1 else self.tr("{0} changes").format(entry.changes)
            )
            who = f"{entry.person_name}: " if entry.person_name else ""
            text = self.tr("{0}{1} — {2}, first made {3}").format(
                who, entry.what, changes, clock_text(entry.first_made_at, now)
            )
            if entry.attention:  # refused by the server: kept here, the rest was sent
                text = self.tr("{0} — needs attention: the practice server did not take it ({1})").format(
                    text, entry.attention
                )
            self.waiting.addItem(text)
        if not waiting:
            self.waiting.addItem(self._empty(self.tr("Nothing is waiting: the practice server has it all.")))

    def _empty(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        return item

    def selected_conflict(self) -> str | None:
        item = self.conflicts.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, str) else None

    def merge_selected(self) -> None:
        conflict_id = self.selected_conflict()
        if conflict_id is not None:
            self.merge_requested.emit(conflict_id)
