"""How strong a secret must be: store and backup passphrases, and account passwords.

A passphrase guards an encrypted file that a thief can attack offline, so it must be long; an account
password is also slowed down by the lock-out, so it may be shorter. Both are refused when they are one
character (or a short pattern) repeated, a simple run such as `1234567890` or `qwertyuiop`, or on the list of
20,000 common passwords shipped in `resources/security/` (its source is in the README there). The words say
what to do instead and never repeat the secret.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib.resources import files

from careplanner.store.errors import StoreError

MIN_PASSPHRASE_LENGTH = 12
MIN_PASSWORD_LENGTH = 10
MAX_SECRET_LENGTH = 1024
MIN_DIFFERENT_CHARACTERS = 5
ADVICE = "A few unrelated words with spaces between them work well, for example four words."

# Rows a finger can run along, and the alphabet: a secret that only walks one of these is a run.
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "qwertyuiopasdfghjklzxcvbnm",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
)
_LEET = str.maketrans(
    {"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
)
_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)
_TAIL = re.compile(r"^(?P<base>.*?)[\d\W_]*$", re.UNICODE | re.DOTALL)
_HEAD = re.compile(r"^[\d\W_]*(?P<base>.*)$", re.UNICODE | re.DOTALL)


class WeakPassphraseError(StoreError):
    """A new store or backup passphrase that is too easy to guess; nothing was changed."""

    exit_code = 34
    message = f"That passphrase is too easy to guess. {ADVICE} Nothing was changed."


@cache
def common_passwords() -> frozenset[str]:
    data = files("careplanner.resources").joinpath("security/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode("utf-8").splitlines() if line)


def _repeats(text: str) -> bool:
    """One character or one short pattern over and over (`aaaa`, `abab`, `passwordpassword`)."""
    size = len(text)
    return any(
        all(text[i] == text[i - period] for i in range(period, size)) for period in range(1, size // 2 + 1)
    )


def _is_run(text: str) -> bool:
    """Walks one keyboard row or the alphabet, forwards or backwards (`abcdef...`, `0987654321`)."""
    if len(text) < 3:
        return False
    for row in _RUNS:
        for line in (row, row[::-1]):
            if text in line * (len(text) // len(line) + 2):
                return True
    return False


def _common(text: str) -> bool:
    listed = common_passwords()
    squashed = _SEPARATORS.sub("", text.lower())
    candidates = {text.lower(), squashed, squashed.translate(_LEET)}
    for word in list(candidates):
        tail = _TAIL.match(word)
        base = tail.group("base") if tail else word
        head = _HEAD.match(base)
        candidates.add(head.group("base") if head else base)
    return any(c in listed for c in candidates if c)


def problem(secret: str, *, min_length: int, what: str = "passphrase") -> str | None:
    """None when `secret` is strong enough; otherwise one plain sentence (with advice) saying why not."""
    if len(secret) > MAX_SECRET_LENGTH:
        return f"That {what} is too long: use at most {MAX_SECRET_LENGTH} characters."
    if len(secret) < min_length:
        return f"Use a {what} of at least {min_length} characters. {ADVICE}"
    squashed = _SEPARATORS.sub("", secret.lower())
    if len(set(secret.lower())) < MIN_DIFFERENT_CHARACTERS or _repeats(squashed) or _repeats(secret):
        return f"That {what} repeats the same few characters. {ADVICE}"
    if _is_run(squashed):
        return f"That {what} is a simple run of keys (like 123456 or qwerty). {ADVICE}"
    if _common(secret):
        return f"That {what} is one of the most common ones, which are always tried first. {ADVICE}"
    return None


def check_passphrase(passphrase: bytes) -> None:
    """Refuse a new store or backup passphrase that is too weak (existing ones still open their files)."""
    text = passphrase.decode("utf-8", errors="replace")
    found = problem(text, min_length=MIN_PASSPHRASE_LENGTH)
    if found is not None:
        raise WeakPassphraseError(f"{found} Nothing was changed.")
