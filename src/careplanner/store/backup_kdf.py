"""The key of a backup file, from its passphrase and the salt in its first 16 bytes.

A backup has no sidecar file, so the scrypt settings it was made with travel in its salt: a backup made by
this release starts with `CPB`, then log2(N), r and p as one byte each, then 10 random bytes (80 bits, plenty
for a salt). Any other first 16 bytes are a backup from before the settings were recorded: its whole salt is
random and it was made with the legacy settings (N=2^15, r=8, p=1). A random legacy salt starts with `CPB`
and three valid setting bytes about once in 10^12 backups.
"""

from __future__ import annotations

import secrets

from careplanner.store import keys

SALT_BYTES = 16
MAGIC = b"CPB"
_RANDOM_BYTES = SALT_BYTES - len(MAGIC) - 3


def new_salt() -> bytes:
    """A fresh salt that records the current scrypt settings."""
    log_n = keys.SCRYPT_N.bit_length() - 1
    return MAGIC + bytes([log_n, keys.SCRYPT_R, keys.SCRYPT_P]) + secrets.token_bytes(_RANDOM_BYTES)


def settings(salt: bytes) -> tuple[int, int, int]:
    """(N, r, p) that a backup with this salt was made with."""
    if len(salt) == SALT_BYTES and salt.startswith(MAGIC):
        log_n, r, p = salt[3], salt[4], salt[5]
        if log_n < 64 and keys.scrypt_parameters_valid(1 << log_n, r, p):
            return 1 << log_n, r, p
    return keys.LEGACY_SCRYPT_N, keys.SCRYPT_R, keys.SCRYPT_P


def backup_key(passphrase: bytes, salt: bytes) -> bytes:
    n, r, p = settings(salt)
    return keys.derive_key(passphrase, salt, n, r, p)
