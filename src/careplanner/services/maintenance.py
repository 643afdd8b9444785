"""Whole-store operations done with the store closed: restore from a backup and changing the store key.

Both take the data folder's lock first (so the app cannot be running on the store), settle whatever a
crash interrupted before (recovery.py), and check everything they can before changing anything.

A restore is staged: the backup is copied beside the store, its own audit trail records the restore, a
journal names the staged copy, and one rename puts it in place; then the trail's newest entry is noted and
the journal removed. A crash before the rename leaves the store untouched (the next start undoes the
rest); after it, the store is the restored one and already records its restore (the next start notes its
trail). A key change records itself once the new key is in place (rekey.py settles an interrupted one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from careplanner.config import Paths
from careplanner.services import audit, recovery, restore_journal
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import AuthService
from careplanner.services.users import Actor
from careplanner.store import backup as backup_files
from careplanner.store import backup_reader, keys, restore_steps, strength
from careplanner.store import lock as store_lock
from careplanner.store.engine import open_store, verify_key
from careplanner.store.errors import NotAStoreError
from careplanner.store.rekey import Progress, rekey, report_past_no_return
from careplanner.store.rekey import finish as finish_rekey

log = logging.getLogger("careplanner.maintenance")

# Signs someone in against the current store's accounts (and checks their role), or raises.
Authorise = Callable[[AuthService], Actor]


@dataclass(frozen=True)
class RestoreResult:
    kept_aside: Path | None
    people: int
    plans: int
    # What the start of this restore found and settled from an earlier crash, in plain words.
    notices: tuple[str, ...] = ()


def _quiet(_fraction: float, _stage: str) -> None:
    return None


def _record_in_stage(staged: Path, paths: Paths, key: bytes, actor: Actor | None) -> None:
    """The restore's audit entry goes into the staged copy, so it arrives with it in one rename."""
    store = open_store(staged, key, create=False, backup_dir=paths.backup_dir)
    try:
        with store.sessions.begin() as session:
            audit.record(
                session, audit.Action.RESTORE, user_id=actor.id if actor else None, detail="from backup"
            )
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    for extra in ("-wal", "-shm"):
        staged.with_name(staged.name + extra).unlink(missing_ok=True)  # folded in and empty


def _note_restored_trail(paths: Paths, key: bytes) -> None:
    """Note the restored trail's newest entry, then drop the journal (else the next start does both)."""
    found = recovery.Recovery(finish_restore=True)
    try:
        store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
        try:
            recovery.after_open(found, store.sessions, paths.data_dir)
        finally:
            store.close()
    except Exception:
        log.warning("The restore is done; its audit note will be written at the next start", exc_info=True)


def _record(paths: Paths, key: bytes, action: str, detail: str, actor: Actor | None) -> None:
    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        with store.sessions.begin() as session:
            audit.record(session, action, user_id=actor.id if actor else None, detail=detail)
        AuditHeadNote(store.sessions, paths.data_dir).save()
    finally:
        store.close()


def _signed_in(paths: Paths, key: bytes, authorise: Authorise | None) -> Actor | None:
    """Open the current store just long enough for `authorise` to sign someone in against its accounts."""
    if authorise is None:
        return None
    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        return authorise(AuthService(store.sessions))
    finally:
        store.close()


