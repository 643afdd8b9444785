"""A scheduled backup beside the open app: a reader that copies the store without the app's lock.

The app holds the data folder's lock and the store file's identity lock all day, so a scheduled backup that
took them too could never run in working hours. A backup does not need them: it only reads. SQLite's
write-ahead log lets a reader on the same computer see one consistent snapshot while a writer carries on,
so the copy is made like this:

- the backup file is the connection's main database, and the store is ATTACHed to it **read-only**
  (`mode=ro`), so nothing in this process can write a page of the store; one read transaction on the
  store fixes the snapshot and `sqlcipher_export('main', 'store')` copies it. The app's autosaves go on
  into the write-ahead log meanwhile (a checkpoint simply stops at the reader's snapshot until it ends).
- the backup's own audit entries (sign-in, backup) are written as short `BEGIN IMMEDIATE` transactions on
  their own engine, so they queue behind the app's writes for milliseconds like any second connection, and
  the audit chain's newest entry is read under the write lock.
- a third lock file, `careplanner.backup.lock`, is held *shared* by every backup reader and *exclusively*
  by restore and rekey, which replace or re-encrypt the whole file: neither runs while the other does.
  (On Windows, which has no shared file locks here, one backup reader at a time.)

The data folder must be on this computer's disk (network folders are refused before this is used), since
SQLite's write-ahead log needs every reader and writer to share one host's memory-mapped index.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

import sqlcipher3
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from careplanner.store.engine import Store, _check_file_shape, make_engine, verify_key
from careplanner.store.errors import NewerStoreError, StoreInUseError, StoreReadOnlyError
from careplanner.store.migrate import current_revision, known_revisions

log = logging.getLogger("careplanner.store.backup_reader")

BACKUP_LOCK_FILENAME = "careplanner.backup.lock"

BACKUP_RUNNING = (
    "A backup of this store is being made right now. Try again when it has finished. Nothing was changed."
)
STORE_BEING_REPLACED = (
    "The store is being restored or its key changed right now, so it cannot be backed up. "
    "The backup will be made next time. Nothing was changed."
)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _lock(handle: IO[bytes], *, shared: bool) -> bool:
        del shared  # no shared locks with msvcrt: one reader at a time
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _lock(handle: IO[bytes], *, shared: bool) -> bool:
        try:
            fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@contextmanager
def _held(data_dir: Path, *, shared: bool, refusal: str) -> Iterator[None]:
    try:
        handle = open(Path(data_dir) / BACKUP_LOCK_FILENAME, "a+b")  # noqa: SIM115 - closed below
    except PermissionError as exc:
        raise StoreReadOnlyError() from exc
    try:
        if not _lock(handle, shared=shared):
            raise StoreInUseError(refusal)
        yield
    finally:
        handle.close()  # closing the handle drops the lock


def reading(data_dir: Path) -> AbstractContextManager[None]:
    """Held by a backup reader while it copies the store (shared with other readers)."""
    return _held(data_dir, shared=True, refusal=STORE_BEING_REPLACED)


def replacing(data_dir: Path) -> AbstractContextManager[None]:
    """Held by restore and rekey while they replace or re-encrypt the store: no backup reader meanwhile."""
    return _held(data_dir, shared=False, refusal=BACKUP_RUNNING)


def open_shared(path: Path, key: bytes) -> Store:
    """Open the store beside its other users for a backup: no migrations, no settling, short writes only.

    The file is checked and the key verified read-only first, as on every open. A store from a newer
    version is refused; an older schema is copied as it is (a restore upgrades it when it is opened).
    """
    _check_file_shape(path)
    verify_key(path, key)
    engine = make_engine(path, key)

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" below issues the BEGIN

    @event.listens_for(engine, "begin")
    def _immediate(conn: Any) -> None:
        # Take the write lock at the start of every transaction: the audit chain's newest entry is then read
        # under the lock, so an entry the app writes meanwhile can never be chained from twice.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
        if revision is not None and revision not in known_revisions():
            raise NewerStoreError()
    except BaseException:
        engine.dispose()
        raise
    return Store(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def export_snapshot(store_file: Path, store_key: bytes, dest: Path, dest_key_sql: str) -> None:
    """Copy one consistent snapshot of the store (attached read-only) into a new file keyed `dest_key_sql`."""
    conn = sqlcipher3.connect(f"file:{dest}", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{dest_key_sql}"')
        source = f"file:{Path(store_file).resolve()}?mode=ro"
        conn.execute(f"ATTACH DATABASE ? AS store KEY \"x'{store_key.hex()}'\"", (source,))
        try:
            conn.execute("BEGIN")
            try:
                conn.execute("SELECT count(*) FROM store.sqlite_master").fetchone()  # fixes the snapshot
                conn.execute("SELECT sqlcipher_export('main', 'store')")
                version = conn.execute("PRAGMA store.user_version").fetchone()[0]
                conn.execute(f"PRAGMA main.user_version = {int(version)}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE store")
    finally:
        conn.close()
    log.info("Copied a snapshot of the store for a backup (process %d)", os.getpid())
