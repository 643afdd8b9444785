"""The scheduled backup runs while the app has the store open, without stopping or harming its saves.

Field report (issue 17, item 9): while the app was open - all working day - `backup --scheduled` exited
26 and nothing was backed up. Here a real second process is the app (it holds the folder and store-file
locks and autosaves every 20 ms); the scheduled backup is made beside it, and afterwards the store, the
audit chain, the app's last saved text and the backup are all checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from careplanner.app import AppContext, open_context, open_for_backup
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services import audit, maintenance
from careplanner.services.backups import scheduled_name
from careplanner.store import backup_reader, keys
from careplanner.store.backup import check_backup
from careplanner.store.errors import StoreInUseError
from tests.cli_signin import ADMIN, add_accounts, as_user
from tests.conftest import TEST_PASSPHRASE

BACKUP_PASS = b"the practice backup passphrase"
HELPER = Path(__file__).with_name("app_beside_backup.py")
ROOT = Path(__file__).resolve().parents[2]


def _read_line(proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()
    assert time.monotonic() < deadline, "the app process did not answer in time"
    return line.strip()


def test_scheduled_backup_runs_beside_the_open_app_and_its_saves_carry_on(
    ctx: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.close()
    add_accounts(paths)  # before the app takes the store
    pf = tmp_path / "store-pass"
    pf.write_bytes(TEST_PASSPHRASE)
    bp = tmp_path / "backup-pass"
    bp.write_bytes(BACKUP_PASS)
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    app = subprocess.Popen(
        [sys.executable, str(HELPER), str(paths.data_dir), TEST_PASSPHRASE.decode(), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert _read_line(app) == "ready"
        # The app really holds the store: an ordinary command is refused as a second copy.
        assert run(["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), "check"]) == 26
        folder = tmp_path / "nightly"
        started = time.time()
        code = run(
            [
                "--data-dir",
                str(paths.data_dir),
                "--passphrase-file",
                str(pf),
                *as_user(ADMIN, tmp_path),
                "backup",
                "--scheduled",
                str(folder),
                "--backup-passphrase-file",
                str(bp),
            ]
        )
        finished = time.time()
        time.sleep(0.3)  # a few more saves after the backup
    finally:
        stop.write_text("stop")
        out, _ = app.communicate(timeout=60)
    assert code == 0, "the scheduled backup did not run beside the open app"
    assert "Backed up to" in capsys.readouterr().out
    assert app.returncode == 0
    report = json.loads(out.strip().splitlines()[-1])
    # Saves that overlapped the backup (a small store backs up in a fraction of a second, so count a save
    # that started before it and finished during it too).
    during = [took for at, took in report["saves"] if at <= finished and at + took >= started]
    assert len(during) >= 2, "the app did not save while the backup ran"
    assert max(during) < 2.0, f"an autosave waited {max(during):.2f} s behind the backup"

    # Nothing was harmed: the store checks clean, the audit chain is whole (the backup's entries and the
    # app's interleaved), and the app's last save is what the store holds.
    after = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        assert after.store.integrity_check() == []
        assert after.services.audit.verify().ok
        plan = after.services.plans.get(report["draft"])
        assert plan.content.about_me.about.what_matters == report["last"]
        store_id = after.services.backups.store_id
    finally:
        after.close()
    made = folder / scheduled_name(store_id, datetime.now(UTC).astimezone().date())
    assert check_backup(made, BACKUP_PASS).people == 1


def test_restore_and_rekey_wait_for_a_running_backup(ctx: AppContext, paths: Paths, tmp_path: Path) -> None:
    ctx.close()
    with backup_reader.reading(paths.data_dir):
        with pytest.raises(StoreInUseError, match="backup of this store is being made"):
            maintenance.change_key(
                paths, passphrase=TEST_PASSPHRASE, new_passphrase=b"marble otter lantern quietly"
            )
        with pytest.raises(StoreInUseError, match="backup of this store is being made"):
            maintenance.restore(paths, tmp_path / "any.cpbackup", BACKUP_PASS, passphrase=TEST_PASSPHRASE)
    # And a backup is not started while the store is being replaced or re-keyed.
    with (
        backup_reader.replacing(paths.data_dir),
        pytest.raises(StoreInUseError, match="being restored or its key changed"),
    ):
        open_for_backup(paths, passphrase=TEST_PASSPHRASE)
    # Both free again afterwards.
    open_for_backup(paths, passphrase=TEST_PASSPHRASE).close()


def test_an_entry_the_backup_writes_meanwhile_cannot_fork_the_apps_audit_chain(
    ctx: AppContext, paths: Paths
) -> None:
    """The backup process appends its entries while the app appends its own. The moment that matters: the
    app has read the newest entry and is about to chain from it when the backup's entry lands. The app now
    holds the write lock before it reads, so the backup's append waits instead of forking the chain."""
    actor = ctx.services.users.ensure_first_clinician()
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    backup_side = backup_reader.open_shared(paths.store_file, key)
    outcome: list[str] = []

    def backup_appends_now(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        flat = " ".join(statement.split())
        newest = "SELECT audit_event.seq, audit_event.hash FROM audit_event ORDER BY"
        if outcome or not flat.startswith(newest):
            return
        try:
            with backup_side.sessions.begin() as session:
                audit.record(session, audit.Action.BACKUP, user_id=None, detail="scheduled")
            outcome.append("appended in between")
        except OperationalError:
            outcome.append("waited for the app's write")

    event.listen(ctx.store.engine, "after_cursor_execute", backup_appends_now)
    try:
        ctx.services.auth.record(actor, audit.Action.LOCK)  # an entry that is its transaction's first write
    finally:
        event.remove(ctx.store.engine, "after_cursor_execute", backup_appends_now)
        backup_side.close()
    assert outcome == ["waited for the app's write"]
    assert ctx.services.audit.verify().ok
