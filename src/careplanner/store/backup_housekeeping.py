"""What backups and restores leave behind: unfinished copies of a killed backup, and copies kept aside.

A backup is written to a temporary file beside its target and renamed once checked. If the process is
killed first, the temporary file (a full, encrypted copy) and SQLite's journal beside it stay behind. They
are named so they cannot be mistaken for anything else - `.<target>.<process id>-<random>.cp-unfinished`
- and removed by the next backup into that folder (and by the app's daily backup at sign-in) once the
process that wrote them has ended.

Every restore keeps the store it replaced in the `backups` folder. Only the newest `KEEP_ASIDE` of those
are kept: at 100,000 people each is about 2 GB.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from pathlib import Path

log = logging.getLogger("careplanner.store.backup")

UNFINISHED_SUFFIX = ".cp-unfinished"
_UNFINISHED = re.compile(r"\..+\.(\d+)-[0-9a-f]{8}\.cp-unfinished(-journal|-wal|-shm)?")
# How many copies of the store kept aside by restores stay in the backups folder (newest first).
KEEP_ASIDE = 3
_ASIDE = re.compile(r"(before-restore)-(\d{8}T\d{6}Z)-[0-9a-f]{4}\.db")
# On a system where we cannot ask whether a process is running, an unfinished copy this old is stale.
_STALE_SECONDS = 24 * 3600


def unfinished_name(dest: Path) -> Path:
    """The temporary name a backup is written to before it is checked and given its real name."""
    return dest.with_name(f".{dest.name}.{os.getpid()}-{secrets.token_hex(4)}{UNFINISHED_SUFFIX}")


def _running(pid: int, path: Path) -> bool:
    if pid == os.getpid():
        return True  # a backup this process is making now
    if os.name == "nt":  # pragma: no cover - Windows: no safe way to probe a process id here
        try:
            return time.time() - path.stat().st_mtime < _STALE_SECONDS
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_unfinished(folder: Path) -> int:
    """Remove the unfinished copies left in `folder` by backups that were killed; returns how many."""
    removed = 0
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for path in entries:
        match = _UNFINISHED.fullmatch(path.name)
        if match is None or _running(int(match.group(1)), path):
            continue
        try:
            path.unlink()
            removed += 1
        except OSError:
            log.warning("An unfinished backup copy could not be removed")
    if removed:
        log.info("Removed %d file(s) left by a backup that did not finish", removed)
    return removed


def prune_kept_aside(backup_dir: Path, keep: int = KEEP_ASIDE) -> tuple[Path, ...]:
    """Keep only the newest `keep` copies of the store that restores moved aside (with their -wal/-shm)."""
    try:
        # By the time in the name, then by when the copy was made (two restores in one second).
        found = sorted(
            ((m.group(2), p.stat().st_ctime_ns), p)
            for p in Path(backup_dir).iterdir()
            if (m := _ASIDE.fullmatch(p.name))
        )
    except OSError:
        return ()
    old = [p for _when, p in found[: max(0, len(found) - max(1, keep))]]
    for path in old:
        for extra in ("", "-wal", "-shm"):
            path.with_name(path.name + extra).unlink(missing_ok=True)
    if old:
        log.info("Removed %d older copies kept aside by restores", len(old))
    return tuple(old)
