"""'Before you agree' must list a medicine that matches a recorded allergy, and the plan cannot be
agreed until it is checked: the medicine stopped, or a review decision with its reason written."""

from __future__ import annotations

from datetime import date

from careplanner.clinical.enums import MedicineDecision
from careplanner.services import plan_data as d
from careplanner.services.consultation import blocking_items, plan_checklist

TODAY = date(2026, 12, 1)
ALLERGY = d.AllergyData(substance="Amoxicillin 250mg capsules (unconfirmed)", substance_code="323509004")


def _content(medicine: d.MedicineData) -> d.PlanContent:
    return d.PlanContent(medical=d.MedicalSection(medicines=(medicine,), allergies=(ALLERGY,)))


def test_a_medicine_matching_a_recorded_allergy_must_be_checked_before_agreeing() -> None:
    items = plan_checklist(_content(d.MedicineData(name="Amoxicillin 500mg capsules")), TODAY)
    must = [i for i in blocking_items(items) if "matches a recorded allergy" in i.message]
    assert len(must) == 1
    assert must[0].message.startswith(
        '"Amoxicillin 500mg capsules" matches a recorded allergy (Amoxicillin 250mg capsules (unconfirmed);'
    )
    assert (must[0].step, must[0].field, must[0].index) == ("medical", "medicines", 0)


def test_once_checked_it_no_longer_blocks_but_stays_in_view() -> None:
    checked = d.MedicineData(
        name="Amoxicillin 500mg capsules",
        decision=MedicineDecision.CONTINUE,
        decision_reason="Rash in 1990; tolerated since, checked with the person.",
    )
    stopped = d.MedicineData(name="Amoxicillin 500mg capsules", decision=MedicineDecision.STOP)
    for medicine in (checked, stopped):
        items = plan_checklist(_content(medicine), TODAY)
        assert not [i for i in blocking_items(items) if "allergy" in i.message]
        assert [i for i in items if "matches a recorded allergy" in i.message]
    no_reason = d.MedicineData(name="Amoxicillin 500mg capsules", decision=MedicineDecision.CONTINUE)
    assert [i for i in blocking_items(plan_checklist(_content(no_reason), TODAY)) if "allergy" in i.message]


def test_an_unrelated_medicine_is_not_flagged() -> None:
    items = plan_checklist(_content(d.MedicineData(name="Ramipril 5mg capsules")), TODAY)
    assert not [i for i in items if "matches a recorded allergy" in i.message]
