"""FHIR R4 export: every bundle validates against the R4 models, and says what the plan says."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.fhir_export import NHS_NUMBER_SYSTEM, PROFILES, build_bundle
from careplanner.export.fhir_references import dangling_references
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.services import audit
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.export.conftest import store_plan

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Resources of a kind; for CarePlan the plan itself (its "if I get worse" plans are `partOf` it),
    for DocumentReference the person's copy (the other documents say where a paper form is kept)."""
    found = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    if kind == "CarePlan":
        return [r for r in found if "partOf" not in r]
    if kind == "DocumentReference":
        return [r for r in found if "masterIdentifier" in r]
    return found


@pytest.mark.parametrize("draft", [False, True])
def test_bundle_validates_and_carries_the_plan(draft: bool) -> None:
    bundle = build_bundle(
        sample_person(), sample_plan(draft=draft), SAMPLE_PRACTICE, pdf=b"%PDF-1.7 test", now=NOW
    )
    Bundle.model_validate(bundle)
    (patient,) = _of(bundle, "Patient")
    (nhs,) = patient["identifier"]
    assert (nhs["system"], nhs["value"]) == (NHS_NUMBER_SYSTEM, "9990001235")
    # Checked (modulus 11) but never traced against the spine: UK Core code 02 says exactly that.
    (status,) = nhs["extension"]
    assert status["url"].endswith("Extension-UKCore-NHSNumberVerificationStatus")
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "02"
    assert patient["name"][0] == {
        "use": "official",
        "family": "Nguyễn",
        "given": ["Siobhán"],
        "prefix": ["Mrs"],
    }
    (plan,) = _of(bundle, "CarePlan")
    assert plan["status"] == ("draft" if draft else "active")
    assert plan["intent"] == "plan"
    assert plan["category"][0]["coding"][0]["code"] == "734163000"
    assert plan["period"]["end"] == "2027-05-22"
    assert len(plan["goal"]) == 2 and len(plan["addresses"]) == 2
    assert plan["careTeam"][0]["reference"] == "urn:uuid:" + _of(bundle, "CareTeam")[0]["id"]
    assert {a["detail"]["description"] for a in plan["activity"] if "detail" in a} >= {
        "Walk for 10 minutes every day"
    }
    assert ("replaces" in plan) is (not draft)
    assert dangling_references(bundle) == []  # the previous version by identifier, not a urn:uuid
    conditions = _of(bundle, "Condition")
    assert conditions[0]["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "13645005",
        "display": "Chronic obstructive pulmonary disease",
    }
    meds = {m["medicationCodeableConcept"]["text"]: m["status"] for m in _of(bundle, "MedicationStatement")}
    assert meds["Oxybutynin 5mg tablets"] == "stopped" and meds["Metformin 500mg tablets"] == "active"
    (doc,) = _of(bundle, "DocumentReference")
    assert doc["type"]["coding"][0]["code"] == "734163000"
    assert base64.b64decode(doc["content"][0]["attachment"]["data"]) == b"%PDF-1.7 test"
    for entry in bundle["entry"]:
        res = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{res['id']}"
        if res["resourceType"] in PROFILES:
            assert res["meta"]["profile"] == [PROFILES[res["resourceType"]]]
            assert re.fullmatch(
                r"https://fhir\.hl7\.org\.uk/StructureDefinition/UKCore-\w+\|\d+\.\d+\.\d+",
                PROFILES[res["resourceType"]],
            )
        else:
            assert "meta" not in res  # no UK Core profile for Goal: claim none


def test_a_person_with_no_plan_exports_their_record_alone() -> None:
    bundle = build_bundle(sample_person(), None, SAMPLE_PRACTICE, pdf=None, now=NOW)
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_service_export_is_valid_has_the_pdf_and_is_audited(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    stored = store_plan(ctx, actor)
    review = ctx.services.plans.start_draft(stored.person.id, actor)
    second = ctx.services.plans.agree(review.id, actor)
    bundle = exports.fhir_bundle(stored.person.id, actor)
    Bundle.model_validate(bundle)
    (plan,) = _of(bundle, "CarePlan")
    assert plan["identifier"][0]["value"] == f"urn:uuid:{second.id}"
    assert plan["replaces"][0]["identifier"]["value"] == f"urn:uuid:{stored.plan.id}"
    assert "reference" not in plan["replaces"][0]  # the first version is not in the bundle
    assert dangling_references(bundle) == []
    (doc,) = _of(bundle, "DocumentReference")
    assert base64.b64decode(doc["content"][0]["attachment"]["data"]).startswith(b"%PDF")
    entries = ctx.services.audit.entries(action=audit.Action.EXPORTED)
    assert [e.detail for e in entries] == ["format=fhir_r4 status=agreed"]
