"""Changing the store key (SQLCipher `PRAGMA rekey`) without ever leaving the store unopenable.

The key lives in two places besides the file itself: the keyring (or the passphrase) and the key check in
`careplanner.store.json`. A crash between changing one and the other must not lock the practice out, so
the new state is written first beside the old one and promoted last:

1. the new key goes into the keyring under a "next" entry (keyring stores only);
2. the new key information is written to `careplanner.store.json.next`;
3. `PRAGMA rekey` re-encrypts every page in one transaction;
4. the keyring's main entry takes the new key and the `.next` file's content replaces the key information
   file;
5. once the change is in the audit trail, the `.next` file and the "next" keyring entry are removed.

`settle_pending()` runs before every open: if a `.next` file is left over, whichever key really opens the
file decides whether the rekey is finished (promote) or never happened (drop the leftovers). If neither
can be proved nothing is touched; when the old passphrase is right but no longer opens the file, the
re-encryption itself finished before the crash, and the person is told to use the new passphrase (which
then finishes the change) rather than that the store is damaged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import secrets
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import sqlcipher3

from careplanner.store import keys
from careplanner.store.engine import verify_key
from careplanner.store.errors import KeyringUnavailableError, StoreError, WrongKeyError
from careplanner.store.progress import CancelledError

log = logging.getLogger("careplanner.store.rekey")

NEXT_ENTRY = "#next"
# Fraction done (0..1) and a plain stage name, as for backups.
Progress = Callable[[float, str], None]


class Settled(Enum):
    """What `settle_pending` found: nothing to do, a change it finished, or one it undid."""

    NOTHING = "nothing"
    FINISHED = "finished"
    UNDONE = "undone"


class KeyChangeInterruptedError(WrongKeyError):
    """The old key is right but the file is already under the new one: a rekey stopped near its end."""

    message = (
        "A change of this store's passphrase was interrupted after the store had been re-encrypted, so "
        "it now opens only with the NEW passphrase. Open it with the new passphrase: that finishes the "
        "change and nothing is lost. (If the new passphrase does not open it either, the file is damaged: "
        "restore the latest backup.) Nothing was changed."
    )


def _quiet(_fraction: float, _stage: str) -> None:
    return None


def report_past_no_return(progress: Progress, fraction: float, stage: str) -> None:
    """Report a stage after the point of no return, where a request to stop can no longer be honoured
    (see store/progress.py): the operation finishes, and says so, instead."""
    with contextlib.suppress(CancelledError):
        progress(fraction, stage)


def pending_file(info_file: Path) -> Path:
    return info_file.with_name(info_file.name + ".next")


def _keyring_get(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(keys.KEYRING_SERVICE, name)
    except KeyringError:
        return None


def _keyring_set(name: str, key: bytes) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(keys.KEYRING_SERVICE, name, key.hex())
    except KeyringError as exc:
        raise KeyringUnavailableError() from exc
    if _keyring_get(name) != key.hex():
        raise KeyringUnavailableError("The keyring did not keep the new key, so the key was not changed.")


def _keyring_forget(name: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(keys.KEYRING_SERVICE, name)
    except KeyringError:
        log.debug("No keyring entry to remove")


def _opens(store_file: Path, key: bytes) -> bool:
    try:
        verify_key(store_file, key)
    except StoreError:
        return False
    return True


def _candidate(info: keys.StoreInfo, passphrase: bytes | None, *, next_entry: bool) -> bytes | None:
    """The key this info describes, if we can get it and it matches the info's check value."""
    try:
        if info.key_source == "keyring" and next_entry:
            stored = _keyring_get(info.store_id + NEXT_ENTRY)
            key = bytes.fromhex(stored) if stored else None
            if key is None or keys.key_check_value(key) != info.key_check:
                return keys.unlock(info, passphrase)
            return key
        return keys.unlock(info, passphrase)
    except (StoreError, ValueError):
        return None


