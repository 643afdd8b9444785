"""The backup dialog shows progress from the worker thread and its Cancel button stops the backup safely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.audit import Action
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.trust.backup_dialog import BackupDialog
from careplanner.ui.worker import Worker

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

OLD_BACKUP = b"last week's backup, which must stay exactly as it is" * 100
PASSPHRASE = "the practice backup passphrase"


@pytest.fixture
def worker() -> Iterator[Worker]:
    application()
    real = Worker()  # a real worker thread, as in the app
    yield real
    real.shutdown()


def _dialog(qtbot: QtBot, ctx: AppContext, admin: Actor, worker: Worker, target: Path) -> BackupDialog:
    seed_people(ctx.store.sessions, count=40, seed=9, actor=admin, today=ctx.services.clock.today())
    dialog = BackupDialog(ctx.services, admin, worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.file, str(target))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClicks(dialog.again, PASSPHRASE)
    return dialog


def test_cancel_stops_the_backup_and_leaves_the_old_file_alone(
    qtbot: QtBot, ctx: AppContext, admin: Actor, worker: Worker, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "practice.cpbackup"
    target.write_bytes(OLD_BACKUP)
    dialog = _dialog(qtbot, ctx, admin, worker, target)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert dialog.cancel.isVisible() and dialog.cancel.isEnabled()
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.stage.text() == "Backup stopped, as asked. No backup file was made."
    assert target.read_bytes() == OLD_BACKUP
    assert [p.name for p in folder.iterdir()] == [target.name]
    assert ctx.services.audit.entries(action=Action.BACKUP) == []
    assert dialog.start.isEnabled() and not dialog.cancel.isVisible()


def test_a_backup_left_to_run_fills_the_bar_and_hides_cancel(
    qtbot: QtBot, ctx: AppContext, admin: Actor, worker: Worker, tmp_path: Path
) -> None:
    target = tmp_path / "practice.cpbackup"
    dialog = _dialog(qtbot, ctx, admin, worker, target)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert dialog.cancel.isVisible()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.progress.value() == 100, dialog.stage.text()
    assert "Backup complete" in dialog.stage.text()
    assert target.stat().st_size > 0 and not dialog.cancel.isVisible()
    assert len(ctx.services.audit.entries(action=Action.BACKUP)) == 1
