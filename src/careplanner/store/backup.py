"""Backup files: SQLCipher's own export into a file keyed from a backup passphrase, and checked restore.

A backup is a complete SQLCipher database, keyed not with the store key (which lives in one computer's
keyring) but with scrypt(backup passphrase, salt), so it restores on any machine. The salt is the file's
first 16 bytes: SQLCipher's raw-key form `x'<key><salt>'` writes the salt we choose there, so a backup
is one self-contained file with no sidecar to lose. Backups are written to a temporary name and renamed
only once they have been re-opened and checked, so a half-written file is never taken for a backup.

Restore (restore_steps.py) checks the backup (passphrase, SQLCipher page HMACs, SQLite integrity check,
schema version) before anything is replaced, re-keys it into a new file under the store key, checks that,
and only then moves the current store aside (never deleting it) and puts the restored file in its place.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from careplanner.store import backup_housekeeping as housekeeping
from careplanner.store import backup_kdf, keys, strength
from careplanner.store.engine import INTEGRITY_STEPS_PER_PAGE, PAGE_SIZE, PLAIN_SQLITE_HEADER
from careplanner.store.errors import DiskFullError, NewerStoreError, StoreError, StoreReadOnlyError
from careplanner.store.migrate import known_revisions
from careplanner.store.progress import file_share, step_share, ticking

log = logging.getLogger("careplanner.store.backup")

SALT_BYTES = 16
BACKUP_SUFFIX = ".cpbackup"
# Fraction done (0..1) and a plain stage name, for the backup dialog's progress bar.
Progress = Callable[[float, str], None]


class BackupError(StoreError):
    exit_code = 30
    message = "The backup could not be used. Nothing was changed."


class BackupPassphraseError(BackupError):
    exit_code = 31
    message = (
        "The backup passphrase is wrong, or this file is not a Care Planner backup. Nothing was changed."
    )


class BackupDamagedError(BackupError):
    exit_code = 32
    message = "This backup file is damaged or cut short, so it cannot be restored. Nothing was changed."


@dataclass(frozen=True)
class BackupCheck:
    """What a backup holds, found by opening it (nothing is changed)."""

    path: Path
    schema_revision: str | None
    people: int
    plans: int
    audit_entries: int


def _raw(key: bytes, salt: bytes | None = None) -> str:
    return f"x'{key.hex()}{salt.hex() if salt else ''}'"


def _no_progress(_fraction: float, _stage: str) -> None:
    return None


def _os_error(exc: OSError) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return DiskFullError("The disk is full, so the backup could not be written. Nothing was changed.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnlyError("That folder cannot be written to, so the backup could not be made.")
    return BackupError(f"The backup could not be written ({exc.strerror or 'file error'}).")


def _sql_error(exc: Exception) -> StoreError:
    text = str(exc).lower()
    if "full" in text:
        return DiskFullError("The disk is full, so the backup could not be written. Nothing was changed.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreReadOnlyError("That folder cannot be written to, so the backup could not be made.")
    return BackupError()


def _discard(path: Path) -> None:
    """Remove a temporary file if it is there; a cleanup failure must not hide the real error."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("A temporary file could not be removed")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _export(
    source: Any,
    dest: Path,
    key_sql: str,
    progress: Progress = _no_progress,
    span: tuple[float, float] = (0, 0),
) -> None:
    """sqlcipher_export from an open DBAPI connection into a new file keyed with `key_sql`.

    Reports progress within `span` by the copy's size so far; a CancelledError from `progress` stops it."""
    source.execute(f'ATTACH DATABASE ? AS careplanner_export KEY "{key_sql}"', (str(dest),))
    try:
        size = int(source.execute("PRAGMA main.page_count").fetchone()[0]) * PAGE_SIZE
        with ticking(source, progress, span, "Copying the store", file_share(dest, size)):
            source.execute("SELECT sqlcipher_export('careplanner_export')")
        # sqlcipher_export copies tables, indexes and triggers but not the user_version.
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA careplanner_export.user_version = {int(version)}")
    finally:
        source.execute("DETACH DATABASE careplanner_export")


def _problems(conn: Any, progress: Progress = _no_progress, span: tuple[float, float] = (0, 0)) -> list[str]:
    problems = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    with ticking(conn, progress, span, "Checking the backup", step_share(pages * INTEGRITY_STEPS_PER_PAGE)):
        result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems.extend(result)
    return problems


def _connect(path: Path, key_sql: str, *, read_only: bool) -> Any:
    target = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlcipher3.connect(target, uri=True, isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f'PRAGMA key = "{key_sql}"')
    return conn


