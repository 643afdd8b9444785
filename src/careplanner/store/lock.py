"""One copy of Care Planner per data folder.

Two copies writing one store would each autosave over the other's drafts and race on the audit chain, so
the second copy is refused with a plain message. The lock is an OS file lock (flock on Linux and macOS,
msvcrt on Windows) held for as long as the store is open: the OS drops it when the process ends, even
after a crash or a kill, so a stale lock file never shuts the practice out.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from pathlib import Path
from typing import IO

from careplanner.store.errors import StoreInUseError, StoreReadOnlyError

log = logging.getLogger("careplanner.store.lock")


class StoreLock:
    """Held while a store is open; `release()` (or process exit) frees it."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def acquire(lock_file: Path) -> StoreLock:
    """Take the data folder's lock or raise StoreInUseError; a read-only folder gets its own message."""
    try:
        handle = open(lock_file, "a+b")  # noqa: SIM115 - kept open for as long as the lock is held
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StoreReadOnlyError() from exc
        raise
    if not _try_lock(handle):
        handle.close()
        log.info("Refused to open: the store is open in another copy")
        raise StoreInUseError()
    try:
        # The holder's process id helps IT find the other copy; it is not patient data.
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
    except OSError:
        log.debug("Could not note the process id in the lock file")
    return StoreLock(lock_file, handle)
