"""Backups of the practice server with PostgreSQL's own tools: `pg_dump` (custom format) and `pg_restore`.

A backup is one file, readable by its owner only (0600), named by the database and the time, never by
anything about a person. It is written under a temporary name (`….dump.partial`) and renamed once pg_dump
has finished and `pg_restore --list` has read it back, so a half-written file never looks like a backup. A
`.dump.partial` left by a backup that was killed is removed by the next backup into the same folder. Each
backup is then recorded on the server (`server_backup_log`, migration 0009) with the server's own clock,
which is what `careplanner server check` measures the age of the last backup against.

Restoring is in server/restore.py.

The password reaches pg_dump and pg_restore only in the child process's own environment (PGPASSWORD): never
in a file (a killed backup would leave it behind), the command line or this process's environment.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from careplanner.models.base import new_id
from careplanner.server.connection import ServerAddress
from careplanner.server.ops import PasswordNeededError, ServerOpsError, owner_engine, practice_revision

log = logging.getLogger("careplanner.server.backup")

# Windows: PostgreSQL's own installer puts its tools here (not on PATH).
WINDOWS_BIN = r"C:\Program Files\PostgreSQL\*\bin"
TOOL_TIMEOUT = 6 * 3600
# A `.dump.partial` not written to for this long belongs to no running backup.
STALE_PARTIAL_S = 10 * 60


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int


def pg_tool(name: str) -> Path:
    """pg_dump or pg_restore: CAREPLANNER_PG_BIN, then PATH, then the usual install folders."""
    from careplanner.server.cluster import SEARCH

    exe = name + (".exe" if os.name == "nt" else "")
    folders = [os.environ.get("CAREPLANNER_PG_BIN", "")]
    found = shutil.which(name)
    if found:
        folders.append(str(Path(found).parent))
    folders += list(SEARCH) + sorted(glob.glob(WINDOWS_BIN), reverse=True)
    for folder in folders:
        if folder and (Path(folder) / exe).is_file():
            return Path(folder) / exe
    raise ServerOpsError(
        f"PostgreSQL's {name} was not found: install PostgreSQL's client tools, or set CAREPLANNER_PG_BIN "
        "to the folder that holds them."
    )


def libpq_env(address: ServerAddress, password: str | None) -> dict[str, str]:
    """The environment for a PostgreSQL tool: where to connect and, when given, the password (for the
    child process only; never written to a file)."""
    # No other PG* setting may redirect the tool; libpq's own password sources only when none was given.
    own = ("PGPASSFILE", "PGPASSWORD") if password is None else ()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k in own}
    env.update(
        {
            "PGHOST": address.host,
            "PGPORT": str(address.port),
            "PGDATABASE": address.database,
            "PGSSLMODE": address.sslmode,
            "PGCONNECT_TIMEOUT": "10",
            "PGAPPNAME": "careplanner-backup",
        }
    )
    if address.user:
        env["PGUSER"] = address.user
    if address.sslrootcert:
        env["PGSSLROOTCERT"] = address.sslrootcert
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def plain_failure(tool: str, stderr: str) -> ServerOpsError:
    """The tool's complaint in words IT can act on; its own text is kept in the log (no data rows in it)."""
    log.warning("%s failed: %s", tool, stderr.strip()[-2000:])
    lowered = stderr.lower()
    if "server version mismatch" in lowered or "aborting because of server version mismatch" in lowered:
        return ServerOpsError(
            f"This computer's {tool} is older than the server's PostgreSQL: install the client tools of the "
            "same (or a newer) PostgreSQL version, or set CAREPLANNER_PG_BIN to their folder."
        )
    if "role" in lowered and "does not exist" in lowered:
        return ServerOpsError(
            "The backup's tables belong to a database owner this server does not have: make the owner "
            "account under the same name first (docs/practice-server.md, 'Bringing the practice back on a "
            "new server'). Nothing was restored."
        )
    if "permission denied" in lowered:
        return ServerOpsError(
            "This database account may not read the whole practice database: back up as the database "
            "owner (the account that owns the practice database, e.g. careplanner_owner). Nothing was kept."
        )
    if "no password supplied" in lowered:
        return PasswordNeededError()
    if "password authentication failed" in lowered:
        return ServerOpsError("The server refused the database account's password.")
    if "could not connect" in lowered or "connection refused" in lowered or "timeout" in lowered:
        return ServerOpsError("The practice server cannot be reached.")
    return ServerOpsError(f"{tool} did not finish; the details are in the log file.")


def remove_stale_partials(folder: Path, *, older_than_s: float = STALE_PARTIAL_S) -> list[Path]:
    """Remove `careplanner-*.dump.partial` files that no backup has written to for a while: what a killed
    backup left (a running pg_dump keeps writing to its own)."""
    removed: list[Path] = []
    limit = time.time() - older_than_s
    for leftover in Path(folder).glob("careplanner-*.dump.partial"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < limit:
                leftover.unlink()
                removed.append(leftover)
    if removed:
        log.info("Removed %d unfinished backup file(s) left by an earlier backup", len(removed))
    return removed


def backup_name(database: str, now: datetime) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in database)[:60] or "database"
    return f"careplanner-{safe}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.dump"


def backup(address: ServerAddress, password: str | None, to_dir: Path) -> BackupResult:
    """Dump the practice database to a new file in `to_dir` and record it on the server."""
    _check_practice_database(address, password)  # signs in first: a password problem is said plainly
    to_dir = Path(to_dir)
    to_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    pg_dump = pg_tool("pg_dump")
    final = to_dir / backup_name(address.database, datetime.now(UTC))
    if final.exists():
        raise ServerOpsError(f"{final.name} already exists: wait a second and try again.")
    partial = final.with_name(final.name + ".partial")
    remove_stale_partials(to_dir)
    # Made first with 0600, so pg_dump's file is never readable by others, even for a moment.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(partial, 0o600)
    try:
        done = subprocess.run(
            [str(pg_dump), "--format=custom", "--no-password", "--file", str(partial)],
            env=libpq_env(address, password),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
        )
        if done.returncode != 0:
            raise plain_failure("pg_dump", done.stderr)
        listed = subprocess.run(
            [str(pg_tool("pg_restore")), "--list", str(partial)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if listed.returncode != 0 or " audit_event " not in listed.stdout:
            raise ServerOpsError("The backup file could not be read back: it was not kept.")
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = final.stat().st_size
    _record(address, password, final.name, size)
    log.info("Server backup written (%d bytes)", size)
    return BackupResult(final, size)


def _check_practice_database(address: ServerAddress, password: str | None) -> None:
    engine = owner_engine(address, password)
    try:
        with engine.connect() as conn:
            if practice_revision(conn) is None:
                raise ServerOpsError("That database holds no Care Planner practice: nothing was backed up.")
    finally:
        engine.dispose()


def _record(address: ServerAddress, password: str | None, name: str, size: int) -> None:
    engine = owner_engine(address, password)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO server_backup_log (id, taken_at, file_name, size_bytes, taken_by) "
                    "VALUES (:id, now() AT TIME ZONE 'UTC', :name, :size, current_user)"
                ),
                {"id": new_id(), "name": name, "size": size},
            )
    finally:
        engine.dispose()