def write_backup(
    source: Any,
    dest: Path,
    passphrase: bytes,
    progress: Progress = _no_progress,
    *,
    copy: Callable[[Path, str], None] | None = None,
) -> None:
    """Export the open store (a DBAPI connection, outside any transaction) into `dest`, then check it.

    `copy(tmp, key_sql)`, when given, makes the copy instead (a scheduled backup beside the open app copies
    a read-only snapshot, see backup_reader.py). Unfinished copies a killed backup left in the folder go."""
    if not passphrase:
        raise BackupError("Choose a backup passphrase.")
    dest = dest.expanduser()
    if dest.exists() and dest.is_dir():
        raise BackupError("Name a file for the backup, not a folder.")
    housekeeping.remove_unfinished(dest.parent)
    tmp = housekeeping.unfinished_name(dest)
    strength.check_passphrase(passphrase)  # before any file is made
    progress(0.05, "Preparing the backup key")
    salt = backup_kdf.new_salt()  # records the scrypt settings (see backup_kdf.py)
    key = backup_kdf.backup_key(passphrase, salt)
    try:
        progress(0.2, "Copying the store")
        try:
            if copy is not None:
                copy(tmp, _raw(key, salt))
            else:
                _export(source, tmp, _raw(key, salt), progress, (0.2, 0.7))
        except sqlcipher3.Error as exc:
            raise _sql_error(exc) from exc
        progress(0.7, "Checking the backup")
        check = _connect(tmp, _raw(key), read_only=True)
        try:
            problems = _problems(check, progress, (0.7, 0.9))
        finally:
            check.close()
        if problems:
            raise BackupError("The backup did not pass its check, so it was not kept.")
        progress(0.9, "Saving the backup")
        os.chmod(tmp, 0o600)  # only this account may read it, whatever the folder's defaults
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except OSError as exc:
        raise _os_error(exc) from exc
    finally:
        _discard(tmp)
        _discard(tmp.with_name(tmp.name + "-journal"))
    progress(1.0, "Backup complete")
    log.info("Backup written and checked")


def _backup_key(path: Path, passphrase: bytes) -> bytes:
    """The file's shape and its salt, then the key: a wrong passphrase is told apart from damage later."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            salt = handle.read(SALT_BYTES)
    except FileNotFoundError as exc:
        raise BackupError("There is no backup file with that name.") from exc
    except OSError as exc:
        raise BackupError(f"The backup file cannot be read ({exc.strerror or 'file error'}).") from exc
    if salt == PLAIN_SQLITE_HEADER:
        raise BackupPassphraseError("This is an unencrypted database, not a Care Planner backup.")
    if size < PAGE_SIZE or size % PAGE_SIZE:
        raise BackupDamagedError()
    if not passphrase:
        raise BackupPassphraseError("Enter the backup passphrase.")
    return backup_kdf.backup_key(passphrase, salt)


def check_backup(path: Path, passphrase: bytes) -> BackupCheck:
    """Open a backup read-only and check it thoroughly; raise the error a person can act on."""
    key = _backup_key(path, passphrase)
    conn = _connect(path, _raw(key), read_only=True)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise BackupPassphraseError() from exc
        try:
            if _problems(conn):
                raise BackupDamagedError()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "person", "care_plan", "audit_event"} <= tables:
                raise BackupPassphraseError("This file is not a Care Planner backup. Nothing was changed.")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
            if revision is not None and revision not in known_revisions():
                raise NewerStoreError(
                    "This backup was made by a newer version of Care Planner. Install that version to "
                    "restore it. Nothing was changed."
                )
            counts = [
                int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("person", "care_plan", "audit_event")
            ]
        except sqlcipher3.DatabaseError as exc:
            raise BackupDamagedError() from exc
    finally:
        conn.close()
    return BackupCheck(path, revision, counts[0], counts[1], counts[2])


def trail_end(path: Path, passphrase: bytes) -> tuple[int, str] | None:
    """A quick look into a backup: the number and hash of its newest audit entry (None if it has none).

    Checks the file's shape and that the passphrase opens it as a Care Planner backup, without the full
    integrity check (it passed one before it was given its name). Raises the BackupError that fits."""
    key = _backup_key(path, passphrase)
    conn = _connect(path, _raw(key), read_only=True)
    try:
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlcipher3.DatabaseError as exc:
            raise BackupPassphraseError() from exc
        if "audit_event" not in tables:
            raise BackupPassphraseError("This file is not a Care Planner backup.")
        try:
            row = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise BackupDamagedError() from exc
    finally:
        conn.close()
    return None if row is None else (int(row[0]), str(row[1]))


def aside_name(store_file: Path, backup_dir: Path, reason: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return backup_dir / f"{reason}-{stamp}-{secrets.token_hex(2)}{store_file.suffix}"


BACKUP_KEYRING_SERVICE = "CarePlanner backup passphrase"


def remember_passphrase(name: str, passphrase: bytes) -> None:
    """Keep the daily backup's passphrase in the OS keyring (only a secure one; never in a file)."""
    import keyring
    from keyring.errors import KeyringError

    from careplanner.store.errors import KeyringUnavailableError

    strength.check_passphrase(passphrase)
    if not keys.keyring_is_secure():
        raise KeyringUnavailableError(
            "No secure keyring is available, so the app cannot keep the backup passphrase. "
            "Run the daily backup from the command line with --backup-passphrase-file instead."
        )
    try:
        keyring.set_password(BACKUP_KEYRING_SERVICE, name, passphrase.decode("utf-8"))
    except KeyringError as exc:
        raise KeyringUnavailableError() from exc


def recall_passphrase(name: str) -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

    if not keys.keyring_is_secure():
        return None
    try:
        stored = keyring.get_password(BACKUP_KEYRING_SERVICE, name)
    except KeyringError:
        return None
    return stored.encode("utf-8") if stored else None
