"""FHIR import honours the coded statuses: entered-in-error and refuted entries are not imported (and the
import says which and why), inactive / resolved / in-remission ones come in as history and go out again
with their real clinicalStatus, and "No known allergy" is recorded as a negation, never as an allergy.

The bundles are synthetic, shaped like NHS England's UK Core examples (UKCore-Condition-HipReplacement,
UKCore-AllergyIntolerance-EnteredInError, UKCore-AllergyIntolerance-Sn-NegHandlNoKnownAllergies).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.plan_data import MedicalSection
from careplanner.services.users import Actor

PATIENT_URL = "urn:uuid:6a0c9d2e-4f7b-4c1a-9e35-0b8f2d6a1c01"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VER = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
SNOMED = "http://snomed.info/sct"


def _patient() -> dict[str, Any]:
    return {
        "fullUrl": PATIENT_URL,
        "resource": {
            "resourceType": "Patient",
            "id": "6a0c9d2e-4f7b-4c1a-9e35-0b8f2d6a1c01",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
            "name": [{"use": "official", "family": "Quennell-Synthetic", "given": ["Zoë"]}],
            "gender": "female",
            "birthDate": "1948-03-14",
        },
    }


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _condition(
    code: str, term: str, clinical: str | None = "active", verification: str | None = "confirmed"
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "category": [_coded("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")],
        "code": {"coding": [{"system": SNOMED, "code": code, "display": term}]},
        "subject": {"reference": PATIENT_URL},
    }
    if clinical:
        res["clinicalStatus"] = _coded(CONDITION_CLINICAL, clinical)
    if verification:
        res["verificationStatus"] = _coded(CONDITION_VER, verification)
    return {"resource": res}


def _allergy(
    substance: dict[str, Any], clinical: str | None = "active", verification: str = "confirmed"
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "verificationStatus": _coded(ALLERGY_VER, verification),
        "code": substance,
        "patient": {"reference": PATIENT_URL},
    }
    if clinical:
        res["clinicalStatus"] = _coded(ALLERGY_CLINICAL, clinical)
    return {"resource": res}


def _bundle(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [_patient(), *entries]}


NKDA = {"coding": [{"system": SNOMED, "code": "409137002", "display": "No known drug allergy (situation)"}]}
NKA = {"coding": [{"system": SNOMED, "code": "716186003", "display": "No known allergy"}]}
PENICILLIN = {"text": "Penicillin"}


def _medical(ctx: AppContext, plan_id: str) -> MedicalSection:
    return ctx.services.plans.get(plan_id).content.medical


def test_entered_in_error_and_refuted_conditions_are_not_imported(ctx: AppContext, actor: Actor) -> None:
    bundle = _bundle(
        _condition("44054006", "Diabetes mellitus type 2", clinical=None, verification="entered-in-error"),
        _condition("195967001", "Asthma", clinical="inactive", verification="refuted"),
        _condition("59621000", "Essential hypertension"),
    )
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    assert [c.term for c in _medical(ctx, result.plan_id).conditions] == ["Essential hypertension"]
    assert [str(p) for p in result.skipped] == [
        "entry[1] (Condition): recorded in error, so not imported",
        "entry[2] (Condition): refuted (ruled out), so not imported",
    ]


@pytest.mark.parametrize("status", ["inactive", "resolved", "remission"])
def test_past_conditions_come_in_as_history(ctx: AppContext, actor: Actor, status: str) -> None:
    bundle = _bundle(
        _condition("195967001", "Asthma", clinical=status), _condition("59621000", "Essential hypertension")
    )
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    conditions = _medical(ctx, result.plan_id).conditions
    assert [(c.term, c.clinical_status, c.is_history) for c in conditions] == [
        ("Asthma", status, True),
        ("Essential hypertension", "active", False),
    ]
    assert result.imported["current conditions"] == 1 and result.imported["past conditions"] == 1


def test_a_condition_that_has_abated_without_a_status_is_not_current(ctx: AppContext, actor: Actor) -> None:
    entry = _condition("195967001", "Asthma", clinical=None)
    entry["resource"]["abatementDateTime"] = "2019-05-01"
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(entry), actor)
    assert [c.is_history for c in _medical(ctx, result.plan_id).conditions] == [True]


def test_allergy_statuses(ctx: AppContext, actor: Actor) -> None:
    bundle = _bundle(
        _allergy({"text": "Amoxicillin"}, clinical=None, verification="entered-in-error"),
        _allergy({"text": "Latex"}, verification="refuted"),
        _allergy({"text": "Elastoplast"}, clinical="resolved"),
        _allergy({"text": "Aspirin"}, clinical="inactive"),
        _allergy(PENICILLIN),
    )
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    allergies = _medical(ctx, result.plan_id).allergies
    assert [(a.substance, a.clinical_status) for a in allergies] == [
        ("Elastoplast", "resolved"),
        ("Aspirin", "inactive"),
        ("Penicillin", "active"),
    ]
    assert [a.substance for a in allergies if not a.is_history] == ["Penicillin"]
    assert [p.where for p in result.skipped] == [
        "entry[1] (AllergyIntolerance)",
        "entry[2] (AllergyIntolerance)",
    ]


@pytest.mark.parametrize(
    "statement", [NKDA, NKA, {"text": "No known drug allergies"}], ids=["nkda", "nka", "text"]
)
def test_no_known_allergy_is_a_negation_not_an_allergy(
    ctx: AppContext, actor: Actor, statement: dict[str, Any]
) -> None:
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(_allergy(statement)), actor)
    medical = _medical(ctx, result.plan_id)
    assert medical.allergies == ()
    assert medical.review.no_known_allergies is True
    assert result.no_known_allergies is True


def test_no_known_allergy_gives_way_to_a_listed_allergy(ctx: AppContext, actor: Actor) -> None:
    """UK Core: a current allergy in the record takes precedence over a 'No known allergies' entry."""
    result = FhirImportService(ctx.store.sessions).import_bundle(
        _bundle(_allergy(NKDA), _allergy(PENICILLIN)), actor
    )
    medical = _medical(ctx, result.plan_id)
    assert [a.substance for a in medical.allergies] == ["Penicillin"]
    assert medical.review.no_known_allergies is False
    assert [p.where for p in result.skipped] == ["entry[1] (AllergyIntolerance)"]
    assert "ignored" in result.skipped[0].what


def test_a_bundle_without_allergy_entries_keeps_the_allergies_held(ctx: AppContext, actor: Actor) -> None:
    importer = FhirImportService(ctx.store.sessions)
    first = importer.import_bundle(_bundle(_allergy(PENICILLIN)), actor)
    importer.import_bundle(_bundle(_condition("59621000", "Essential hypertension")), actor)
    assert [a.substance for a in _medical(ctx, first.plan_id).allergies] == ["Penicillin"]


def _export(ctx: AppContext, person_id: str, actor: Actor) -> dict[str, Any]:
    bundle = ExportService(ctx.store.sessions).fhir_bundle(person_id, actor)
    return json.loads(json.dumps(bundle))


def _statuses(bundle: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    out = []
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == kind:
            name = res["code"].get("text") or res["code"]["coding"][0]["display"]
            out.append((name, res["clinicalStatus"]["coding"][0]["code"]))
    return out


def test_export_keeps_the_clinical_status_through_a_round_trip(
    ctx: AppContext, actor: Actor, tmp_path: Any
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from careplanner.app import open_context
    from careplanner.config import resolve_paths
    from tests.conftest import TEST_PASSPHRASE

    bundle = _bundle(
        _condition("195967001", "Asthma", clinical="resolved"),
        _condition("13645005", "Chronic obstructive pulmonary disease", clinical="remission"),
        _condition("59621000", "Essential hypertension", clinical="recurrence"),
        _allergy({"text": "Elastoplast"}, clinical="resolved"),
        _allergy(PENICILLIN),
    )
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    out = _export(ctx, result.person_id, actor)
    Bundle.model_validate(out)
    conditions = [("Asthma", "resolved"), ("Chronic obstructive pulmonary disease", "remission")]
    conditions.append(("Essential hypertension", "recurrence"))
    assert _statuses(out, "Condition") == conditions
    assert _statuses(out, "AllergyIntolerance") == [("Elastoplast", "resolved"), ("Penicillin", "active")]
    plan = next(e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == "CarePlan")
    condition_ids = {
        e["resource"]["clinicalStatus"]["coding"][0]["code"]: f"urn:uuid:{e['resource']['id']}"
        for e in out["entry"]
        if e["resource"]["resourceType"] == "Condition"
    }
    # The plan addresses current problems only, not history.
    assert [a["reference"] for a in plan["addresses"]] == [condition_ids["recurrence"]]

    other = open_context(resolve_paths(tmp_path / "second"), passphrase=TEST_PASSPHRASE)
    try:
        clinician = other.services.users.ensure_first_clinician()
        again = FhirImportService(other.store.sessions).import_bundle(out, clinician)
        assert _statuses(_export(other, again.person_id, clinician), "Condition") == conditions
    finally:
        other.close()


def test_no_known_allergies_round_trips_as_a_negation(ctx: AppContext, actor: Actor) -> None:
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(_allergy(NKDA)), actor)
    out = _export(ctx, result.person_id, actor)
    allergies = [e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == "AllergyIntolerance"]
    assert [a["code"]["coding"][0]["code"] for a in allergies] == ["716186003"]
    assert FhirImportService(ctx.store.sessions).read(out).no_known_allergies is True
    assert FhirImportService(ctx.store.sessions).read(out).allergies == ()


def test_an_import_never_drops_an_allergy_already_in_the_draft(ctx: AppContext, actor: Actor) -> None:
    """A GP record saying "No known drug allergy" does not erase an allergy the nurse recorded today."""
    importer = FhirImportService(ctx.store.sessions)
    first = importer.import_bundle(_bundle(_allergy(PENICILLIN)), actor)
    second = importer.import_bundle(_bundle(_allergy(NKDA)), actor)
    medical = _medical(ctx, second.plan_id)
    assert second.plan_id == first.plan_id
    assert [a.substance for a in medical.allergies] == ["Penicillin"]
    assert medical.review.no_known_allergies is False and second.no_known_allergies is False
    assert [str(p) for p in second.skipped] == [
        "AllergyIntolerance: a 'no known allergy' statement, ignored: the draft lists allergies"
    ]
