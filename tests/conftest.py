"""Shared fixtures: every test gets its own temporary data folder and a real encrypted store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from careplanner.app import AppContext, open_context
from careplanner.clinical.enums import UserRole
from careplanner.config import Paths, resolve_paths
from careplanner.services.people import PersonInput
from careplanner.services.users import Actor
from tests.store_support import quick_migrations

TEST_PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever reads or writes the real user folders."""
    monkeypatch.setenv("CAREPLANNER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture(autouse=True)
def _quick_key_derivation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """New passphrase stores made in this process record scrypt N=2^14 instead of 2^17.

    Each store records its own cost and is always opened with it, so every code path is the same; only the
    CPU spent per store falls (about 0.4 s to 0.05 s), which keeps the suite inside CI's time. Tests marked
    `real_kdf` (tests/trust/test_passphrase_strength.py, the restore/rekey kill tests) use the real cost,
    and command-line subprocesses always do.
    """
    if request.node.get_closest_marker("real_kdf") is None:
        monkeypatch.setattr("careplanner.store.keys.SCRYPT_N", 2**14)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "store")


@pytest.fixture
def backend() -> str:
    """Which store `ctx` opens: "local" (the workstation's encrypted file) or "server" (PostgreSQL).
    The service suite runs on both (tests/unit/services/conftest.py parametrizes it)."""
    return "local"


@pytest.fixture
def ctx(paths: Paths, backend: str) -> Iterator[AppContext]:
    """A fresh encrypted store opened with a passphrase (fast, and needs no keyring), or a fresh database
    on the test run's private PostgreSQL. The local store's schema is replayed from the first stores this
    process migrated, as the server's is copied from a migrated template (tests/store_support.py)."""
    if backend == "server":
        yield from _server_ctx(paths)
        return
    with quick_migrations():
        context = open_context(paths, passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


def _server_ctx(paths: Paths) -> Iterator[AppContext]:
    from careplanner.app import open_server_context
    from tests.server_support import test_server

    server = test_server()
    database = server.new_database()
    paths.ensure()
    context = open_server_context(server.address(database), None, paths)
    try:
        yield context
    finally:
        context.close()
        server.drop_database(database)


@pytest.fixture
def actor(ctx: AppContext) -> Actor:
    return ctx.services.users.ensure_first_clinician()


@pytest.fixture
def practice_admin(ctx: AppContext) -> Actor:
    """An administrator account: only administrators change the practice's details and numbers."""
    return ctx.services.users.by_username("practice-admin") or ctx.services.users.create(
        username="practice-admin",
        display_name="Synthetic Practice Administrator",
        role=UserRole.ADMIN,
        actor=None,
    )


def make_person(**overrides: object) -> PersonInput:
    values: dict[str, object] = {
        "first_name": "Zoë",
        "family_name": "Quennell-Synthetic",
        "date_of_birth": date(1948, 3, 14),
        "nhs_number": "943 476 5919",
    }
    values.update(overrides)
    return PersonInput(**values)  # type: ignore[arg-type]


def fixed_now() -> datetime:
    return datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


# ---- The hazard log's tests must run ----------------------------------------------------------------------
# A test named in docs/safety/hazard-log.md proves a clinical safety control. If one is skipped at run time
# (a fixture that skips, a missing tool), the run fails: a control without its proof is not a control.

_SKIPPED_SAFETY_TESTS: list[str] = []


def pytest_itemcollected(item: pytest.Item) -> None:
    """The hazard log's check reads what this run collected (tests/safety/in_session.py)."""
    from tests.safety.in_session import remember

    remember(item)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and report.when in ("setup", "call"):
        from tests.safety.hazard_log import named_tests

        if report.nodeid.split("[")[0] in named_tests():
            _SKIPPED_SAFETY_TESTS.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests.server_support import stop_test_server

    stop_test_server()
    if _SKIPPED_SAFETY_TESTS:
        print("\nTests named in the hazard log were skipped:", *_SKIPPED_SAFETY_TESTS, sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
