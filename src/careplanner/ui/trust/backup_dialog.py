"""Back up now, with progress and a Cancel button, and the daily backup settings."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from careplanner.crashlog import known_problem
from careplanner.services import trust_settings
from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.output_guard import check_output_folder, check_output_path
from careplanner.services.progress import CancelledError, Watch
from careplanner.services.users import Actor
from careplanner.ui.worker import Worker


class BackupDialog(QDialog):
    """Writes an encrypted, checked backup on the worker thread, so the window stays responsive.

    The worker never touches Qt: it reports into a `Watch`, which a timer here reads to move the bar.
    Cancel (or closing the dialog) asks the backup to stop at its next safe point: no file is left and
    a backup file already at the chosen name stays as it was.
    """

    def __init__(
        self, services: Services, actor: Actor, worker: Worker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self._worker = worker
        self.setWindowTitle(self.tr("Back up"))
        self.file = QLineEdit()
        self.file.setAccessibleName(self.tr("Backup file"))
        browse = QPushButton(self.tr("Choose…"))
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Backup passphrase"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(self.tr("Backup passphrase again"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)  # shown once a backup starts, not as an empty box
        self.stage = QLabel()
        self.stage.setWordWrap(True)
        self.start = QPushButton(self.tr("Back up now"))
        self.cancel = QPushButton(self.tr("Cancel backup"))
        self.cancel.setVisible(False)  # only while a backup runs
        self._watch: Watch | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        settings = trust_settings.load(services.backups.data_dir)
        self.daily = QCheckBox(
            self.tr("Back up every day into a folder (run by the practice's scheduled job)")
        )
        self.daily.setChecked(settings.daily_backup)
        self.folder = QLineEdit(settings.backup_folder)
        self.folder.setAccessibleName(self.tr("Daily backup folder"))
        self.copies = QSpinBox()
        self.copies.setRange(1, trust_settings.MAX_COPIES)
        self.copies.setValue(settings.backup_copies)
        self.copies.setAccessibleName(self.tr("Copies to keep"))
        save = QPushButton(self.tr("Save daily settings"))
        form = QFormLayout()
        form.addRow(self.tr("Backup file"), row)
        form.addRow(self.tr("Backup passphrase"), self.passphrase)
        form.addRow(self.tr("Again, to check"), self.again)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start)
        buttons.addWidget(self.cancel)
        form.addRow(buttons)
        form.addRow(self.progress)
        form.addRow(self.stage)
        form.addRow(self.daily)
        form.addRow(self.tr("Folder"), self.folder)
        form.addRow(self.tr("Copies to keep"), self.copies)
        form.addRow(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        browse.clicked.connect(self._choose)
        self.start.clicked.connect(self.run_backup)
        self.cancel.clicked.connect(self.cancel_backup)
        save.clicked.connect(self.save_settings)

    def _choose(self) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self, self.tr("Save the backup as"), "careplanner.cpbackup", "Care Planner backup (*.cpbackup)"
        )
        if path:
            self.file.setText(path)

    def run_backup(self) -> None:
        if not self.file.text().strip():
            self.stage.setText(self.tr("Choose where to save the backup."))
            return
        if self.passphrase.text() != self.again.text() or not self.passphrase.text():
            self.stage.setText(self.tr("Enter the same backup passphrase twice."))
            return
        try:
            dest = check_output_path(self.file.text().strip(), self._services.paths)
        except ServiceError as exc:
            self.stage.setText(str(exc))
            return
        secret = self.passphrase.text().encode("utf-8")
        self.passphrase.clear()
        self.again.clear()
        self.start.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.stage.setText(self.tr("Backing up…"))
        watch = self._watch = Watch()
        self.cancel.setEnabled(True)
        self.cancel.setVisible(True)
        self._poll.start()
        self._worker.submit(
            lambda: self._services.backups.backup(dest, secret, actor=self._actor, progress=watch),
            self._done,
            self._failed,
        )

    @property
    def running(self) -> bool:
        return self._watch is not None

    def cancel_backup(self) -> None:
        """Ask the running backup to stop where nothing has been written under the chosen name."""
        if self._watch is None:
            return
        self._watch.stop()
        self.cancel.setEnabled(False)
        self.stage.setText(self.tr("Stopping safely…"))

    def _show_progress(self) -> None:
        if self._watch is None or self._watch.stopping:
            return
        fraction, _stage = self._watch.latest
        self.progress.setValue(int(fraction * 100))
        self.stage.setText(self.tr("Backing up… {percent}%").format(percent=int(fraction * 100)))

    def _finish(self) -> None:
        self._poll.stop()
        self._watch = None
        self.cancel.setVisible(False)
        self.start.setEnabled(True)

    def _done(self, _result: object) -> None:
        self._finish()
        self.progress.setValue(100)
        self.stage.setText(self.tr("Backup complete and checked. Keep the passphrase safe."))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.setValue(0)
        if isinstance(exc, CancelledError):
            self.stage.setText(self.tr("Backup stopped, as asked. No backup file was made."))
            return
        problem = known_problem(exc)
        self.stage.setText(str(problem) if problem else self.tr("The backup could not be made."))

    def reject(self) -> None:
        """Closing the dialog while a backup runs stops it safely, as Cancel does."""
        self.cancel_backup()
        super().reject()

    def save_settings(self) -> None:
        # The idle time comes from the file as it is now: the Security settings screen may have changed it.
        chosen = trust_settings.TrustSettings(
            lock_minutes=trust_settings.load(self._services.backups.data_dir).lock_minutes,
            daily_backup=self.daily.isChecked(),
            backup_folder=self.folder.text().strip(),
            backup_copies=self.copies.value(),
        )
        if chosen.backup_folder:
            try:
                check_output_folder(chosen.backup_folder, self._services.paths)
            except ServiceError as exc:
                self.stage.setText(str(exc))
                return
        secret = self.passphrase.text()
        if chosen.daily_backup and (not secret or secret != self.again.text()):
            self.stage.setText(
                self.tr("Enter the daily backup's passphrase twice above: the app keeps it in the keyring.")
            )
            return
        try:
            trust_settings.save(self._services.backups.data_dir, chosen)
            if chosen.daily_backup:
                self._services.backups.remember_passphrase(secret.encode("utf-8"))
        except Exception as exc:
            problem = known_problem(exc)
            if problem is None:
                raise
            self.stage.setText(str(problem))
            return
        finally:
            self.passphrase.clear()
            self.again.clear()
        self.stage.setText(self.tr("Daily backup settings saved."))
