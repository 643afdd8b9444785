"""Settling, at the next start, whatever a crash interrupted: a first run, a restore, a change of key.

Each of those writes its work beside the store under a temporary name and makes it real with one rename,
so what a crash leaves is always one of a few known states. Before the store is opened (`before_open`,
with the data folder locked) each is finished or undone; what needs the open store (noting the audit
trail's newest entry after a finished restore, recording a key change finished here) is done by
`after_open`. Every case is logged, and the person is told what happened in plain words (`notices`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from careplanner.config import STORE_INFO_FILENAME, Paths, tighten
from careplanner.services import audit, restore_journal
from careplanner.services.audit_head import AuditHeadNote
from careplanner.store import create, keys
from careplanner.store.engine import open_store
from careplanner.store.rekey import Settled, settle_pending

log = logging.getLogger("careplanner.maintenance")

RESTORE_FINISHED = (
    "A restore from a backup was interrupted at its last step. It has now been finished: the store holds "
    "the restored records, and the restore is in the audit trail."
)
RESTORE_UNDONE = (
    "A restore from a backup was interrupted before it replaced the store, so it was undone: the store is "
    "exactly as it was before. Run the restore again if you still need it."
)
REKEY_FINISHED = (
    "A change of the store's key was interrupted. It has now been finished: the store opens with its new "
    "key (or new passphrase) only."
)
REKEY_UNDONE = (
    "A change of the store's key was interrupted before it began, so it was undone: the store still "
    "opens with its old key (or old passphrase)."
)


@dataclass
class Recovery:
    """What `before_open` found and did; `after_open` completes it once the store is open."""

    notices: list[str] = field(default_factory=list)
    finish_restore: bool = False
    rekey_finished: bool = False


def before_open(paths: Paths, passphrase: bytes | None) -> Recovery:
    """File-level settling, with the folder locked and before the store is opened (see the docstring)."""
    found = Recovery()
    tighten(paths)  # files an earlier release left 0644 (and folders 0755) become this user's only
    first = create.settle_first_run(paths)
    if first is not None:
        found.notices.append(first)
    restored = restore_journal.settle(paths)
    if restored is restore_journal.Found.UNDONE:
        found.notices.append(RESTORE_UNDONE)
    if restored is restore_journal.Found.TO_FINISH:
        found.finish_restore = True
        found.notices.append(RESTORE_FINISHED)
    settled = settle_pending(paths.store_file, paths.store_info_file, passphrase)
    if settled is Settled.FINISHED:
        found.rekey_finished = True
        found.notices.append(REKEY_FINISHED)
    elif settled is Settled.UNDONE:
        found.notices.append(REKEY_UNDONE)
    return found


def after_open(found: Recovery, sessions: sessionmaker[Session], data_dir: Path) -> None:
    """Record what was finished here, note the trail's newest entry, and drop the restore journal."""
    changed = found.finish_restore
    if found.rekey_finished:
        source = keys.read_info(Path(data_dir) / STORE_INFO_FILENAME).key_source
        with sessions.begin() as session:
            audit.record(
                session,
                audit.Action.REKEY,
                user_id=None,
                detail=f"key={source} finished at the next start after an interruption",
            )
        found.rekey_finished = False
        changed = True
    note = AuditHeadNote(sessions, data_dir)
    if changed:
        note.save()
    if found.finish_restore and note.read() == note.current():  # else kept, and tried at the next start
        restore_journal.remove(data_dir)
        found.finish_restore = False
        log.info("Finished a restore that had been interrupted")


def recover(paths: Paths, passphrase: bytes | None) -> list[str]:
    """Both steps, for work done with the store closed (restore, rekey): opens the store only if needed."""
    found = before_open(paths, passphrase)
    if found.finish_restore or found.rekey_finished:
        key = keys.unlock(keys.read_info(paths.store_info_file), passphrase)
        store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
        try:
            after_open(found, store.sessions, paths.data_dir)
        finally:
            store.close()
    for notice in found.notices:
        log.info("Recovered at start: %s", notice)
    return found.notices
