"""The store key: 32 random bytes in the OS keyring, or derived from a passphrase with scrypt.

Beside the database sits a small JSON file (`careplanner.store.json`) that says which of the two a store
uses, the per-store salt for the passphrase path, and a key check value (an HMAC of a fixed message under
the key). The check value lets us tell "wrong key" from "damaged file" without ever writing to the store.
There is deliberately no plaintext fallback: if no secure keyring exists, a passphrase is required.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from careplanner.store.errors import (
    KeyMissingError,
    KeyringUnavailableError,
    NotAStoreError,
    StoreError,
    WrongKeyError,
)

log = logging.getLogger("careplanner.store.keys")

KEYRING_SERVICE = "CarePlanner store key"
KEY_BYTES = 32
# scrypt with N=2**15, r=8 uses 32 MiB and ~100 ms: memory-hard, still quick at start-up.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_CHECK_MESSAGE = b"careplanner key check v1"

KeySourceName = Literal["keyring", "passphrase"]


class PassphraseNeededError(StoreError):
    exit_code = 29
    message = "This store is protected by a passphrase. Give it with --passphrase-file FILE."


@dataclass(frozen=True)
class StoreInfo:
    """What is kept beside the database. Holds no secret and no patient data."""

    store_id: str
    key_source: KeySourceName
    key_check: str
    created_at: str
    salt: str | None = None
    scrypt_n: int = SCRYPT_N
    scrypt_r: int = SCRYPT_R
    scrypt_p: int = SCRYPT_P
    # Informational only and never trusted: this file is not authenticated, so anyone who can write the
    # folder could set it. Whether a store is the demo store comes from inside the encrypted file.
    demo: bool = False
    format: int = 1


def key_check_value(key: bytes) -> str:
    return hmac.new(key, _CHECK_MESSAGE, hashlib.sha256).hexdigest()


def derive_key(
    passphrase: bytes, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    if not passphrase:
        raise WrongKeyError("The passphrase is empty.")
    return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=KEY_BYTES)


def read_info(path: Path) -> StoreInfo:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return StoreInfo(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise NotAStoreError("The store's key information file is unreadable. Nothing was changed.") from exc


def write_info(path: Path, info: StoreInfo) -> None:
    """Write atomically: a half-written info file would lock the practice out of its store."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def keyring_is_secure() -> bool:
    """True only for a real OS credential store; never for the fail, null or plaintext backends."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception:  # pragma: no cover - keyring is a hard dependency
        return False
    backend = keyring.get_keyring()
    backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    if not backends:
        return False
    for candidate in backends:
        module = type(candidate).__module__
        if isinstance(candidate, fail.Keyring) or module.startswith(
            ("keyrings.alt", "keyring.backends.null")
        ):
            return False
        if getattr(candidate, "priority", 0) < 1:
            return False
    return True


def _keyring_get(store_id: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, store_id)
    except KeyringError as exc:
        raise KeyringUnavailableError() from exc


def _keyring_set(store_id: str, key: bytes) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, store_id, key.hex())
    except KeyringError as exc:
        raise KeyringUnavailableError() from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_passphrase_info(passphrase: bytes, *, demo: bool = False) -> tuple[bytes, StoreInfo]:
    salt = secrets.token_bytes(16)
    key = derive_key(passphrase, salt)
    info = StoreInfo(
        store_id=str(uuid.uuid4()),
        key_source="passphrase",
        key_check=key_check_value(key),
        created_at=_now(),
        salt=base64.b64encode(salt).decode("ascii"),
        demo=demo,
    )
    return key, info


def new_keyring_info() -> tuple[bytes, StoreInfo]:
    if not keyring_is_secure():
        raise KeyringUnavailableError()
    key = secrets.token_bytes(KEY_BYTES)
    info = StoreInfo(
        store_id=str(uuid.uuid4()), key_source="keyring", key_check=key_check_value(key), created_at=_now()
    )
    _keyring_set(info.store_id, key)
    if _keyring_get(info.store_id) != key.hex():
        raise KeyringUnavailableError("The keyring did not keep the store key, so no store was created.")
    return key, info


def unlock(info: StoreInfo, passphrase: bytes | None) -> bytes:
    """Return the key for an existing store, or raise the error the person can act on."""
    if info.key_source == "passphrase":
        if passphrase is None:
            raise PassphraseNeededError()
        if info.salt is None:
            raise NotAStoreError("The store's key information file is incomplete. Nothing was changed.")
        key = derive_key(passphrase, base64.b64decode(info.salt), info.scrypt_n, info.scrypt_r, info.scrypt_p)
    else:
        if not keyring_is_secure():
            raise KeyringUnavailableError(
                "This store's key is kept in the OS keyring, and no secure keyring is available now."
            )
        stored = _keyring_get(info.store_id)
        if stored is None:
            raise KeyMissingError()
        try:
            key = bytes.fromhex(stored)
        except ValueError as exc:
            raise WrongKeyError("The keyring holds an unreadable key for this store.") from exc
    if not hmac.compare_digest(key_check_value(key), info.key_check):
        raise WrongKeyError()
    return key


def store_key_in_keyring(info: StoreInfo, key: bytes) -> None:
    """Used by rekey and restore to put a (new) key where `unlock` will find it."""
    _keyring_set(info.store_id, key)


def forget_keyring_key(store_id: str) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, store_id)
    except PasswordDeleteError:
        log.info("No keyring entry to delete for this store")
