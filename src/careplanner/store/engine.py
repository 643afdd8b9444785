"""Opening the one SQLCipher file. The key is passed in; nothing here reads a global.

Order matters so that a failure never writes to the file: check the file looks like an encrypted store,
verify the key with a read-only query, and only then set write pragmas and run migrations.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.store.errors import (
    DiskFullError,
    NotAStoreError,
    StoreError,
    StoreReadOnlyError,
    WrongKeyError,
)
from careplanner.store.migrate import check_and_upgrade, current_revision
from careplanner.store.progress import Progress, no_progress, step_share, ticking

# SQLite steps per page of the store, measured on seeded stores: for progress estimates only.
INTEGRITY_STEPS_PER_PAGE = 600
LINK_STEPS_PER_PAGE = 70

log = logging.getLogger("careplanner.store")

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher 4 pages are 4096 bytes; a file that is not a whole number of pages has been cut short.
PAGE_SIZE = 4096
# Written into the encrypted (and page-authenticated) database header of the demo store when it is made.
# Whether a store is the demo store is read from here, never from the unauthenticated key information file.
DEMO_APPLICATION_ID = 0x43504430  # "CPD0"


def _raw_key(key: bytes) -> str:
    # SQLCipher's raw-key form skips its own PBKDF2: our key is already 256 random (or scrypt) bits.
    return f"x'{key.hex()}'"


def _check_file_shape(path: Path) -> None:
    # Looked at before it is opened: opening a FIFO would wait for ever for a writer (with the lock held).
    if path.exists() and not path.is_file():
        raise NotAStoreError("The store file is not an ordinary file. Nothing was changed.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(16)
    except PermissionError as exc:
        raise StoreReadOnlyError("The store file cannot be read: check its permissions.") from exc
    if size == 0 or size % PAGE_SIZE:
        raise NotAStoreError("The store file is empty or cut short (damaged). Nothing was changed.")
    if header == PLAIN_SQLITE_HEADER:
        raise NotAStoreError(
            "This is an unencrypted database, not a Care Planner store. Nothing was changed."
        )


def verify_key(path: Path, key: bytes) -> None:
    """Read page 1 with the key, writing nothing. The key check value already ruled out a wrong key."""
    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # keep "hmac check failed" off the console
        conn.execute(f'PRAGMA key = "{_raw_key(key)}"')
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_IOERR:
            # A WAL store opened read-only needs room for its shared-memory file: on a full disk that
            # fails as an I/O error, which is not damage.
            if shutil.disk_usage(path.parent).free < 1_000_000:
                raise DiskFullError(
                    "The disk is full, so the store cannot be opened. Free some space and try again. "
                    "Nothing was changed."
                ) from exc
            raise StoreError(
                "The store could not be read because of a disk error. Nothing was changed."
            ) from exc
        raise NotAStoreError(
            "The store file is damaged: it cannot be read with its key. Nothing was changed."
        ) from exc
    finally:
        conn.close()


def classify(exc: BaseException) -> StoreError | None:
    """Map a driver error to one the person can act on; None means it is a bug."""
    text = str(exc).lower()
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    if (
        "database or disk is full" in text
        or code == sqlite3.SQLITE_FULL
        or getattr(exc, "errno", None) == errno.ENOSPC
    ):
        return DiskFullError()
    if "readonly" in text or "read-only" in text:
        return StoreReadOnlyError()
    if "file is not a database" in text or "malformed" in text:
        return NotAStoreError()
    return None


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA cipher_log_level = NONE")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA secure_delete = ON")
        cur.execute("PRAGMA busy_timeout = 5000")
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL in WAL mode syncs the log at every commit: an autosave survives a power cut.
        cur.execute("PRAGMA synchronous = FULL")
    finally:
        cur.close()


def make_engine(path: Path, key: bytes) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=str(path))
    # hide_parameters: SQL errors must never carry patient data into logs or crash reports.
    engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    return engine


@dataclass
class Store:
    """An open store: an engine and a session factory. Services receive `sessions`, never the engine."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    upgraded_from_copy: str | None = None
    # Set by the composition root only when the store carries the demo mark *and* has the demo's public key.
    demo: bool = False
    _closed: bool = field(default=False, repr=False)

    def close(self) -> None:
        if not self._closed:
            self.engine.dispose()
            self._closed = True

    def integrity_check(self, progress: Progress = no_progress) -> list[str]:
        """SQLCipher's page HMACs plus SQLite's own check; an empty list means healthy.

        Reports progress up to 0.9 (see store/progress.py); raising CancelledError from `progress` stops
        the check (it only reads)."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
            progress(0.02, "Checking the encryption of every page")
            for (row,) in conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall():
                problems.append(str(row))
            span, stage = (0.2, 0.75), "Checking the store's structure"
            with ticking(raw, progress, span, stage, step_share(pages * INTEGRITY_STEPS_PER_PAGE)):
                result = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            if result != ["ok"]:
                problems.extend(result)
            span, stage = (0.75, 0.9), "Checking the links between records"
            with ticking(raw, progress, span, stage, step_share(pages * LINK_STEPS_PER_PAGE)):
                found = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            problems.extend(str(r) for r in found)
        return problems

    def demo_marked(self) -> bool:
        """True when the encrypted header says this store was made as the demo store of synthetic people."""
        with self.engine.connect() as conn:
            value = conn.exec_driver_sql("PRAGMA application_id").scalar()
        return value == DEMO_APPLICATION_ID

    def mark_demo(self) -> None:
        """Mark a new demo store (inside the encrypted file, so nobody without its key can set it)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def counts(self) -> dict[str, int]:
        from careplanner.models import AuditEvent, CarePlan, Person, User

        out: dict[str, int] = {}
        with self.sessions() as session:
            for name, model in (
                ("people", Person),
                ("plans", CarePlan),
                ("users", User),
                ("audit", AuditEvent),
            ):
                out[name] = session.scalar(select(func.count()).select_from(model)) or 0
        return out

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session


def open_store(path: Path, key: bytes, *, create: bool, backup_dir: Path) -> Store:
    """Open (or, when `create` and the file is absent, create) the store at `path`."""
    exists = path.exists()
    if exists:
        _check_file_shape(path)
        verify_key(path, key)
    elif not create:
        raise NotAStoreError("There is no store at this location.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except PermissionError as exc:
            raise StoreReadOnlyError() from exc
    engine = make_engine(path, key)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchone()
        copy = check_and_upgrade(engine, path, backup_dir=backup_dir)
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        known = classify(exc)
        if known is not None:
            raise known from exc
        if "file is not a database" in str(exc):
            raise WrongKeyError() from exc
        raise
    except BaseException:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Store(path=path, engine=engine, sessions=sessions, upgraded_from_copy=copy)
