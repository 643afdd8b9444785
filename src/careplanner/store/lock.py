"""One copy of Care Planner per store.

Two copies writing one store would each autosave over the other's drafts and race on the audit chain (and,
through a second path, each keep their own write-ahead log and corrupt the file), so the second copy is
refused with a plain message. Two OS file locks are held for as long as the store is open:

- the data folder's lock file (flock on Linux and macOS, msvcrt on Windows), and
- a lock on the store file's identity, so a hard link or a second mount of the same file is caught: on Linux
  flock on `careplanner.db` itself (flock and SQLite's fcntl locks are independent there); elsewhere a lock
  file in the temporary folder named by the file's device and inode numbers.

The OS drops both when the process ends, even after a crash or a kill, so a stale lock never shuts the
practice out. A data folder on a network or shared file system is refused first (see mounts.py).
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from careplanner.store import mounts
from careplanner.store.errors import NetworkFolderError, StoreInUseError, StoreReadOnlyError

log = logging.getLogger("careplanner.store.lock")


class StoreLock:
    """Held while a store is open; `release()` (or process exit) frees it."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle
        self._identity: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    @property
    def holds_store_file(self) -> bool:
        return self._identity is not None

    def lock_store_file(self, store_file: Path) -> None:
        """Also lock the store file's identity (device and inode), or raise StoreInUseError."""
        if self._identity is not None or not store_file.is_file():
            return  # nothing yet, or not a regular file (which opening the store refuses on its own)
        self._identity = _lock_identity(store_file)

    def release(self) -> None:
        # The identity lock goes first: on Linux it is an open handle on the database, closed only once the
        # store itself is closed (closing it earlier would drop SQLite's own locks in this process).
        identity, self._identity = self._identity, None
        handle, self._handle = self._handle, None
        for held in (identity, handle):
            if held is None:
                continue
            try:
                _unlock(held)
            finally:
                held.close()

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


def _identity_lock_file(store_file: Path) -> Path:
    info = store_file.stat()
    return Path(tempfile.gettempdir()) / f"careplanner-store-{info.st_dev}-{info.st_ino}.lock"


def _lock_identity(store_file: Path) -> IO[bytes]:
    try:
        if sys.platform.startswith("linux"):
            handle = open(store_file, "rb")  # noqa: SIM115 - kept open for as long as the lock is held
        else:  # pragma: no cover - macOS and Windows builds
            handle = open(_identity_lock_file(store_file), "a+b")  # noqa: SIM115
    except PermissionError as exc:
        raise StoreReadOnlyError("The store file cannot be read: check its permissions.") from exc
    if not _try_lock(handle):
        handle.close()
        log.info("Refused to open: the store file is open in another copy (through another path)")
        raise StoreInUseError()
    return handle


def refuse_network_folder(folder: Path, mountinfo: Path | None = None) -> None:
    """Raise NetworkFolderError when `folder` is on a network or shared file system."""
    kind = mounts.network_folder(folder, mountinfo)
    if kind is not None:
        log.info("Refused to open: the data folder is on a shared file system (%s)", kind)
        raise NetworkFolderError()


def acquire(lock_file: Path, store_file: Path | None = None, *, mountinfo: Path | None = None) -> StoreLock:
    """Take the data folder's lock (and the store file's, when it exists) or raise StoreInUseError.

    A folder on a network file system is refused first; a read-only folder gets its own message."""
    refuse_network_folder(lock_file.parent, mountinfo)
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
    held = StoreLock(lock_file, handle)
    if store_file is not None:
        try:
            held.lock_store_file(store_file)
        except BaseException:
            held.release()
            raise
    return held
