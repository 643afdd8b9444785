"""The restore journal: what a restore was doing, so the next start can finish it or undo it.

`careplanner.restore.json` is written (atomically, 0600) once the staged copy is complete and already holds
the record of its own restore, and removed once the restore is finished. It names the staged copy (by
device and inode, which a rename keeps) and the newest audit entry of the restored trail. On the next start:

- the staged copy is still there: the rename never happened, so the store is as it was. The staged copy
  (and the key information of a store being made on a new computer) is removed: the restore is undone.
- the staged copy is gone and the store *is* that file: the rename happened. Only the note of the newest
  audit entry is left to write, which needs the store open (see recovery.py): the restore is finished.

Holds no secret and no patient data.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

from careplanner.config import Paths
from careplanner.store import keys, restore_steps
from careplanner.store.errors import StoreError

log = logging.getLogger("careplanner.maintenance")

JOURNAL_FILENAME = "careplanner.restore.json"


@dataclass(frozen=True)
class RestoreJournal:
    staged_dev: int
    staged_ino: int
    new_store: bool  # a restore onto a computer with no store: its key information is new as well


class Found(Enum):
    NOTHING = "nothing"
    UNDONE = "undone"  # the store is as it was before the restore
    TO_FINISH = "to finish"  # the store is the restored one; note its trail, then remove the journal


def journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / JOURNAL_FILENAME


def write(data_dir: Path, staged: Path, *, new_store: bool) -> None:
    stat = staged.stat()
    body = json.dumps(asdict(RestoreJournal(stat.st_dev, stat.st_ino, new_store))).encode("utf-8")
    path = journal_path(data_dir)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, body)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    keys.fsync_folder(path.parent)


def read(data_dir: Path) -> RestoreJournal | None:
    """The journal, or None when it is absent or unreadable (then only the files decide)."""
    try:
        raw = json.loads(journal_path(data_dir).read_text(encoding="utf-8"))
        journal = RestoreJournal(**raw)
    except (OSError, ValueError, TypeError):
        return None
    ok = all(isinstance(v, int) for v in (journal.staged_dev, journal.staged_ino))
    return journal if ok and isinstance(journal.new_store, bool) else None


def remove(data_dir: Path) -> None:
    path = journal_path(data_dir)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)
    path.unlink(missing_ok=True)
    keys.fsync_folder(path.parent)


def _is_staged_file(store_file: Path, journal: RestoreJournal | None) -> bool:
    try:
        stat = store_file.stat()
    except OSError:
        return False
    return journal is not None and (stat.st_dev, stat.st_ino) == (journal.staged_dev, journal.staged_ino)


def settle(paths: Paths) -> Found:
    """Decide (and, for an undo, do) what a restore left behind; needs no key."""
    store_file = paths.store_file
    staged = restore_steps.staged_path(store_file)
    path = journal_path(paths.data_dir)
    if not path.exists():
        if staged.exists():
            # Killed while copying or checking the backup: the store was never touched.
            restore_steps.discard_staged(store_file)
            log.info("Removed the copy left by a restore that stopped before it changed anything")
        return Found.NOTHING
    journal = read(paths.data_dir)
    if staged.exists():
        restore_steps.discard_staged(store_file)
        if journal is not None and journal.new_store and not store_file.exists():
            _forget_new_store_key(paths)
        remove(paths.data_dir)
        log.info("Undid a restore that stopped before it replaced the store")
        return Found.UNDONE
    if _is_staged_file(store_file, journal):
        return Found.TO_FINISH
    remove(paths.data_dir)
    log.warning("A restore journal named a file that is not the store; it was removed")
    return Found.NOTHING


def _forget_new_store_key(paths: Paths) -> None:
    """A store being made by a restore on a new computer never came to be: its key information goes."""
    info_file = paths.store_info_file
    try:
        info: keys.StoreInfo | None = keys.read_info(info_file)
    except StoreError:  # unreadable or absent: there is nothing to forget in the keyring
        info = None
    info_file.unlink(missing_ok=True)
    if info is not None and info.key_source == "keyring":
        try:
            keys.forget_keyring_key(info.store_id)
        except Exception:  # a leftover random key in the keyring opens nothing
            log.info("The keyring entry of an unfinished store could not be removed")
