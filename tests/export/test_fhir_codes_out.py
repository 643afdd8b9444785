"""The codes the store keeps (migrations 0015 and 0017) go out in the FHIR export and come back in:
a medicine's dm+d code, an allergy's substance and reaction SNOMED CT codes, a result's SNOMED CT or LOINC
code with its UCUM unit, and a blood pressure as systolic and diastolic components under LOINC 85354-9
(8480-6 / 8462-4), never as one "130/72" string. Every export passes both validators (fhir.resources and
the official R4 JSON schema), and an export imported into an empty store keeps the codes.

The SNOMED CT and dm+d ids are those of NHS England's GP Connect examples (tests/fhir/fixtures/gpconnect);
the LOINC codes are FHIR R4's own (resources/clinical/README.md, "FHIR export: the codes kept")."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from careplanner.app import AppContext, open_context
from careplanner.clinical.practice import PracticeSettings
from careplanner.config import resolve_paths
from careplanner.export.fhir_export import build_bundle
from careplanner.export.fhir_values import components_of
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.users import Actor
from tests.conftest import TEST_PASSPHRASE
from tests.support.fhir_schema import schema_errors

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SNOMED, DMD = "http://snomed.info/sct", "https://dmd.nhs.uk"
LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
TAKEN = date(2026, 11, 1)


def _medical() -> d.MedicalSection:
    return d.MedicalSection(
        medicines=(
            d.MedicineData("Amoxicillin 250mg capsules", "one three times a day", dmd_code="323509004"),
            d.MedicineData("Aspirin 75mg dispersible tablets", "one a day", dmd_code="319773005"),  # typo
        ),
        allergies=(
            d.AllergyData(
                "Aspirin 75mg dispersible tablet",
                "Vomiting; Itchy rash",
                "moderate",
                substance_code="319773006",
                reaction_code="422400008",
            ),
        ),
        results=(
            d.ResultData(
                "Temperature", "36.7", "C", TAKEN, code_system=SNOMED, code="703421000", unit_code="Cel"
            ),
            d.ResultData(
                "Body weight", "72.5", "kg", TAKEN, code_system=LOINC, code="29463-7", unit_code="kg"
            ),
            # As a GP Connect record brings it: SNOMED coded, the parts' unit in words only.
            d.ResultData(
                "Blood pressure",
                "130/72",
                "mm[Hg]",
                TAKEN,
                "Sitting, left arm",
                code_system=SNOMED,
                code="163020007",
            ),
            # Typed in here: no code held, the unit's UCUM code known.
            d.ResultData("Blood pressure", "142/88", "mmHg", date(2026, 10, 4), unit_code="mm[Hg]"),
        ),
    )


def _content() -> d.PlanContent:
    return dataclasses.replace(sample_content(), medical=_medical())


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _bundle() -> dict[str, Any]:
    return build_bundle(sample_person(), sample_plan(content=_content()), SAMPLE_PRACTICE, pdf=None, now=NOW)


def test_held_codes_go_out_and_both_validators_pass() -> None:
    bundle = _bundle()
    Bundle.model_validate(bundle)
    assert schema_errors(bundle) == []
    amoxicillin, aspirin = _of(bundle, "MedicationStatement")
    assert amoxicillin["medicationCodeableConcept"] == {
        "text": "Amoxicillin 250mg capsules",
        "coding": [{"system": DMD, "code": "323509004"}],
    }
    assert aspirin["medicationCodeableConcept"] == {
        "text": "Aspirin 75mg dispersible tablets"
    }  # typo left out
    (allergy,) = [a for a in _of(bundle, "AllergyIntolerance") if a["code"].get("text", "").startswith("Asp")]
    assert allergy["code"]["coding"] == [{"system": SNOMED, "code": "319773006"}]
    assert allergy["reaction"][0]["manifestation"] == [
        {"text": "Vomiting", "coding": [{"system": SNOMED, "code": "422400008"}]},
        {"text": "Itchy rash"},
    ]
    temperature, weight, _bp, _typed = _of(bundle, "Observation")
    assert temperature["code"]["coding"] == [{"system": SNOMED, "code": "703421000"}]
    assert temperature["valueQuantity"] == {"value": 36.7, "unit": "C", "system": UCUM, "code": "Cel"}
    assert weight["code"]["coding"] == [{"system": LOINC, "code": "29463-7"}]
    assert weight["valueQuantity"] == {"value": 72.5, "unit": "kg", "system": UCUM, "code": "kg"}


def _parts(observation: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(c["code"]["coding"][0]["code"], c["valueQuantity"]) for c in observation["component"]]


def test_a_blood_pressure_goes_out_as_systolic_and_diastolic_components() -> None:
    _temperature, _weight, coded, typed = _of(_bundle(), "Observation")
    for bp in (coded, typed):
        assert "valueString" not in bp and "valueQuantity" not in bp
        assert {
            "system": LOINC,
            "code": "85354-9",
            "display": "Blood pressure panel with all children optional",
        } in (bp["code"]["coding"])
    assert coded["code"]["coding"][0] == {"system": SNOMED, "code": "163020007"}  # the held code first
    assert _parts(coded) == [
        ("8480-6", {"value": 130, "unit": "mm[Hg]"}),
        ("8462-4", {"value": 72, "unit": "mm[Hg]"}),
    ]
    assert _parts(typed) == [
        ("8480-6", {"value": 142, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}),
        ("8462-4", {"value": 88, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}),
    ]
    assert coded["note"] == [{"text": "Sitting, left arm"}]


def test_a_reading_that_is_not_two_numbers_stays_in_words() -> None:
    odd = d.ResultData("Blood pressure", "unrecordable", "", TAKEN)
    content = dataclasses.replace(_content(), medical=d.MedicalSection(results=(odd,)))
    bundle = build_bundle(sample_person(), sample_plan(content=content), SAMPLE_PRACTICE, pdf=None, now=NOW)
    (observation,) = _of(bundle, "Observation")
    assert observation["valueString"] == "unrecordable" and "component" not in observation
    assert schema_errors(bundle) == []


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(resolve_paths(tmp_path / "empty-store"), passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


CODES = {
    "medicines": ("name", "dmd_code"),
    "allergies": ("substance", "reaction", "substance_code", "reaction_code"),
    "results": ("name", "value", "unit", "plain_note", "code_system", "code", "unit_code"),
}


def _codes(medical: d.MedicalSection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        kind: [tuple(getattr(item, f) for f in fields) for item in getattr(medical, kind)]
        for kind, fields in CODES.items()
    }


def test_an_export_imported_into_an_empty_store_keeps_the_codes(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, empty: AppContext
) -> None:
    person = ctx.services.people.create(sample_person().details, actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, _content().section(key), actor)
    ctx.services.plans.agree(draft.id, actor)
    bundle = exports.fhir_bundle(person.id, actor, with_pdf=False)
    assert schema_errors(bundle) == []
    importer = FhirImportService(
        empty.store.sessions, now=empty.services.clock.now, today=empty.services.clock.today
    )
    result = importer.import_bundle(bundle, empty.services.users.ensure_first_clinician())
    got = _codes(empty.services.plans.get(result.plan_id).content.medical)
    sent = _codes(_medical())
    assert got["medicines"] == [
        ("Amoxicillin 250mg capsules", "323509004"),
        ("Aspirin 75mg dispersible tablets", ""),
    ]
    assert got["allergies"] == sent["allergies"]
    temperature, weight, coded_bp, typed_bp = got["results"]
    assert [temperature, weight, coded_bp] == sent["results"][:3]  # value, unit, note and codes as held
    # Typed in with no code: it comes back as "142/88" in its unit, now coded as the LOINC panel.
    assert typed_bp == ("Blood pressure", "142/88", "mmHg", "", LOINC, "85354-9", "mm[Hg]")


def test_loinc_parts_read_back_systolic_first_with_no_names_added() -> None:
    """What the export sends, read back: one "130/72" in the shared unit, the parts' names not added to
    the note (a round trip would otherwise grow it), and systolic first even when sent second."""

    def part(code: str, value: int) -> dict[str, Any]:
        return {
            "code": {"coding": [{"system": LOINC, "code": code, "display": "a part"}]},
            "valueQuantity": {"value": value, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"},
        }

    assert components_of({"component": [part("8480-6", 130), part("8462-4", 72)]}) == ("130/72", "mm[Hg]", "")
    assert components_of({"component": [part("8462-4", 72), part("8480-6", 130)]}) == ("130/72", "mm[Hg]", "")
