"""Invisible characters in a person's name never hide them from search or make a second record.

A zero-width space typed or imported inside "Zoe" looks like "Zoe" on screen but, stored as it came, is
not found by "zoe" - so the clinician adds the person again. Names are stored without invisible
characters (format and control characters), composed (NFC), and search ignores any already held.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.clinical.name_search import clean_name, fold, name_tokens
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.services.errors import ValidationError
from careplanner.services.fhir_import import DetailsDecision, FhirImportService
from careplanner.services.users import Actor
from tests.conftest import make_person

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ZWSP, ZWJ, RLO, NUL = "\u200b", "\u200d", "\u202e", "\x00"


def _bundle(first: str, family: str) -> dict[str, Any]:
    bundle = build_bundle(
        sample_person(first_name="Zoe", family_name="Quennell-Synthetic"),
        sample_plan(),
        SAMPLE_PRACTICE,
        pdf=None,
        now=NOW,
    )
    patient: dict[str, Any] = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    official = next(n for n in patient["name"] if n.get("use") == "official")
    official["given"], official["family"] = [first], family
    return bundle


def test_pure_rules_strip_invisible_characters_and_compose() -> None:
    assert clean_name(f" Zo{ZWSP}e{NUL} ") == "Zoe"
    assert clean_name(f"Sm{ZWSP}i{ZWJ}th") == "Smith"
    assert clean_name(f"{RLO}htimS") == "htimS"  # the override is gone, so it reads as typed
    assert clean_name("Mary\tAnn") == "Mary Ann"
    assert clean_name("Zoe\u0308") == "Zoë"  # e + combining diaeresis composed into one letter
    assert fold(f"Zo{ZWSP}e") == "zoe"
    assert name_tokens(f"Sm{ZWSP}i{ZWJ}th") == {"smith"}


def test_a_name_typed_with_zero_width_characters_is_stored_clean_and_found(
    ctx: AppContext, actor: Actor
) -> None:
    people = ctx.services.people
    made = people.create(
        make_person(first_name=f"Zo{ZWSP}e", family_name=f"Sm{ZWSP}i{ZWJ}th{NUL}", preferred_name=f"{RLO}Zo"),
        actor,
    )
    assert (made.details.first_name, made.details.family_name) == ("Zoe", "Smith")
    assert made.details.preferred_name == "Zo"
    for query in ("zoe", "smith", "zoe smith", "Smith Zoe"):
        assert [p.id for p in people.search(query)] == [made.id], query
        assert people.count(query) == 1
    # A later change with a hidden character is cleaned the same way.
    changed = people.update(made.id, make_person(first_name="Zoe", family_name=f"Smi{ZWSP}th-Jones"), actor)
    assert changed.details.family_name == "Smith-Jones"
    assert [p.id for p in people.search("smithjones")] == [made.id]


def test_a_name_of_only_invisible_characters_is_refused(ctx: AppContext, actor: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        ctx.services.people.create(make_person(first_name=ZWSP * 3), actor)
    assert "first_name" in err.value.fields
    assert ctx.services.people.count() == 0


def test_an_imported_name_with_zero_width_characters_matches_the_person_already_held(
    ctx: AppContext, actor: Actor
) -> None:
    held = ctx.services.people.create(
        sample_person(first_name="Zoe", family_name="Quennell-Synthetic").details, actor
    )
    bundle = _bundle(f"Zo{ZWSP}e", f"Quennell{ZWJ}-Synthetic")
    # No decision given: a record that would change the person's details would be refused here.
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor, DetailsDecision())
    assert result.person_id == held.id and not result.created_person
    assert result.details_kept == ()
    assert ctx.services.people.count() == 1
    assert ctx.services.people.get(held.id).details.first_name == "Zoe"
    assert [p.id for p in ctx.services.people.search("zoe")] == [held.id]


def test_a_new_person_imported_with_zero_width_characters_is_found_by_zoe(
    ctx: AppContext, actor: Actor
) -> None:
    bundle = _bundle(f"Zo{ZWSP}e", f"Quennell{ZWSP}-Synthetic")
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    assert result.created_person
    stored = ctx.services.people.get(result.person_id).details
    assert (stored.first_name, stored.family_name) == ("Zoe", "Quennell-Synthetic")
    assert [p.id for p in ctx.services.people.search("zoe")] == [result.person_id]
    assert [p.id for p in ctx.services.people.search("zoe quennell")] == [result.person_id]
