"""Codes and communication details come in from a GP record and survive the store (real encrypted store):
allergy and reaction SNOMED CT codes, result codes with UCUM unit codes, a blood pressure with its value,
ethnicity, the interpreter's language and a written format such as large print. Built on NHS England's
published GP Connect examples (fixtures/gpconnect/SOURCE.md); the communication extensions, which those
examples do not carry, are added in the test in the shapes the CareConnect and UK Core profiles define."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from careplanner.app import AppContext
from careplanner.clinical.enums import CommunicationNeed
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.fhir_record_codes import LOINC, SNOMED
from careplanner.services.people import NeedEntry
from careplanner.services.plan_data import MedicalSection
from careplanner.services.users import Actor
from tests.fhir.gpconnect import example

STU3 = "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
UKCORE = "https://fhir.hl7.org.uk/StructureDefinition/"


def _import(ctx: AppContext, actor: Actor, data: dict[str, Any]) -> tuple[Any, MedicalSection]:
    result = FhirImportService(ctx.store.sessions).import_bundle(data, actor)
    return result, ctx.services.plans.get(result.plan_id).content.medical


def _patient(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    return found


def _allergies(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for entry in data["entry"]:
        res = entry["resource"]
        out += [res] if res["resourceType"] == "AllergyIntolerance" else []
        out += [c for c in res.get("contained", []) if c["resourceType"] == "AllergyIntolerance"]
    return out


def test_allergy_and_reaction_codes_come_in_and_survive_the_store(ctx: AppContext, actor: Actor) -> None:
    _result, medical = _import(ctx, actor, example("allergies_response1"))
    coded = {a.substance: (a.substance_code, a.reaction, a.reaction_code) for a in medical.allergies}
    assert coded["Amoxicillin 250mg capsules (unconfirmed)"] == ("323509004", "O/E - itchy rash", "304386008")
    assert coded["Aspirin 75mg dispersible tablet (unconfirmed)"] == ("319773006", "Vomiting", "422400008")
    assert coded["Nut allergy (unconfirmed)"][0] == "256349002"
    assert coded["Nut allergy (unconfirmed)"][2] == "241933001"


def test_a_second_import_without_codes_keeps_them_and_a_mistyped_code_is_never_stored(
    ctx: AppContext, actor: Actor
) -> None:
    _import(ctx, actor, example("allergies_response1"))
    data = example("allergies_response1")
    for allergy in _allergies(data):
        for coding in allergy["code"].get("coding", []):
            if coding["code"] == "323509004":
                coding["code"] = "323509005"  # fails the SNOMED CT check digit
            else:
                coding.pop("code")  # sent as words only
        for reaction in allergy.get("reaction", []):
            for manifestation in reaction["manifestation"]:
                manifestation.pop("coding", None)
                manifestation["text"] = "Rash"
    result, medical = _import(ctx, actor, data)
    assert result.added == {} and result.updated["allergies"] == 4
    codes = {a.substance: (a.substance_code, a.reaction_code) for a in medical.allergies}
    assert codes["Amoxicillin 250mg capsules (unconfirmed)"] == ("323509004", "304386008")  # held codes kept
    assert codes["Aspirin 75mg dispersible tablet (unconfirmed)"] == ("319773006", "422400008")
    assert "323509005" not in {a.substance_code for a in medical.allergies}


def test_results_keep_their_codes_ucum_units_and_a_blood_pressure_its_value(
    ctx: AppContext, actor: Actor
) -> None:
    _result, medical = _import(ctx, actor, example("consultations_response1", own_subjects=True))
    temperature = next(r for r in medical.results if r.name == "Temperature")
    assert (temperature.value, temperature.unit, temperature.unit_code) == ("36.7", "C", "Cel")
    assert temperature.code_system == SNOMED and temperature.code
    bp = next(r for r in medical.results if "blood pressure" in r.name.casefold())
    assert (bp.value, bp.unit, bp.code_system, bp.code) == ("130/72", "mm[Hg]", SNOMED, "163020007")
    # Its parts give "mm[Hg]" as a unit's words only, under no system: not claimed as a UCUM code.
    assert bp.unit_code == ""
    assert all(r.code_system in (SNOMED, LOINC) and r.code for r in medical.results)


def _with_communication(data: dict[str, Any]) -> dict[str, Any]:
    """The GP Connect record with an ethnic category and a Turkish interpreter, as CareConnect sends them."""
    _patient(data)["extension"] = [
        *_patient(data).get("extension", []),
        {
            "url": STU3 + "Extension-CareConnect-EthnicCategory-1",
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-EthnicCategory-1",
                        "code": "A",
                        "display": "British, Mixed British",
                    }
                ]
            },
        },
        {
            "url": STU3 + "Extension-CareConnect-NHSCommunication-1",
            "extension": [
                {
                    "url": "language",
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1",
                                "code": "tr",
                                "display": "Turkish",
                            }
                        ]
                    },
                },
                {"url": "interpreterRequired", "valueBoolean": True},
            ],
        },
    ]
    return data


def test_ethnicity_and_an_interpreter_come_in_from_a_gp_connect_record(ctx: AppContext, actor: Actor) -> None:
    result = FhirImportService(ctx.store.sessions).import_bundle(
        _with_communication(example("meds_response")), actor
    )
    details = ctx.services.people.get(result.person_id).details
    assert details.ethnicity == "British, Mixed British"
    assert details.interpreter_language == "Turkish"
    assert details.communication_needs == (NeedEntry(CommunicationNeed.INTERPRETER, "Turkish"),)


def test_a_uk_core_record_brings_large_print_and_an_interpreter(ctx: AppContext, actor: Actor) -> None:
    bundle = build_bundle(
        sample_person(), None, SAMPLE_PRACTICE, pdf=None, now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    patient = _patient(bundle)
    patient["extension"] = [
        {
            "url": UKCORE + "Extension-UKCore-ContactPreference",
            "extension": [
                {
                    "url": "PreferredWrittenCommunicationFormat",
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-PreferredWrittenCommunicationFormat",
                                "code": "11",
                                "display": "Large print",
                            }
                        ]
                    },
                }
            ],
        },
        {"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": True},
    ]
    patient["communication"] = [
        {"language": {"text": "English"}},
        {"language": {"coding": [{"code": "pl", "display": "Polish"}]}, "preferred": True},
    ]
    result = FhirImportService(ctx.store.sessions).import_bundle(copy.deepcopy(bundle), actor)
    details = ctx.services.people.get(result.person_id).details
    assert details.communication_needs == (
        NeedEntry(CommunicationNeed.LARGE_PRINT),
        NeedEntry(CommunicationNeed.INTERPRETER, "Polish"),
    )
    assert details.interpreter_language == "Polish"
    assert details.ethnicity == ""  # not stated: nothing invented
    # The person's copy is then printed in large print without anyone having to retype the need.
    assert ctx.services.people.get(result.person_id).wants_large_print


def test_a_held_person_gains_what_the_record_adds_and_keeps_what_is_held(
    ctx: AppContext, actor: Actor
) -> None:
    importer = FhirImportService(ctx.store.sessions)
    first = importer.import_bundle(example("meds_response"), actor)
    assert ctx.services.people.get(first.person_id).details.communication_needs == ()
    preview = importer.preview(_with_communication(example("meds_response")), actor)
    assert any(
        "Will add to the person's details: ethnicity, interpreter language" in n for n in preview.notices
    )
    assert (
        ctx.services.people.get(first.person_id).details.communication_needs == ()
    )  # a preview writes nothing
    second = importer.import_bundle(_with_communication(example("meds_response")), actor)
    assert second.person_id == first.person_id and not second.created_person
    details = ctx.services.people.get(first.person_id).details
    assert details.communication_needs == (NeedEntry(CommunicationNeed.INTERPRETER, "Turkish"),)
    assert (details.interpreter_language, details.ethnicity) == ("Turkish", "British, Mixed British")
    assert any("interpreter language" in n and "Nothing held was changed" in n for n in second.notices)
    # What is now held is never overwritten by a later record: a Welsh interpreter stays Welsh.
    data = _with_communication(example("meds_response"))
    for ext in _patient(data)["extension"]:
        if "NHSCommunication" in ext["url"]:
            ext["extension"][0]["valueCodeableConcept"]["coding"][0]["display"] = "Welsh"
        if "EthnicCategory" in ext["url"]:
            ext["valueCodeableConcept"]["coding"][0]["display"] = "Any other White background"
    third = importer.import_bundle(data, actor)
    again = ctx.services.people.get(first.person_id).details
    assert (again.interpreter_language, again.ethnicity) == ("Turkish", "British, Mixed British")
    assert again.communication_needs == details.communication_needs
    assert not any("Added to the person's details" in n for n in third.notices)
