"""Fixtures for the trust tests: a fast (still Argon2id) hasher and a clock the tests can move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from careplanner.app import AppContext
from careplanner.services.auth import AuthService
from careplanner.services.users import Actor

PASSWORD = "a long enough password"


@dataclass
class MovableClock:
    at: datetime = field(default_factory=lambda: datetime(2026, 11, 22, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def auth(ctx: AppContext, clock: MovableClock) -> AuthService:
    # Low cost so tests are quick; the type is still Argon2id (argon2-cffi's default).
    return AuthService(
        ctx.store.sessions, now=clock, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def admin(auth: AuthService) -> Actor:
    return auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
