"""Seeding is deterministic: the same seed gives the same synthetic people in any fresh store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from careplanner.app import AppContext, open_context
from careplanner.clinical.nhs_number import is_valid_nhs_number
from careplanner.config import resolve_paths
from careplanner.services.people import PersonSummary
from careplanner.services.seed import seed_people
from tests.conftest import TEST_PASSPHRASE

TODAY = date(2026, 11, 22)


def _seeded(ctx: AppContext, *, count: int, seed: int) -> list[PersonSummary]:
    actor = ctx.services.users.ensure_first_clinician()
    assert seed_people(ctx.store.sessions, count=count, seed=seed, actor=actor, today=TODAY) == count
    people = ctx.services.people.search(limit=count + 1)
    return sorted(people, key=lambda p: p.nhs_number or "")


def _identity(people: list[PersonSummary]) -> list[tuple[str | None, str, str, date]]:
    return [(p.nhs_number, p.first_name, p.family_name, p.date_of_birth) for p in people]


def test_same_seed_gives_same_people(ctx: AppContext, tmp_path: Path) -> None:
    first = _seeded(ctx, count=25, seed=7)
    other = open_context(resolve_paths(tmp_path / "second-store"), passphrase=TEST_PASSPHRASE)
    try:
        second = _seeded(other, count=25, seed=7)
    finally:
        other.close()
    assert len(first) == 25
    assert _identity(first) == _identity(second)
    assert [(p.review_due, p.has_draft) for p in first] == [(p.review_due, p.has_draft) for p in second]
    assert all(p.nhs_number and is_valid_nhs_number(p.nhs_number) for p in first)
    assert all((p.nhs_number or "").startswith("999") for p in first)  # the synthetic range
    assert len({p.nhs_number for p in first}) == 25


def test_different_seed_gives_different_people(ctx: AppContext, tmp_path: Path) -> None:
    first = _seeded(ctx, count=10, seed=7)
    other = open_context(resolve_paths(tmp_path / "second-store"), passphrase=TEST_PASSPHRASE)
    try:
        second = _seeded(other, count=10, seed=8)
    finally:
        other.close()
    assert {p.nhs_number for p in first} != {p.nhs_number for p in second}
