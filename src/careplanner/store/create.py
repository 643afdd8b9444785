"""Making a new store on first run without ever leaving a folder that cannot be opened.

The store is built under a temporary name (`.careplanner.db.new`, private from its first byte), closed, and
synced; then its key information is written (atomically); then one rename gives the store its name. So:

- a crash or a full disk before the key information is written leaves only the unfinished copy, which holds
  no records: `settle_first_run()` removes it and the next start makes a new store;
- a crash after the key information is written but before the rename leaves a complete store under its
  temporary name: `settle_first_run()` gives it its name.

A `careplanner.db` therefore never exists without its `careplanner.store.json`.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from careplanner.config import Paths
from careplanner.store import keys
from careplanner.store.engine import Store, open_store
from careplanner.store.errors import DiskFullError, StoreError, StoreReadOnlyError

log = logging.getLogger("careplanner.store")

COMPANIONS = ("-wal", "-shm", "-journal")
# Stages a first run passes through, for the fault tests (a child process pauses there to be killed).
Step = Callable[[str], None]

FINISHED_NOTICE = (
    "The first start of Care Planner was interrupted just before it finished. It has now been finished: "
    "the new store is ready."
)
UNDONE_NOTICE = (
    "An earlier first start of Care Planner was interrupted (for example the computer stopped or the disk "
    "was full) before the new store was ready. That unfinished store held no records and has been removed."
)


def staged_path(store_file: Path) -> Path:
    return store_file.with_name(f".{store_file.name}.new")


def _discard(store_file: Path) -> None:
    staged = staged_path(store_file)
    for path in (staged, *(staged.with_name(staged.name + extra) for extra in COMPANIONS)):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("An unfinished new store could not be removed")


def _os_error(exc: OSError) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return DiskFullError("The disk is full, so no store could be made. Free some space and try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnlyError()
    return StoreError(f"The new store could not be made ({exc.strerror or 'file error'}).")


def _private_database(path: Path, key: bytes) -> None:
    """An empty encrypted database in WAL mode, 0600 from its first byte (SQLite gives its -wal and -shm
    files the database file's mode, so they are private too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlcipher3.Error as exc:
        text = str(exc).lower()
        if "full" in text:
            raise DiskFullError(
                "The disk is full, so no store could be made. Free some space and try again."
            ) from exc
        raise StoreError("The new store could not be made.") from exc
    finally:
        conn.close()


def _no_step(_name: str) -> None:
    return None


def create_store(
    paths: Paths, key: bytes, info: keys.StoreInfo, *, demo_mark: bool, step: Step = _no_step
) -> Store:
    """Build, name and open a new store for `info` (which must not exist yet on disk)."""
    store_file = paths.store_file
    staged = staged_path(store_file)
    _discard(store_file)
    info_written = False
    try:
        step("building")
        _private_database(staged, key)
        building = open_store(staged, key, create=False, backup_dir=paths.backup_dir)
        try:
            if demo_mark:
                building.mark_demo()
        finally:
            building.close()  # the last connection folds the write-ahead log into the file
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
        step("writing the key information")
        keys.write_info(paths.store_info_file, info)
        info_written = True
        step("naming the store")
        os.replace(staged, store_file)
        keys.fsync_folder(store_file.parent)
    except OSError as exc:
        _undo(paths, info_written)
        raise _os_error(exc) from exc
    except BaseException:
        _undo(paths, info_written)
        raise
    log.info("Created a new store")
    return open_store(store_file, key, create=False, backup_dir=paths.backup_dir)


def _undo(paths: Paths, info_written: bool) -> None:
    _discard(paths.store_file)
    if info_written and not paths.store_file.exists():
        paths.store_info_file.unlink(missing_ok=True)


def settle_first_run(paths: Paths) -> str | None:
    """Finish or undo a first run that a crash interrupted; returns what happened in plain words."""
    staged = staged_path(paths.store_file)
    if not staged.exists():
        return None
    if paths.store_file.exists():
        _discard(paths.store_file)  # a stray copy beside a real store: never used
        return None
    if paths.store_info_file.exists():
        for extra in COMPANIONS:
            staged.with_name(staged.name + extra).unlink(missing_ok=True)
        os.replace(staged, paths.store_file)
        keys.fsync_folder(paths.store_file.parent)
        log.info("Finished a first run that had been interrupted")
        return FINISHED_NOTICE
    _discard(paths.store_file)
    log.info("Removed the unfinished store of an interrupted first run")
    return UNDONE_NOTICE
