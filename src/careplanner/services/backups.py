"""Backups while the app runs: on request (with progress) and the daily scheduled copy.

Backups are made from the open store through a session's own connection, so the UI and the command line
never touch the engine. Scheduled copies are named by date (never by anything about a person), one per
day, and the oldest beyond the number to keep are removed - only files this feature named.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from careplanner.config import Paths
from careplanner.services import audit, trust_settings
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import Permission, require
from careplanner.services.output_guard import check_output_folder, check_output_path
from careplanner.services.users import Actor
from careplanner.store import backup as backup_files

log = logging.getLogger("careplanner.backup")

SCHEDULED_PATTERN = re.compile(r"careplanner-(\d{4}-\d{2}-\d{2})\.cpbackup")
Progress = backup_files.Progress


@dataclass(frozen=True)
class BackupResult:
    path: Path
    made: bool  # False when today's scheduled copy already existed
    removed: tuple[Path, ...] = ()


def _quiet(_fraction: float, _stage: str) -> None:
    return None


class BackupService:
    """Makes backup files of the open store and records each one in the audit trail."""

    def __init__(
        self, sessions: sessionmaker[Session], *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = sessions
        self._now = now

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
        with self._sessions() as session:
            # A session's connection outside a transaction: sqlcipher_export reads one consistent snapshot.
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
        """Today's copy in `folder` unless it exists already; then keep only the newest `keep` copies."""
        folder = check_output_folder(folder, self.store_paths())
        folder.mkdir(parents=True, exist_ok=True)
        day = today or self._now().astimezone().date()
        dest = folder / f"careplanner-{day.isoformat()}{backup_files.BACKUP_SUFFIX}"
        made = False
        if not dest.exists():
            self.backup(dest, passphrase, actor=actor, scheduled=True)
            made = True
        removed = prune(folder, keep)
        return BackupResult(dest, made, removed)

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
        if not self.due(folder, today):
            return None
        passphrase = backup_files.recall_passphrase(str(self.data_dir))
        if passphrase is None:
            log.info("Daily backup due but no passphrase is kept for it")
            return None
        return self.scheduled_backup(folder, passphrase, keep=settings.backup_copies, today=today)

    def audit_note(self) -> AuditHeadNote:
        """The note of the newest audit entry kept beside this store (see audit_head.py)."""
        return AuditHeadNote(self._sessions, self.data_dir)

    def store_paths(self) -> Paths:
        """The folders no backup may be written over or into (its own `backups` folder aside)."""
        root = self.data_dir
        return Paths(data_dir=root, log_dir=root / "logs", backup_dir=root / "backups")

    @property
    def data_dir(self) -> Path:
        """The folder the open store lives in (its settings and audit note sit beside it)."""
        bind = self._sessions.kw["bind"]
        return Path(str(bind.url.database)).parent

    def due(self, folder: Path, today: date | None = None) -> bool:
        day = today or self._now().astimezone().date()
        return not (Path(folder) / f"careplanner-{day.isoformat()}{backup_files.BACKUP_SUFFIX}").exists()


def prune(folder: Path, keep: int) -> tuple[Path, ...]:
    """Remove the oldest dated copies beyond `keep`. Other files in the folder are never touched."""
    dated = sorted(
        (m.group(1), p)
        for p in Path(folder).iterdir()
        if p.is_file() and (m := SCHEDULED_PATTERN.fullmatch(p.name))
    )
    extra = dated[: max(0, len(dated) - max(1, keep))]
    for _day, path in extra:
        path.unlink()
    if extra:
        log.info("Removed %d old scheduled backup(s)", len(extra))
    return tuple(p for _d, p in extra)
