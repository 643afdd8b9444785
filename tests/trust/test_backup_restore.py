"""Backups are encrypted, checked copies; restore checks before it replaces and keeps the old store."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext, open_context
from careplanner.config import Paths
from careplanner.services import maintenance
from careplanner.services.audit import Action
from careplanner.services.backups import BackupService, prune
from careplanner.services.users import Actor
from careplanner.store import backup_kdf, keys
from careplanner.store.backup import (
    BackupDamagedError,
    BackupPassphraseError,
    check_backup,
)
from careplanner.store.errors import (
    DiskFullError,
    NewerStoreError,
    StoreInUseError,
    StoreReadOnlyError,
    WrongKeyError,
)
from tests.conftest import TEST_PASSPHRASE, make_person
from tests.trust.helpers import fingerprint, person_with_agreed_plan, remount_read_only, tmpfs

BACKUP_PASS = b"the practice backup passphrase"


def _backup(ctx: AppContext, dest: Path) -> Path:
    BackupService(ctx.store.sessions).backup(dest, BACKUP_PASS, actor=None)
    return dest


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_encrypted_and_restores_what_was_there(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    person_id = person_with_agreed_plan(ctx, actor, "Gardening with my grandson Ollie-Synthetic")
    backup = _backup(ctx, tmp_path / "practice.cpbackup")
    assert b"Ollie-Synthetic" not in backup.read_bytes()
    assert b"SQLite format 3" not in backup.read_bytes()[:16]
    assert check_backup(backup, BACKUP_PASS).people == 1
    # Work after the backup, which the restore will take away.
    ctx.services.people.create(make_person(nhs_number="999 993 9082"), actor)
    ctx.close()

    result = maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)

    assert result.people == 1
    assert result.kept_aside is not None
    # The store as it was is kept aside, whole, and still opens with the store key.
    kept = sqlcipher3.connect(str(result.kept_aside))
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    kept.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    assert kept.execute("SELECT count(*) FROM person").fetchone()[0] == 2
    kept.close()
    reopened = open_context(paths, passphrase=TEST_PASSPHRASE)
    try:
        assert reopened.services.people.count() == 1
        agreed = reopened.services.plans.latest_agreed(person_id)
        assert agreed is not None
        assert agreed.content.about_me.about.what_matters == "Gardening with my grandson Ollie-Synthetic"
        assert reopened.store.integrity_check() == []
        actions = [e.action for e in reopened.services.audit.entries()]
        assert actions[0] == Action.RESTORE
        assert reopened.services.audit.verify().ok
    finally:
        reopened.close()


def test_backup_is_recorded_in_the_audit_trail(ctx: AppContext, tmp_path: Path) -> None:
    _backup(ctx, tmp_path / "b.cpbackup")
    assert ctx.services.audit.entries(limit=1)[0].action == Action.BACKUP


def test_wrong_backup_passphrase_changes_nothing(ctx: AppContext, paths: Paths, tmp_path: Path) -> None:
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    ctx.close()
    before = fingerprint(paths.data_dir)
    with pytest.raises(BackupPassphraseError):
        maintenance.restore(paths, backup, b"not the passphrase", passphrase=TEST_PASSPHRASE)
    assert fingerprint(paths.data_dir) == before


def test_wrong_store_passphrase_refuses_restore(ctx: AppContext, paths: Paths, tmp_path: Path) -> None:
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    ctx.close()
    before = fingerprint(paths.data_dir)
    with pytest.raises(WrongKeyError):
        maintenance.restore(paths, backup, BACKUP_PASS, passphrase=b"a stranger's guess")
    assert fingerprint(paths.data_dir) == before


def test_restore_refused_while_the_app_has_the_store_open(
    ctx: AppContext, paths: Paths, tmp_path: Path
) -> None:
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    with pytest.raises(StoreInUseError):
        maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "plain"])
def test_damaged_backups_are_refused_and_nothing_changes(
    ctx: AppContext, paths: Paths, tmp_path: Path, damage: str
) -> None:
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    data = bytearray(backup.read_bytes())
    if damage == "truncate":
        backup.write_bytes(bytes(data[: len(data) // 2 + 100]))
    elif damage == "flip":
        data[len(data) // 2] ^= 0xFF
        backup.write_bytes(bytes(data))
    elif damage == "empty":
        backup.write_bytes(b"")
    else:
        backup.write_bytes(b"SQLite format 3\x00" + bytes(4096 - 16))
    ctx.close()
    before = fingerprint(paths.data_dir)
    with pytest.raises((BackupDamagedError, BackupPassphraseError)):
        maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)
    assert fingerprint(paths.data_dir) == before


def test_backup_from_a_newer_version_is_refused(ctx: AppContext, paths: Paths, tmp_path: Path) -> None:
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    salt = backup.read_bytes()[:16]
    conn = sqlcipher3.connect(str(backup), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{backup_kdf.backup_key(BACKUP_PASS, salt).hex()}'\"")
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    ctx.close()
    before = fingerprint(paths.data_dir)
    with pytest.raises(NewerStoreError):
        maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)
    assert fingerprint(paths.data_dir) == before


def test_restore_onto_a_new_computer_makes_a_new_key(ctx: AppContext, actor: Actor, tmp_path: Path) -> None:
    person_with_agreed_plan(ctx, actor, "Walking the dog")
    backup = _backup(ctx, tmp_path / "b.cpbackup")
    elsewhere = Paths(tmp_path / "new-pc", tmp_path / "new-pc" / "logs", tmp_path / "new-pc" / "backups")
    maintenance.restore(elsewhere, backup, BACKUP_PASS, passphrase=b"the new computer's passphrase")
    other = open_context(elsewhere, passphrase=b"the new computer's passphrase", create=False)
    try:
        assert other.services.people.count() == 1
    finally:
        other.close()


def test_scheduled_backup_one_a_day_and_keeps_only_the_newest(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    ctx.services.people.create(make_person(), actor)  # an audit entry: what ties a backup to its store
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    service = BackupService(ctx.store.sessions)
    for day in range(1, 6):
        assert service.scheduled_backup(folder, BACKUP_PASS, keep=3, today=date(2026, 11, day)).made
    again = service.scheduled_backup(folder, BACKUP_PASS, keep=3, today=date(2026, 11, 5))
    assert not again.made
    names = sorted(p.name for p in folder.iterdir())
    store = service.store_id
    assert names == [
        f"careplanner-{store}-2026-11-03.cpbackup",
        f"careplanner-{store}-2026-11-04.cpbackup",
        f"careplanner-{store}-2026-11-05.cpbackup",
        "notes.txt",
    ]
    assert not service.due(folder, date(2026, 11, 5))
    assert service.due(folder, date(2026, 11, 6))
    assert check_backup(folder / f"careplanner-{store}-2026-11-05.cpbackup", BACKUP_PASS).people == 1


def test_prune_never_removes_everything(tmp_path: Path) -> None:
    store = "0b7f6a52-2c1e-4d0e-9a51-3f2d8c1b7e90"
    (tmp_path / f"careplanner-{store}-2026-01-01.cpbackup").write_bytes(b"x")
    assert prune(tmp_path, 0, store_id=store) == ()


def test_backup_to_a_read_only_folder_says_so(ctx: AppContext, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro") as folder:
        shutil.copy(__file__, folder / "other.py")
        remount_read_only(folder)
        with pytest.raises(StoreReadOnlyError, match="cannot be written"):
            _backup(ctx, folder / "b.cpbackup")
        assert sorted(p.name for p in folder.iterdir()) == ["other.py"]


def test_backup_to_a_full_disk_says_so_and_leaves_no_partial_file(ctx: AppContext, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", size="64k") as folder:
        with pytest.raises(DiskFullError, match="disk is full"):
            _backup(ctx, folder / "b.cpbackup")
        assert list(folder.iterdir()) == []
