"""SCRAM-SHA-256 password verifiers (RFC 5802, RFC 7677), made on the workstation.

The practice server authenticates each person itself, by their own database account. The app never sends
a password to be stored: it sends only the verifier PostgreSQL keeps (`SCRAM-SHA-256$4096:<salt>$<StoredKey>:
<ServerKey>`), from which the password cannot be read back, so it never appears in the server's statement
log either. The password is prepared as PostgreSQL's client library prepares it when signing in (SASLprep,
RFC 4013, with libpq's rules: ASCII as it is; a password SASLprep refuses is used as its raw UTF-8 bytes),
so the verifier made here matches what libpq proves at sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import stringprep
import unicodedata

ITERATIONS = 4096
SALT_BYTES = 16
_B64 = r"[A-Za-z0-9+/]+={0,2}"
VERIFIER_PATTERN = re.compile(rf"^SCRAM-SHA-256\$4096:{_B64}\${_B64}:{_B64}$")

# RFC 4013 section 2.3: what SASLprep prohibits (C.1.2 .. C.9), plus unassigned code points (stored strings).
_PROHIBITED = (
    stringprep.in_table_c12,
    stringprep.in_table_c21,
    stringprep.in_table_c22,
    stringprep.in_table_c3,
    stringprep.in_table_c4,
    stringprep.in_table_c5,
    stringprep.in_table_c6,
    stringprep.in_table_c7,
    stringprep.in_table_c8,
    stringprep.in_table_c9,
    stringprep.in_table_a1,
)


def saslprep(password: str) -> bytes:
    """The bytes libpq hashes for `password` (see the module docstring)."""
    raw = password.encode("utf-8")
    if password.isascii():
        return raw
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch for ch in password if not stringprep.in_table_b1(ch)
    )
    prepared = unicodedata.normalize("NFKC", mapped)
    if not prepared or any(check(ch) for ch in prepared for check in _PROHIBITED):
        return raw
    if any(stringprep.in_table_d1(ch) for ch in prepared) and (
        any(stringprep.in_table_d2(ch) for ch in prepared)
        or not stringprep.in_table_d1(prepared[0])
        or not stringprep.in_table_d1(prepared[-1])
    ):
        return raw
    return prepared.encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The verifier PostgreSQL stores for `password`, with a new random salt unless one is given."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    salted = hashlib.pbkdf2_hmac("sha256", saslprep(password), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def is_verifier(text: str) -> bool:
    """True for a SCRAM-SHA-256 verifier as made here (never for a password typed in plain)."""
    return VERIFIER_PATTERN.match(text) is not None
