"""Backups while the app runs: on request (with progress) and the daily scheduled copy.

Backups are made from the open store through a session's own connection, so the UI and the command line
never touch the engine (a scheduled backup beside the open app copies a read-only snapshot instead, see
store/backup_reader.py). Scheduled copies are named by the store's id and the date (never by anything about
a person): `careplanner-<store id>-<YYYY-MM-DD>.cpbackup`, one per store per day, so several stores can
share one backup folder. A file with today's name is taken as done only after a look inside: it must open
with the backup passphrase and its audit trail must be a part of this store's (a copy of this store as it
was). Otherwise today's backup is made over it. Only this store's oldest dated copies beyond the number to
keep are removed - never another store's, and never a file this feature did not name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.config import STORE_INFO_FILENAME, Paths
from careplanner.models import AuditEvent
from careplanner.services import audit, trust_settings
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import Permission, require
from careplanner.services.output_guard import check_output_folder, check_output_path
from careplanner.services.users import Actor
from careplanner.store import backup as backup_files
from careplanner.store import backup_housekeeping, keys
from careplanner.store.errors import NotAStoreError

log = logging.getLogger("careplanner.backup")

_STORE_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SCHEDULED_PATTERN = re.compile(rf"careplanner-({_STORE_ID})-(\d{{4}}-\d{{2}}-\d{{2}})\.cpbackup")
Progress = backup_files.Progress
# Makes the backup copy into a temporary file keyed with the given SQL key (see store/backup_reader.py).
Copier = Callable[[Path, str], None]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    made: bool  # False when today's scheduled copy already existed and was checked
    removed: tuple[Path, ...] = ()
    replaced: str | None = None  # why a file with today's name was not taken as today's backup


def scheduled_name(store_id: str, day: date) -> str:
    return f"careplanner-{store_id}-{day.isoformat()}{backup_files.BACKUP_SUFFIX}"


def _quiet(_fraction: float, _stage: str) -> None:
    return None


class BackupService:
    """Makes backup files of the open store and records each one in the audit trail."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        copy: Copier | None = None,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._copy = copy
        # Today's copy as last made or checked by this process (path, size, modified): not opened again
        # at every lock of the screen while it is unchanged.
        self._checked: tuple[Path, int, int] | None = None

    def backup(
        self,
        dest: Path,
        passphrase: bytes,
        *,
        actor: Actor | None,
        progress: Progress = _quiet,
        scheduled: bool = False,
    ) -> BackupResult:
        """Write an encrypted, checked backup to `dest`. `actor` None means the command line or a schedule."""
        if actor is not None:
            require(actor, Permission.BACKUP)
        dest = check_output_path(dest, self.store_paths())
        if self._copy is not None:
            backup_files.write_backup(None, Path(dest), passphrase, progress, copy=self._copy)
        else:
            with self._sessions() as session:
                # Its connection outside a transaction: sqlcipher_export reads one consistent snapshot.
                raw = session.connection().connection.dbapi_connection
                backup_files.write_backup(raw, Path(dest), passphrase, progress)
        with self._sessions.begin() as session:
            audit.record(
                session,
                audit.Action.BACKUP,
                user_id=actor.id if actor else None,
                detail="scheduled" if scheduled else "manual",
                now=self._now,
            )
        self.audit_note().save()
        return BackupResult(Path(dest), True)

    def scheduled_backup(
        self,
        folder: Path,
        passphrase: bytes,
        *,
        keep: int,
        today: date | None = None,
        actor: Actor | None = None,
    ) -> BackupResult:
        """Today's copy of this store in `folder`, unless a checked one is there already; then keep only
        this store's newest `keep` copies."""
        folder = check_output_folder(folder, self.store_paths())
        folder.mkdir(parents=True, exist_ok=True)
        store_id = self.store_id
        day = today or self._now().astimezone().date()
        dest = folder / scheduled_name(store_id, day)
        problem = self.not_todays_backup(dest, passphrase)
        made = problem is not None
        if made:
            self.backup(dest, passphrase, actor=actor, scheduled=True)
            if problem != _MISSING:
                log.warning("Today's scheduled backup file was not a usable copy of this store; replaced")
        self._checked = _identity(dest)
        removed = prune(folder, keep, store_id=store_id)
        return BackupResult(dest, made, removed, None if problem == _MISSING else problem)

    def not_todays_backup(self, dest: Path, passphrase: bytes) -> str | None:
        """None when `dest` is a backup of this store that opens with `passphrase`; otherwise why not."""
        if not dest.exists():
            return _MISSING
        if not dest.is_file():  # a folder, a FIFO, a device: never opened
            return "it is not an ordinary file"
        if self._checked is not None and self._checked == _identity(dest):
            return None
        try:
            end = backup_files.trail_end(dest, passphrase)
        except backup_files.BackupError as exc:
            return str(exc)
        if end is None:
            return "it holds no audit trail to match with this store"
        seq, digest = end
        with self._sessions() as session:
            ours = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
        if ours != digest:
            return "it is not a copy of this store"
        return None

    def remember_passphrase(self, passphrase: bytes) -> None:
        """Let the app run the daily backup itself: the passphrase goes into the OS keyring."""
        backup_files.remember_passphrase(str(self.data_dir), passphrase)

    def run_daily_if_due(self, today: date | None = None) -> BackupResult | None:
        """The app's own daily backup, at start-up and when idle: only when switched on in the settings,
        due today, and the passphrase is in the keyring. Returns None when nothing was due or possible."""
        settings = trust_settings.load(self.data_dir)
        if not settings.daily_backup or not settings.backup_folder:
            return None
        folder = Path(settings.backup_folder).expanduser()
        if folder.is_dir():
            backup_housekeeping.remove_unfinished(folder)  # left by a backup that was killed
        passphrase = backup_files.recall_passphrase(str(self.data_dir))
        if passphrase is None:
            if self.due(folder, today):
                log.info("Daily backup due but no passphrase is kept for it")
            return None
        result = self.scheduled_backup(folder, passphrase, keep=settings.backup_copies, today=today)
        return result if result.made else None

    def audit_note(self) -> AuditHeadNote:
        """The note of the newest audit entry kept beside this store (see audit_head.py)."""
        bind = self._sessions.kw["bind"]
        on_server = bind.dialect.name == "postgresql"
        return AuditHeadNote(self._sessions, None if on_server else self.data_dir)

    def store_paths(self) -> Paths:
        """The folders no backup may be written over or into (its own `backups` folder aside)."""
        root = self.data_dir
        return Paths(data_dir=root, log_dir=root / "logs", backup_dir=root / "backups")

    @property
    def store_id(self) -> str:
        """The store's id (from its key information file), which names its scheduled copies."""
        store_id = keys.read_info(self.data_dir / STORE_INFO_FILENAME).store_id
        if not re.fullmatch(_STORE_ID, store_id):
            raise NotAStoreError("The store's key information file is unreadable. Nothing was changed.")
        return store_id

    @property
    def data_dir(self) -> Path:
        """The folder the open store lives in (its settings and audit note sit beside it)."""
        bind = self._sessions.kw["bind"]
        return Path(str(bind.url.database)).parent

    def due(self, folder: Path, today: date | None = None) -> bool:
        """A quick look (no passphrase): False only when a file shaped like today's backup is there."""
        day = today or self._now().astimezone().date()
        dest = Path(folder) / scheduled_name(self.store_id, day)
        try:
            size = dest.stat().st_size if dest.is_file() else 0
        except OSError:
            size = 0
        return size < _SMALLEST_BACKUP


_MISSING = "there is none yet"


def _identity(path: Path) -> tuple[Path, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (path, info.st_size, info.st_mtime_ns)


_SMALLEST_BACKUP = 4096  # one SQLCipher page


def prune(folder: Path, keep: int, *, store_id: str) -> tuple[Path, ...]:
    """Remove this store's oldest dated copies beyond `keep`. Other files (another store's copies
    included) are never touched."""
    dated = sorted(
        (m.group(2), p)
        for p in Path(folder).iterdir()
        if (m := SCHEDULED_PATTERN.fullmatch(p.name)) and m.group(1) == store_id and p.is_file()
    )
    extra = dated[: max(0, len(dated) - max(1, keep))]
    for _day, path in extra:
        path.unlink()
    if extra:
        log.info("Removed %d old scheduled backup(s)", len(extra))
    return tuple(p for _d, p in extra)
