"""Slowing down wrong passwords, and answering alike for names that are accounts and names that are not.

Every sign-in attempt runs exactly one Argon2 verification: against the account's hash (even while the
account must wait), or against `dummy_hash`, which has the same cost, for a name that is not an active
account. A name that is not an account also counts its wrong attempts and waits (`UnknownNames`, kept in
memory), so the "try again in N seconds" answer cannot tell an onlooker which names exist either.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.low_level import ARGON2_VERSION

from careplanner.services.errors import ServiceError

# Free attempts before the account starts to wait; then 30 s, 60 s, 120 s ... capped at 15 minutes.
FREE_ATTEMPTS = 3
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
# Names that are not accounts whose failures are remembered (oldest forgotten first).
UNKNOWN_NAMES_KEPT = 1000


class SignInError(ServiceError):
    """Wrong user name or password, or an account that must wait. Never says which user names exist."""

    exit_code = 6

    def __init__(self, message: str, *, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def delay_after(failures: int) -> timedelta:
    """How long an account waits after `failures` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    step = min(failures - FREE_ATTEMPTS, 10)
    delay: timedelta = FIRST_DELAY * (2**step)
    return delay if delay < MAX_DELAY else MAX_DELAY


def dummy_hash(hasher: PasswordHasher) -> str:
    """A well-formed hash with `hasher`'s type and cost and random bytes: verifying against it costs what
    verifying a real password costs, and no password matches it. Made without hashing, so it costs
    nothing at start-up (the first attempt is no slower than the rest)."""

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii").rstrip("=")

    return (
        f"$argon2{hasher.type.name.lower()}$v={ARGON2_VERSION}"
        f"$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
        f"${b64(secrets.token_bytes(hasher.salt_len))}${b64(secrets.token_bytes(hasher.hash_len))}"
    )


def waiting(wait_seconds: int) -> SignInError:
    """The answer while an account (or a name) must wait, right password or not."""
    return SignInError(
        f"Too many wrong passwords. Try again in {wait_seconds} seconds.", wait_seconds=wait_seconds
    )


def wrong(delay: timedelta) -> SignInError:
    """The answer to a wrong password (or a name that is not an account), with the wait it starts."""
    if delay:
        seconds = int(delay.total_seconds())
        return SignInError(
            "The user name or password is not right. Too many wrong passwords: "
            f"try again in {seconds} seconds.",
            wait_seconds=seconds,
        )
    return SignInError("The user name or password is not right.")


class UnknownNames:
    """Wrong attempts at names that are not accounts, counted and slowed down exactly like an account's
    `failed_attempts` and `locked_until`. In memory: the app is one long-lived process; on the command
    line each run starts afresh, but whoever can run it holds the store key, and so the account list."""

    def __init__(self, kept: int = UNKNOWN_NAMES_KEPT) -> None:
        self._kept = kept
        self._names: dict[str, tuple[int, datetime | None]] = {}

    def failure(self, key: str, now: datetime) -> SignInError:
        failures, until = self._names.pop(key, (0, None))
        if until is not None and until > now:
            self._names[key] = (failures, until)
            return waiting(int((until - now).total_seconds()) + 1)
        failures += 1
        delay = delay_after(failures)
        self._names[key] = (failures, now + delay if delay else None)
        while len(self._names) > self._kept:
            del self._names[next(iter(self._names))]
        return wrong(delay)
