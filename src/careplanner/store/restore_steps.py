"""Restoring a backup in two steps, so a crash at any moment leaves something the next start can settle.

1. `stage()` checks the backup, re-keys it under the store key into `.careplanner.db.restoring` beside the
   store (private, 0600) and checks that copy. The caller then records the restore in the staged copy's
   own audit trail and writes the restore journal (services/restore_journal.py).
2. `put_in_place()` keeps the current store aside in the backups folder (never deleting it) and renames the
   staged copy over the store: one atomic rename is the moment the restore happens.

Before the rename the store is untouched; after it the store is the restored one and already holds the
record of its restore. Nothing here decides what the next start does: the journal does.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import sqlcipher3

from careplanner.store import backup as files
from careplanner.store import backup_housekeeping as housekeeping

log = logging.getLogger("careplanner.store.backup")

COMPANIONS = ("-wal", "-shm", "-journal")


def staged_path(store_file: Path) -> Path:
    return store_file.with_name(f".{store_file.name}.restoring")


def discard_staged(store_file: Path) -> None:
    """Remove a staged copy (and SQLite's files beside it) that will never be put in place."""
    staged = staged_path(store_file)
    for path in (staged, *(staged.with_name(staged.name + extra) for extra in COMPANIONS)):
        files._discard(path)


def _private_empty_file(path: Path) -> None:
    """Made 0600 before SQLite writes to it, so the copy and its journal are private from the start."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def stage(
    backup: Path,
    passphrase: bytes,
    *,
    store_file: Path,
    store_key: bytes,
    progress: files.Progress,
) -> Path:
    """Check the backup and copy it, under the store key, beside the store. Returns the staged copy."""
    progress(0.05, "Checking the backup")
    files.check_backup(backup, passphrase)
    key = files._backup_key(backup, passphrase)
    discard_staged(store_file)
    staged = staged_path(store_file)
    try:
        progress(0.3, "Copying the backup")
        _private_empty_file(staged)
        source = files._connect(backup, files._raw(key), read_only=False)
        try:
            files._export(source, staged, files._raw(store_key))
        except sqlcipher3.Error as exc:
            raise files._sql_error(exc) from exc
        finally:
            source.close()
        progress(0.5, "Checking the copy")
        staged_conn = files._connect(staged, files._raw(store_key), read_only=True)
        try:
            if files._problems(staged_conn):
                raise files.BackupDamagedError(
                    "The restored copy did not pass its check. Nothing was changed."
                )
        finally:
            staged_conn.close()
    except OSError as exc:
        discard_staged(store_file)
        raise files._os_error(exc) from exc
    except BaseException:
        discard_staged(store_file)
        raise
    return staged


def _keep_aside(store_file: Path, store_key: bytes, backup_dir: Path) -> Path:
    # Fold any write-ahead log into the file first, so the copy kept aside is complete on its own.
    current = files._connect(store_file, files._raw(store_key), read_only=False)
    try:
        current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        current.close()
    backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    moved = files.aside_name(store_file, backup_dir, "before-restore")
    shutil.copyfile(store_file, moved)
    os.chmod(moved, 0o600)
    for extra in ("-wal", "-shm"):
        companion = store_file.with_name(store_file.name + extra)
        if companion.exists():
            shutil.copyfile(companion, moved.with_name(moved.name + extra))
            os.chmod(moved.with_name(moved.name + extra), 0o600)
    files._fsync(moved)
    return moved


def put_in_place(
    staged: Path,
    *,
    store_file: Path,
    store_key: bytes,
    backup_dir: Path,
    progress: files.Progress,
) -> Path | None:
    """Keep the current store aside, then rename the staged copy over it. Returns the copy kept aside."""
    try:
        progress(0.7, "Keeping the current store aside")
        moved = _keep_aside(store_file, store_key, backup_dir) if store_file.exists() else None
        for extra in ("-wal", "-shm"):
            store_file.with_name(store_file.name + extra).unlink(missing_ok=True)
        progress(0.85, "Putting the restored store in place")
        files._fsync(staged)
        os.replace(staged, store_file)
        files._fsync_dir(store_file.parent)
    except OSError as exc:
        raise files._os_error(exc) from exc
    try:
        housekeeping.prune_kept_aside(backup_dir)  # the newest KEEP_ASIDE copies, this one included
    except OSError:
        log.warning("Older copies kept aside by restores could not be pruned")
    return moved
