"""Whole-store operations done with the store closed: restore from a backup and changing the store key.

Both take the data folder's lock first (so the app cannot be running on the store), settle any key
change a crash interrupted, and check everything they can before changing anything. Each ends by opening
the store normally, which records the operation in the audit trail and notes the trail's newest entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from careplanner.config import Paths
from careplanner.services import audit
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import AuthService
from careplanner.services.users import Actor
from careplanner.store import backup as backup_files
from careplanner.store import keys
from careplanner.store import lock as store_lock
from careplanner.store.engine import open_store, verify_key
from careplanner.store.errors import NotAStoreError
from careplanner.store.rekey import rekey, settle_pending

log = logging.getLogger("careplanner.maintenance")

# Signs someone in against the current store's accounts (and checks their role), or raises.
Authorise = Callable[[AuthService], Actor]


@dataclass(frozen=True)
class RestoreResult:
    kept_aside: Path | None
    people: int
    plans: int


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
    with store_lock.acquire(paths.lock_file, paths.store_file):
        settle_pending(paths.store_file, paths.store_info_file, passphrase)
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
            info = new_info
        else:
            key, new_info = keys.new_keyring_info()
            info = new_info
        moved = backup_files.restore_backup(
            Path(backup),
            backup_passphrase,
            store_file=paths.store_file,
            store_key=key,
            backup_dir=paths.backup_dir,
            progress=progress or (lambda _f, _s: None),
        )
        if new_info is not None:
            keys.write_info(paths.store_info_file, new_info)
        (paths.data_dir / "careplanner.audit-head.json").unlink(missing_ok=True)
        _record(paths, key, audit.Action.RESTORE, "from backup", actor)
    return RestoreResult(moved, checked.people, checked.plans)


def change_key(
    paths: Paths,
    *,
    passphrase: bytes | None,
    new_passphrase: bytes | None,
    authorise: Authorise | None = None,
) -> keys.StoreInfo:
    """Re-encrypt the store under a new key: a new passphrase, or a new random key in the OS keyring.

    `authorise` (the command line's administrator sign-in) runs against the store's accounts before the
    key is changed; the audit entry names whoever it accepted."""
    with store_lock.acquire(paths.lock_file, paths.store_file):
        settle_pending(paths.store_file, paths.store_info_file, passphrase)
        info = keys.read_info(paths.store_info_file)
        key = keys.unlock(info, passphrase)
        # Open once normally: checks the file, brings the schema up to date, and closes cleanly (no WAL).
        open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir).close()
        actor = _signed_in(paths, key, authorise)
        new_info = rekey(paths.store_file, paths.store_info_file, key, new_passphrase=new_passphrase)
        new_key = keys.unlock(new_info, new_passphrase)
        _record(paths, new_key, audit.Action.REKEY, f"key={new_info.key_source}", actor)
    log.info("Store key changed")
    return new_info
