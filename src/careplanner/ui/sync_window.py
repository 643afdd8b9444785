"""Sync in the main window of a replica workstation: the status bar's sync button, Tools → Sync…, the
merge dialog, and the background sync worker nudged after every save.

`SyncPanel(window, engine, sync, merge)` puts it all on a built MainWindow (the services read and merge on
the replica); `stop()` (at quit) ends the worker's thread and the server listener. The window itself
knows nothing of sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from careplanner.sync.merge import MergeService
from careplanner.sync.person_choice import DetailConflicts
from careplanner.sync.status import SyncService, SyncStatus
from careplanner.ui.person_details_choice import PersonDetailsChoice
from careplanner.ui.sync_dialog import SyncDialog
from careplanner.ui.sync_merge import MergeDialog
from careplanner.ui.sync_status import SyncStatusButton
from careplanner.ui.sync_worker import Engine, Listening, SyncWorker

if TYPE_CHECKING:
    from careplanner.ui.main_window import MainWindow


class SyncPanel(QObject):
    def __init__(
        self,
        window: MainWindow,
        engine: Engine,
        sync: SyncService,
        merge: MergeService,
        *,
        listen: Callable[[Callable[[Any], None]], Listening | None] | None = None,
        worker: SyncWorker | None = None,
        details: DetailConflicts | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.sync = sync
        self.merge = merge
        self.details = details  # a person's details changed in two places: chosen, not merged
        self.worker = worker or SyncWorker(engine, listen=listen, parent=self)
        self.dialog: SyncDialog | None = None
        self.merge_dialog: MergeDialog | None = None
        self.button = SyncStatusButton()
        window.statusBar().addPermanentWidget(self.button)
        self.action = QAction(self.tr("&Sync with the practice server…"), window)
        self.action.triggered.connect(self.open_dialog)
        window.tools_menu.addAction(self.action)
        self.button.clicked.connect(self.open_dialog)
        self.worker.status_changed.connect(self._status)
        self.worker.pulled.connect(window.people.refresh_soon)
        window.editor.saved.connect(self.worker.nudge)
        window.agreement.finished.connect(self.worker.nudge)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()

    def _status(self, status: SyncStatus) -> None:
        self.button.show_status(status)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_status(status)
            self.dialog.refresh()

    def open_dialog(self) -> SyncDialog:
        if self.dialog is None:
            self.dialog = SyncDialog(self.sync, self.window.worker, self.window)
            self.dialog.merge_requested.connect(self.open_merge)
            self.dialog.sync_requested.connect(self.worker.sync_now)
        else:
            self.dialog.refresh()
        if self.worker.status is not None:
            self.dialog.show_status(self.worker.status)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def open_merge(self, conflict_id: str) -> QDialog:
        found = self.details.find(conflict_id) if self.details is not None else None
        if found is not None and self.details is not None:
            window = self.window
            chooser = PersonDetailsChoice(
                self.details, found, window.session.actor, window.worker, window.services.clock.now,
                self.dialog or window,
            )  # fmt: skip
            chooser.chosen.connect(self._chosen)
            chooser.open()
            return chooser
        window = self.window
        window.save_now()  # what is typed on screen is saved before the copies are read
        dialog = MergeDialog(
            self.merge, conflict_id, window.session.actor, window.worker, self.dialog or window
        )
        dialog.merged.connect(self._merged)
        self.merge_dialog = dialog
        dialog.open()
        return dialog

    def _chosen(self, _person_id: str) -> None:
        self.window.statusBar().showMessage(self.tr("The details you chose were kept."), 10000)
        self.worker.sync_now()
        if self.dialog is not None:
            self.dialog.refresh()
        self.window.people.refresh_soon()

    def _merged(self, person_id: str) -> None:
        window = self.window
        window.statusBar().showMessage(self.tr("The two copies were merged into one draft."), 10000)
        self.worker.sync_now()
        if self.dialog is not None:
            self.dialog.refresh()
        window.people.refresh_soon()
        editor = window.editor
        if (
            window.stack.currentWidget() is editor
            and editor.person is not None
            and editor.person.id == person_id
        ):
            window.open_person(person_id, editor.navigator.current_key())  # show the merged draft
