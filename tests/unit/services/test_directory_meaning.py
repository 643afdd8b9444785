"""Directory search by meaning words on a real store, and the shipped example numbers marked as such."""

from __future__ import annotations

from careplanner.app import AppContext
from careplanner.clinical.directory import Service
from careplanner.clinical.enums import ServiceCategory
from careplanner.services.directory import EXAMPLE_MARK
from careplanner.services.users import Actor


def test_lonely_finds_the_befriending_service(ctx: AppContext) -> None:
    names = [e.name for e in ctx.services.directory.search_services("lonely")]
    assert "Befriending service (volunteer)" in names
    assert names.index("Befriending service (volunteer)") < 3
    assert ctx.services.directory.search_services("nothing-like-this") == []


def test_typed_words_come_before_meaning_words(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    directory.save_service(Service("Lonely hearts lunch club", ServiceCategory.VOLUNTARY_SECTOR), actor)
    names = [e.name for e in directory.search_services("lonely")]
    assert names[0] == "Lonely hearts lunch club"
    assert "Befriending service (volunteer)" in names[1:]
    money = [e.name for e in directory.search_services("money worries")]
    assert money == []  # every typed word must be met: "worries" is not in the table or the directory
    assert "Citizens Advice — debt and money" in [e.name for e in directory.search_services("bills")]


def test_leaflets_are_found_by_meaning_too(ctx: AppContext) -> None:
    titles = [e.title for e in ctx.services.directory.search_leaflets("sad")]
    assert "Low mood and anxiety: where to get help" in titles


def test_shipped_numbers_are_examples_and_a_referral_from_one_is_marked(
    ctx: AppContext, actor: Actor
) -> None:
    directory = ctx.services.directory
    befriending = next(e for e in directory.services() if e.name.startswith("Befriending"))
    assert befriending.example_number
    referral = directory.referral_from(befriending)
    assert referral.contact == f"01632 960006 ({EXAMPLE_MARK})"
    real = directory.save_service(
        Service("Leeds befriending line", ServiceCategory.VOLUNTARY_SECTOR, phone="0113 000 3144"), actor
    )
    assert not real.example_number
    assert directory.referral_from(real).contact == "0113 000 3144"