def settle_pending(store_file: Path, info_file: Path, passphrase: bytes | None) -> Settled:
    """Finish or undo a rekey that a crash interrupted (see the module docstring)."""
    nxt = pending_file(info_file)
    nxt.with_name(nxt.name + ".tmp").unlink(missing_ok=True)  # a half-written .next never took effect
    if not nxt.exists():
        return Settled.NOTHING
    try:
        new_info = keys.read_info(nxt)
    except StoreError:
        nxt.unlink()
        return Settled.UNDONE
    new_key = _candidate(new_info, passphrase, next_entry=True)
    if new_key is not None and store_file.exists() and _opens(store_file, new_key):
        _promote(new_info, new_key, info_file, old_source=_source_of(info_file))
        log.info("Finished a key change that had been interrupted")
        return Settled.FINISHED
    if info_file.exists():
        old_key = _candidate(keys.read_info(info_file), passphrase, next_entry=False)
        if old_key is not None and store_file.exists():
            if not _opens(store_file, old_key):
                # The old key is right, yet the file is under another: PRAGMA rekey had finished.
                raise KeyChangeInterruptedError()
            nxt.unlink()
            _keyring_forget(new_info.store_id + NEXT_ENTRY)
            log.info("Dropped a key change that had not started")
            return Settled.UNDONE
    return Settled.NOTHING


def _source_of(info_file: Path) -> str | None:
    try:
        return keys.read_info(info_file).key_source
    except StoreError:
        return None


def _promote(
    new_info: keys.StoreInfo,
    new_key: bytes,
    info_file: Path,
    *,
    old_source: str | None,
    keep_pending: bool = False,
) -> None:
    if new_info.key_source == "keyring":
        _keyring_set(new_info.store_id, new_key)
    keys.write_info(info_file, new_info)  # atomic: a temporary file, fsync, rename
    if old_source == "keyring" and new_info.key_source != "keyring":
        _keyring_forget(new_info.store_id)
    if not keep_pending:
        finish(info_file, new_info)


def finish(info_file: Path, new_info: keys.StoreInfo) -> None:
    """The key change is complete and recorded: remove what marked it as under way."""
    pending_file(info_file).unlink(missing_ok=True)
    keys.fsync_folder(info_file.parent)
    if new_info.key_source == "keyring":
        _keyring_forget(new_info.store_id + NEXT_ENTRY)


def rekey(
    store_file: Path,
    info_file: Path,
    old_key: bytes,
    *,
    new_passphrase: bytes | None,
    progress: Progress = _quiet,
) -> keys.StoreInfo:
    """Re-encrypt the (closed, locked) store under a new key.

    With `new_passphrase` the key is derived from it (scrypt at the current settings, fresh salt: a weak
    passphrase is refused first); without, a new random key goes into the OS keyring. Returns the new key
    information.
    """
    progress(0.05, "Preparing the new key")
    old_info = keys.read_info(info_file)
    if new_passphrase is not None:
        new_key, made = keys.new_passphrase_info(new_passphrase, demo=old_info.demo)
        new_info = dataclasses.replace(made, store_id=old_info.store_id, created_at=old_info.created_at)
    else:
        if not keys.keyring_is_secure():
            raise KeyringUnavailableError(
                "No secure keyring is available, so give a new passphrase with --new-passphrase-file FILE."
            )
        new_key = secrets.token_bytes(keys.KEY_BYTES)
        new_info = dataclasses.replace(
            old_info, key_source="keyring", key_check=keys.key_check_value(new_key), salt=None
        )
        _keyring_set(old_info.store_id + NEXT_ENTRY, new_key)
    keys.write_info(pending_file(info_file), new_info)
    try:
        progress(0.2, "Re-encrypting the store")  # the last moment to stop with nothing changed
    except BaseException:
        pending_file(info_file).unlink(missing_ok=True)
        if new_info.key_source == "keyring":
            _keyring_forget(old_info.store_id + NEXT_ENTRY)
        raise
    conn = sqlcipher3.connect(str(store_file), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{old_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlcipher3.Error as exc:
        pending_file(info_file).unlink(missing_ok=True)
        raise StoreError("The key could not be changed; the store still opens with its old key.") from exc
    finally:
        conn.close()
    if not _opens(store_file, new_key):  # pragma: no cover - SQLCipher's rekey is transactional
        raise StoreError("The new key did not open the store; it will be settled on the next start.")
    report_past_no_return(progress, 0.8, "Saving the new key information")
    # The `.next` file stays until the caller has recorded the change (then `finish`): a crash before that
    # is settled, and recorded, at the next start.
    _promote(new_info, new_key, info_file, old_source=old_info.key_source, keep_pending=True)
    log.info("Store key changed")
    return new_info