def restore(
    paths: Paths,
    backup: Path,
    backup_passphrase: bytes,
    *,
    passphrase: bytes | None,
    progress: backup_files.Progress | None = None,
    authorise: Authorise | None = None,
) -> RestoreResult:
    """Replace the store with a checked backup; the current store is kept in the backups folder.

    With an existing store, its key must unlock it (so a stranger cannot swap the practice's records),
    and `authorise` (the command line's administrator sign-in) must accept someone against its accounts
    before anything changes; the audit entry names them. The restored data takes that same key. On a new
    computer (no store yet) a new key is made as on first run.
    """
    paths.ensure()
    # The folder's lock keeps the app out; the backup lock waits for no backup reader (backup_reader.py).
    with store_lock.acquire(paths.lock_file, paths.store_file), backup_reader.replacing(paths.data_dir):
        notices = recovery.recover(paths, passphrase)
        checked = backup_files.check_backup(Path(backup), backup_passphrase)
        new_info: keys.StoreInfo | None = None
        actor: Actor | None = None
        if paths.store_info_file.exists():
            info = keys.read_info(paths.store_info_file)
            key = keys.unlock(info, passphrase)
            if paths.store_file.exists():
                verify_key(paths.store_file, key)
                actor = _signed_in(paths, key, authorise)
        elif paths.store_file.exists():
            raise NotAStoreError(
                "The store's key information file (careplanner.store.json) is missing. Nothing was changed."
            )
        elif passphrase is not None:
            key, new_info = keys.new_passphrase_info(passphrase)
        else:
            key, new_info = keys.new_keyring_info()
        report = progress or _quiet
        staged = restore_steps.stage(
            Path(backup), backup_passphrase, store_file=paths.store_file, store_key=key, progress=report
        )
        try:
            report(0.6, "Recording the restore in the audit trail")
            _record_in_stage(staged, paths, key, actor)
            restore_journal.write(paths.data_dir, staged, new_store=new_info is not None)
            if new_info is not None:
                keys.write_info(paths.store_info_file, new_info)  # never a store without its key file
            moved = restore_steps.put_in_place(
                staged,
                store_file=paths.store_file,
                store_key=key,
                backup_dir=paths.backup_dir,
                progress=report,
            )
        except BaseException:
            # Not in place yet: the store is as it was. Undo the rest now (after a kill, the next start does).
            if staged.exists():
                restore_journal.settle(paths)
                restore_steps.discard_staged(paths.store_file)
            raise
        report_past_no_return(report, 0.95, "Noting the audit trail's newest entry")
        _note_restored_trail(paths, key)
        report_past_no_return(report, 1.0, "Restore complete")
    log.info("Store restored from a backup; the previous store was kept aside")
    return RestoreResult(moved, checked.people, checked.plans, tuple(notices))


def change_key(
    paths: Paths,
    *,
    passphrase: bytes | None,
    new_passphrase: bytes | None,
    authorise: Authorise | None = None,
    progress: Progress | None = None,
) -> keys.StoreInfo:
    """Re-encrypt the store under a new key: a new passphrase, or a new random key in the OS keyring.

    `authorise` (the command line's administrator sign-in) runs against the store's accounts before the
    key is changed; the audit entry names whoever it accepted. A new passphrase must be strong enough
    (store/strength.py), and the new key uses the current scrypt settings."""
    if new_passphrase is not None:
        strength.check_passphrase(new_passphrase)  # before anything is opened or asked for
    report = progress or _quiet
    # The folder's lock keeps the app out; the backup lock waits for no backup reader (backup_reader.py).
    with store_lock.acquire(paths.lock_file, paths.store_file), backup_reader.replacing(paths.data_dir):
        recovery.recover(paths, passphrase)
        info = keys.read_info(paths.store_info_file)
        key = keys.unlock(info, passphrase)
        # Open once normally: checks the file, brings the schema up to date, and closes cleanly (no WAL).
        open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir).close()
        actor = _signed_in(paths, key, authorise)
        new_info = rekey(
            paths.store_file, paths.store_info_file, key, new_passphrase=new_passphrase, progress=report
        )
        new_key = keys.unlock(new_info, new_passphrase)
        report_past_no_return(report, 0.9, "Recording the change in the audit trail")
        _record(paths, new_key, audit.Action.REKEY, f"key={new_info.key_source}", actor)
        finish_rekey(paths.store_info_file, new_info)
        report_past_no_return(report, 1.0, "Key change complete")
    log.info("Store key changed")
    return new_info
