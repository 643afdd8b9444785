"""FHIR import never puts one person's record onto another, and never changes a person's details unseen.

A record whose NHS number is held for someone with a different date of birth or family name is refused,
with a message that names nothing held in the store, and the store is left exactly as it was. A record
for the same person that differs in other details lists each one, and changes them only when asked.
"""

from __future__ import annotations

from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.services import audit
from careplanner.services.fhir_import import (
    DetailsDecision,
    DetailsWouldChangeError,
    FhirImportService,
    IdentityMismatchError,
)
from careplanner.services.person_match import folded_name
from careplanner.services.users import Actor
from tests.export.conftest import Stored, store_plan
from tests.export.test_fhir_import import NOW, _snapshot

MISMATCH = (
    "This record's NHS number belongs to a different person in this store ({}). Nothing was imported. "
    "Check the record is for the right person."
)


def _bundle() -> dict[str, Any]:
    """The stored sample person's own record (same NHS number, date of birth and names)."""
    return build_bundle(sample_person(), sample_plan(), SAMPLE_PRACTICE, pdf=None, now=NOW)


def _patient(bundle: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    return patient


def _store_bytes(ctx: AppContext) -> bytes:
    """The store file and its journal, byte for byte."""
    main = ctx.paths.store_file
    files = sorted(p for p in main.parent.iterdir() if p.name.startswith(main.name))
    return b"".join(p.name.encode() + p.read_bytes() for p in files)


@pytest.fixture
def stored(ctx: AppContext, actor: Actor) -> Stored:
    return store_plan(ctx, actor)


def test_the_report_case_someone_else_under_a_held_nhs_number_is_refused(
    ctx: AppContext, actor: Actor, stored: Stored
) -> None:
    """Field report v07: same NHS number, different name, date of birth and sex."""
    bundle = _bundle()
    patient = _patient(bundle)
    patient["name"] = [{"use": "official", "family": "Smythe-Synthetic", "given": ["Rachel"]}]
    patient["birthDate"] = "1948-01-01"
    patient["gender"] = "male"
    before, before_bytes = _snapshot(ctx), _store_bytes(ctx)
    with pytest.raises(IdentityMismatchError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor, DetailsDecision(update=True))
    assert str(caught.value) == MISMATCH.format("date of birth and family name differ")
    for held in ("Siobhán", "Nguyễn", "Nguyen", "1944", "Mrs", "Riverside", "LS6"):
        assert held not in str(caught.value)
    assert _snapshot(ctx) == before
    assert _store_bytes(ctx) == before_bytes
    assert ctx.services.people.get(stored.person.id).details == stored.person.details


@pytest.mark.parametrize(
    ("change", "differ"),
    [
        ({"birthDate": "1944-06-03"}, "date of birth differs"),
        (
            {"name": [{"use": "official", "family": "Ngata-Synthetic", "given": ["Siobhán"]}]},
            "family name differs",
        ),
    ],
    ids=["date of birth", "family name"],
)
def test_either_identifier_alone_differing_is_refused(
    ctx: AppContext, actor: Actor, stored: Stored, change: dict[str, Any], differ: str
) -> None:
    bundle = _bundle()
    _patient(bundle).update(change)
    before = _snapshot(ctx)
    with pytest.raises(IdentityMismatchError, match=differ):
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor, DetailsDecision(keep=True))
    assert _snapshot(ctx) == before


def test_family_name_matches_without_case_or_accents(ctx: AppContext, actor: Actor, stored: Stored) -> None:
    assert folded_name("Nguyễn") == folded_name("NGUYEN") == folded_name(" nguyen ")
    assert folded_name("O'Brien-Smith") == folded_name("OBRIEN SMITH")
    bundle = _bundle()
    _patient(bundle)["name"][0]["family"] = "NGUYEN"
    importer = FhirImportService(ctx.store.sessions)
    before = _snapshot(ctx)
    with pytest.raises(DetailsWouldChangeError) as caught:
        importer.import_bundle(bundle, actor)
    assert caught.value.changes == ("family name (spelling)",)
    assert _snapshot(ctx) == before
    result = importer.import_bundle(bundle, actor, DetailsDecision(keep=True))
    assert result.person_id == stored.person.id and not result.created_person
    assert result.details_kept == ("family name (spelling)",) and result.details_changed == ()
    assert ctx.services.people.get(stored.person.id).details.family_name == "Nguyễn"
    assert ctx.store.counts()["people"] == 1


def test_changed_details_are_listed_and_applied_only_when_asked(
    ctx: AppContext, actor: Actor, stored: Stored
) -> None:
    bundle = _bundle()
    patient = _patient(bundle)
    patient["name"][0]["given"] = ["Sinead"]
    patient["gender"] = "unknown"
    patient["address"] = [{"use": "home", "line": ["3 New Road"], "postalCode": "LS7 1AA"}]
    importer = FhirImportService(ctx.store.sessions)
    before = _snapshot(ctx)
    with pytest.raises(DetailsWouldChangeError) as caught:
        importer.import_bundle(bundle, actor)
    assert caught.value.changes == ("first name", "sex", "address")
    message = str(caught.value)
    assert message.startswith("This record would change the person's details: first name, sex, address.")
    assert "Nothing was imported." in message and "Sinead" not in message and "Siobhán" not in message
    assert _snapshot(ctx) == before

    result = importer.import_bundle(bundle, actor, DetailsDecision(update=True))
    assert result.details_changed == ("first name", "sex", "address") and result.details_kept == ()
    details = ctx.services.people.get(stored.person.id).details
    assert (details.first_name, details.sex.value, details.addresses[0].postcode) == (
        "Sinead",
        "not_known",
        "LS7 1AA",
    )
    assert details.date_of_birth == stored.person.details.date_of_birth
    updates = ctx.services.audit.entries(person_id=stored.person.id, action=audit.Action.PERSON_UPDATED)
    assert updates and updates[0].detail == "source=fhir_import fields=first_name,sex,address"


def test_the_same_record_again_changes_no_details(ctx: AppContext, actor: Actor, stored: Stored) -> None:
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(), actor)
    assert (result.created_person, result.details_changed, result.details_kept) == (False, (), ())
    assert ctx.services.people.get(stored.person.id).details == stored.person.details
