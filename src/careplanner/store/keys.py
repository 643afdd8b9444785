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
from careplanner.store.strength import check_passphrase

log = logging.getLogger("careplanner.store.keys")

KEYRING_SERVICE = "CarePlanner store key"
KEY_BYTES = 32
# New stores and backups: scrypt N=2**17, r=8, p=1 (OWASP's minimum; 128 MiB, about 0.4 s here). The
# parameters are recorded with each store (and in each backup's salt), so raising them later never locks
# out an older store; `rekey` moves a store to the current ones.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
# What releases before the change used; an info file without recorded parameters means these.
LEGACY_SCRYPT_N = 2**15
# Limits on recorded parameters: anything outside is a damaged (or tampered) file, refused plainly.
_N_RANGE = (2**14, 2**20)
_MAX_R = 32
_MAX_P = 16
SCRYPT_MAXMEM = 1024 * 1024 * 1024 + 1024 * 1024
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
    # Defaults are the legacy parameters: only files written before they were recorded lack them.
    scrypt_n: int = LEGACY_SCRYPT_N
    scrypt_r: int = SCRYPT_R
    scrypt_p: int = SCRYPT_P
    # Informational only and never trusted: this file is not authenticated, so anyone who can write the
    # folder could set it. Whether a store is the demo store comes from inside the encrypted file.
    demo: bool = False
    format: int = 1


def key_check_value(key: bytes) -> str:
    return hmac.new(key, _CHECK_MESSAGE, hashlib.sha256).hexdigest()


def scrypt_parameters_valid(n: object, r: object, p: object) -> bool:
    """Whole numbers in sane ranges (a power of two for N) that fit in the memory scrypt may use."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
        return False
    assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
    return (
        _N_RANGE[0] <= n <= _N_RANGE[1]
        and n & (n - 1) == 0
        and 1 <= r <= _MAX_R
        and 1 <= p <= _MAX_P
        and 128 * r * n <= SCRYPT_MAXMEM
    )


def derive_key(
    passphrase: bytes, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    if not passphrase:
        raise WrongKeyError("The passphrase is empty.")
    if not scrypt_parameters_valid(n, r, p):
        raise NotAStoreError("The recorded key settings are not valid. Nothing was changed.")
    return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=KEY_BYTES)


def _valid(info: StoreInfo) -> bool:
    strings = (info.store_id, info.key_source, info.key_check, info.created_at)
    if not all(isinstance(v, str) for v in strings) or info.key_source not in ("keyring", "passphrase"):
        return False
    if not isinstance(info.format, int) or not isinstance(info.demo, bool):
        return False
    if info.key_source == "keyring":
        return True
    if not isinstance(info.salt, str) or not scrypt_parameters_valid(
        info.scrypt_n, info.scrypt_r, info.scrypt_p
    ):
        return False
    try:
        return len(base64.b64decode(info.salt, validate=True)) >= 16
    except ValueError:
        return False


def read_info(path: Path) -> StoreInfo:
    if path.exists() and not path.is_file():  # a FIFO would be waited on for ever
        raise NotAStoreError("The store's key information file is not an ordinary file. Nothing was changed.")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        info = StoreInfo(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise NotAStoreError("The store's key information file is unreadable. Nothing was changed.") from exc
    if not _valid(info):
        raise NotAStoreError("The store's key information file is damaged. Nothing was changed.")
    return info


def write_info(path: Path, info: StoreInfo) -> None:
    """Write atomically and privately (0600): a half-written info file would lock the practice out."""
    tmp = path.with_name(path.name + ".tmp")
    data = json.dumps(asdict(info), indent=2).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # an older file of that name may have been left with wider rights
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (a no-op where folders cannot be opened)."""
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    """Key information for a new passphrase: strong enough (or refused), current scrypt settings recorded."""
    check_passphrase(passphrase)
    salt = secrets.token_bytes(16)
    key = derive_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    info = StoreInfo(
        store_id=str(uuid.uuid4()),
        key_source="passphrase",
        key_check=key_check_value(key),
        created_at=_now(),
        salt=base64.b64encode(salt).decode("ascii"),
        scrypt_n=SCRYPT_N,
        scrypt_r=SCRYPT_R,
        scrypt_p=SCRYPT_P,
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
