"""Limits on an incoming bundle, checked on the plain JSON before the FHIR models read it, each refusal
naming its place (entry[n] is Bundle.entry[n]) and never the value; and readings in parts.

Field report (FHIR evaluation, F9 and F15): a 1 MB name and 10 MB texts were stored (that person's PDF
then took 298 s), 52,000 results went into one draft, the same Condition twice was imported twice, and an
unknown resourceType was refused as "could not be read as FHIR R4 (KeyError)" with no place. F7: a blood
pressure came in with no value.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.services.fhir_import import BundleRefusedError, FhirImportService
from careplanner.services.import_limits import MAX_DEPTH, MAX_ENTRIES, MAX_STRING
from careplanner.services.users import Actor

PATIENT_URL = "urn:uuid:0b6f3d1e-2a4c-4e8f-9b1d-5c7a9e3f2d10"
SNOMED = "http://snomed.info/sct"


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    patient = {
        "resourceType": "Patient",
        "id": "0b6f3d1e-2a4c-4e8f-9b1d-5c7a9e3f2d10",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
        "name": [{"use": "official", "family": "Quennell-Synthetic", "given": ["Zoe"]}],
        "gender": "female",
        "birthDate": "1948-03-14",
    }
    entries = [{"fullUrl": PATIENT_URL, "resource": patient}]
    entries += [{"resource": r} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _condition(rid: str = "c1") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": rid,
        "subject": {"reference": PATIENT_URL},
        "code": {"coding": [{"system": SNOMED, "code": "44054006", "display": "Type 2 diabetes mellitus"}]},
    }


def _observation(**value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": PATIENT_URL},
        "code": {"coding": [{"system": SNOMED, "code": "75367002", "display": "Blood pressure"}]},
        "effectiveDateTime": "2026-10-01",
        **value,
    }


def _refused(ctx: AppContext, actor: Actor, bundle: dict[str, Any]) -> list[str]:
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    assert ctx.services.people.search("") == []  # nothing stored
    return [str(p) for p in caught.value.problems]


def test_an_unknown_resource_type_is_refused_with_its_place(ctx: AppContext, actor: Actor) -> None:
    assert _refused(ctx, actor, _bundle(_condition(), {"resourceType": "Foo", "id": "x"})) == [
        "entry[2]: 'Foo' is not a FHIR R4 resource type"
    ]


def test_a_data_type_posing_as_a_resource_is_refused(ctx: AppContext, actor: Actor) -> None:
    assert _refused(ctx, actor, _bundle({"resourceType": "Address", "city": "Leeds"})) == [
        "entry[1]: 'Address' is not a FHIR R4 resource type"
    ]


def test_the_same_resource_twice_without_a_full_url_is_refused(ctx: AppContext, actor: Actor) -> None:
    problems = _refused(ctx, actor, _bundle(_condition("c1"), _condition("c1")))
    assert "entry[2] (Condition): repeats entry[1] (same type and id)" in problems


def test_too_many_entries_are_refused_before_the_models_read_them(ctx: AppContext, actor: Actor) -> None:
    many = _bundle(*[_observation(valueString="ok") for _ in range(MAX_ENTRIES)])
    started = time.perf_counter()
    problems = _refused(ctx, actor, many)
    assert problems == [
        f"Bundle.entry: holds {MAX_ENTRIES + 1:,} entries; a record holds at most {MAX_ENTRIES:,}"
    ]
    # The R4 models take tens of seconds on a bundle this size; the limit answers at once.
    assert time.perf_counter() - started < 5


def test_a_megabyte_name_is_refused(ctx: AppContext, actor: Actor) -> None:
    bundle = _bundle(_condition())
    bundle["entry"][0]["resource"]["name"][0]["given"] = ["Z" * 1_000_000]
    assert _refused(ctx, actor, bundle) == ["entry[0] (Patient).name: a name longer than 200 characters"]


def test_a_huge_text_anywhere_is_refused_even_in_a_kind_not_read(ctx: AppContext, actor: Actor) -> None:
    flag = {"resourceType": "Flag", "status": "active", "code": {"text": "x" * (MAX_STRING + 1)}}
    flag["subject"] = {"reference": PATIENT_URL}
    assert _refused(ctx, actor, _bundle(flag)) == [
        f"entry[1] (Flag): holds text longer than {MAX_STRING:,} characters"
    ]


def test_deep_nesting_is_refused_in_plain_words(ctx: AppContext, actor: Actor) -> None:
    condition = _condition()
    node: dict[str, Any] = condition
    for _ in range(MAX_DEPTH + 5):
        node["extension"] = [{"url": "http://example.org/x"}]
        node = node["extension"][0]
    assert _refused(ctx, actor, _bundle(condition)) == [
        f"bundle: nests more than {MAX_DEPTH} levels deep, so it is not a record"
    ]


def test_a_blood_pressure_in_components_keeps_its_value(ctx: AppContext, actor: Actor) -> None:
    def part(code: str, name: str, value: int) -> dict[str, Any]:
        return {
            "code": {"coding": [{"system": SNOMED, "code": code, "display": name}]},
            "valueQuantity": {
                "value": value,
                "unit": "mmHg",
                "system": "http://unitsofmeasure.org",
                "code": "mm[Hg]",
            },
        }

    bp = _observation(component=[part("271649006", "Systolic", 142), part("271650006", "Diastolic", 88)])
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(copy.deepcopy(bp)), actor)
    results = ctx.services.plans.get(result.plan_id).content.medical.results
    assert [(r.name, r.value, r.unit, r.plain_note) for r in results] == [
        ("Blood pressure", "142/88", "mmHg", "Systolic / Diastolic")
    ]


def test_a_result_with_no_value_is_left_out_with_the_reason(ctx: AppContext, actor: Actor) -> None:
    result = FhirImportService(ctx.store.sessions).import_bundle(_bundle(_observation()), actor)
    assert ctx.services.plans.get(result.plan_id).content.medical.results == ()
    assert [str(p) for p in result.skipped] == [
        "entry[1] (Observation): no value (a heading, a comment or a coded entry): not a result"
    ]
