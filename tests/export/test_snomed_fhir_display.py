"""FHIR Condition codes: the display is the concept's own term from the shipped list, never the name
typed in the plan; a code that fails the SNOMED CT check digit is never exported; a well-formed code
the app cannot check goes without a display. Each bundle still validates as R4."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.services import plan_data as d

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SCT = "http://snomed.info/sct"


def _conditions(*conditions: d.ConditionData) -> list[dict[str, Any]]:
    plan = sample_plan()
    medical = dataclasses.replace(plan.content.medical, conditions=conditions)
    plan = dataclasses.replace(plan, content=dataclasses.replace(plan.content, medical=medical))
    bundle = build_bundle(sample_person(), plan, SAMPLE_PRACTICE, pdf=b"%PDF-1.7 test", now=NOW)
    Bundle.model_validate(bundle)
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]


def test_display_is_the_concepts_own_term_not_the_typed_one() -> None:
    (typed,) = _conditions(
        d.ConditionData(term="Heart attack last year", plain_name="Heart trouble", snomed_code="414545008")
    )
    assert typed["code"]["coding"] == [
        {"system": SCT, "code": "414545008", "display": "Ischemic heart disease"}
    ]
    assert typed["code"]["text"] == "Heart trouble"  # the person's words stay as the text


def test_a_code_failing_the_check_digit_is_not_exported() -> None:
    (mistyped,) = _conditions(d.ConditionData(term="Dementia", snomed_code="52448007"))
    assert "coding" not in mistyped["code"]
    assert mistyped["code"]["text"] == "Dementia"


def test_an_unchecked_code_goes_without_a_display() -> None:
    (unchecked,) = _conditions(d.ConditionData(term="Old heart attack", snomed_code="22298006"))
    assert unchecked["code"]["coding"] == [{"system": SCT, "code": "22298006"}]
