"""Import safety faults found by the reviewer (issue 13), on a real encrypted store:

- a later record that says a held medicine is stopped (or a held condition refuted / in error) names it
  in the notices and marks it so "Before you agree" blocks until it is checked; nothing is removed;
- medicines that are not taken now (on hold, intended, unknown, a proposal, a period that has ended)
  never come in as current, each listed as not imported with why;
- plan content about another Patient refuses the record;
- a refusal never echoes a made-up key that holds patient data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision
from careplanner.services.consultation import blocking_items, plan_checklist
from careplanner.services.fhir_import import BundleRefusedError, FhirImportService
from careplanner.services.plan_data import PlanContent
from careplanner.services.users import Actor
from tests.fhir.gpconnect import example

ATTACK = Path(__file__).parent / "fixtures" / "attack"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ATTACK / f"{name}.json").read_text("utf-8"))
    return data


def _blocking(content: PlanContent) -> list[str]:
    return [i.message for i in blocking_items(plan_checklist(content, date(2026, 12, 1)))]


def test_a_later_record_saying_stopped_or_refuted_is_named_and_blocks_agreement(
    ctx: AppContext, actor: Actor
) -> None:
    service = FhirImportService(ctx.store.sessions)
    service.import_bundle(_load("c1"), actor)
    preview = service.preview(_load("c2"), actor)
    assert any("Amlodipine 5mg tablets is stopped" in n for n in preview.notices)
    result = service.import_bundle(_load("c2"), actor)
    notices = "\n".join(result.notices)
    assert "The record says Amlodipine 5mg tablets is stopped" in notices
    assert "The record says Oxybutynin 5mg tablets is recorded in error" in notices
    assert "condition Type 2 diabetes mellitus is ruled out (refuted)" in notices
    assert "condition Asthma is recorded in error" in notices
    content = ctx.services.plans.get(result.plan_id).content
    medical = content.medical
    # Nothing removed, no decision taken for the clinician: kept, and marked to check.
    assert [m.name for m in medical.medicines] == ["Amlodipine 5mg tablets", "Oxybutynin 5mg tablets"]
    assert all(m.decision is MedicineDecision.NOT_REVIEWED for m in medical.medicines)
    assert "[GP record says stopped" in medical.medicines[0].decision_reason
    blocking = "\n".join(_blocking(content))
    for name in ("Amlodipine 5mg tablets", "Oxybutynin 5mg tablets", "Type 2 diabetes mellitus", "Asthma"):
        assert f'"{name}" still has a blank to fill in' in blocking
    # Importing the same record again marks each once, and says so again.
    again = service.import_bundle(_load("c2"), actor)
    assert any("Amlodipine" in n for n in again.notices)
    held = ctx.services.plans.get(again.plan_id).content.medical.medicines[0]
    assert held.decision_reason.count("[GP record says") == 1


def test_gp_connect_a_later_response_saying_stopped_is_named_and_marked(
    ctx: AppContext, actor: Actor
) -> None:
    service = FhirImportService(ctx.store.sessions)
    first = service.import_bundle(example("meds_response"), actor)
    assert [m.name for m in ctx.services.plans.get(first.plan_id).content.medical.medicines] == [
        "Aspirin 75mg dispersible tablets"
    ]
    later = example("meds_response")
    for entry in later["entry"]:
        if entry["resource"].get("id", "").startswith("791ceb40"):
            entry["resource"]["status"] = "stopped"
    result = service.import_bundle(later, actor)
    assert any("Aspirin 75mg dispersible tablets is stopped" in n for n in result.notices)
    content = ctx.services.plans.get(result.plan_id).content
    assert [m.name for m in content.medical.medicines] == ["Aspirin 75mg dispersible tablets"]
    assert any('"Aspirin 75mg dispersible tablets" still has a blank' in m for m in _blocking(content))


def test_a_medicine_the_record_also_lists_as_current_is_not_marked(ctx: AppContext, actor: Actor) -> None:
    service = FhirImportService(ctx.store.sessions)
    service.import_bundle(_load("c1"), actor)
    data = _load("c2")
    again = json.loads(json.dumps(data["entry"][1]))
    again["resource"]["status"] = "active"
    again["resource"]["id"] = "bbbbbbbb-0000-4000-8000-000000000099"
    again["fullUrl"] = "urn:uuid:bbbbbbbb-0000-4000-8000-000000000099"
    data["entry"].append(again)  # stopped, then restarted: current
    result = service.import_bundle(data, actor)
    assert not any("Amlodipine" in n for n in result.notices)
    amlodipine = ctx.services.plans.get(result.plan_id).content.medical.medicines[0]
    assert "[GP record says" not in amlodipine.decision_reason


def test_medicines_not_taken_now_never_come_in_as_current(ctx: AppContext, actor: Actor) -> None:
    result = FhirImportService(ctx.store.sessions, today=lambda: date(2026, 12, 1)).import_bundle(
        _load("c5b"), actor
    )
    medical = ctx.services.plans.get(result.plan_id).content.medical
    assert [m.name for m in medical.medicines] == ["Codeine"]
    skipped = {p.where: p.what for p in result.skipped}
    assert skipped["entry[1] (MedicationStatement)"].startswith("status on-hold")
    assert skipped["entry[2] (MedicationStatement)"].startswith("status intended")
    assert skipped["entry[3] (MedicationStatement)"].startswith("status unknown")
    assert skipped["entry[4] (MedicationRequest)"].startswith("intent proposal")
    assert skipped["entry[5] (MedicationRequest)"].startswith("status on-hold")
    assert skipped["entry[6] (MedicationStatement)"] == (
        "its period of use has ended, so not a medicine taken now: not imported"
    )
    assert all(w.endswith("not imported") or "not imported (" in w for w in list(skipped.values())[:6])


def test_plan_content_about_another_patient_refuses_the_record(ctx: AppContext, actor: Actor) -> None:
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(_load("n_plan_other"), actor)
    places = {p.where for p in caught.value.problems}
    assert {
        "entry[18] (CareTeam).subject",
        "entry[19] (ServiceRequest).subject",
        "entry[20] (Consent).patient",
        "entry[21] (CarePlan).subject",
    } <= places
    assert ctx.services.people.search("") == []


def test_a_made_up_key_holding_patient_data_is_never_echoed(ctx: AppContext, actor: Actor) -> None:
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(_load("x_extra_key_patient"), actor)
    message = str(caught.value)
    assert "Shirley" not in message and "9999934730" not in message and "Taylor" not in message
    assert [str(p) for p in caught.value.problems] == [
        "entry[0] (Patient).resource: holds a field that FHIR R4 does not define there (not permitted)"
    ]


def test_gp_connect_an_active_medicine_whose_period_has_ended_is_not_current(
    ctx: AppContext, actor: Actor
) -> None:
    data = example("meds_response")
    aspirin = next(
        i for i, e in enumerate(data["entry"]) if e["resource"].get("id", "").startswith("791ceb40")
    )
    data["entry"][aspirin]["resource"]["effectivePeriod"]["end"] = "2017-02-11"
    result = FhirImportService(ctx.store.sessions).import_bundle(data, actor)
    assert ctx.services.plans.get(result.plan_id).content.medical.medicines == ()
    skipped = {p.where: p.what for p in result.skipped}
    assert skipped[f"entry[{aspirin}] (MedicationStatement)"] == (
        "its period of use has ended, so not a medicine taken now: not imported"
    )
