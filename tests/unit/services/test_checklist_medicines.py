"""Nurse walk-through of issue 10, items 9 and 11: "Before you agree" names the medicines with no review
decision and those the anticholinergic (ACB) total could not recognise, as reminders that do not block;
and a blank left in a list item names the item (the contingency plan), not "item 3"."""

from __future__ import annotations

from datetime import date

from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.clinical.enums import MedicineDecision
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.consultation import ChecklistItem, plan_checklist
from careplanner.services.templates import to_contingency

TODAY = date(2026, 11, 30)
REVIEWED = MedicineDecision.CONTINUE


def _items(*medicines: d.MedicineData) -> list[ChecklistItem]:
    return plan_checklist(d.PlanContent(medical=d.MedicalSection(medicines=medicines)), TODAY)


def test_medicines_with_no_review_decision_are_named_as_a_reminder() -> None:
    items = _items(
        d.MedicineData(name="Furosemide 40mg tablets", decision=REVIEWED),
        d.MedicineData(name="Seroquel 25mg tablets"),
        d.MedicineData(name="Metformin 500mg tablets"),
        d.MedicineData(name="Amitriptyline 10mg tablets", decision=MedicineDecision.STOP),
        d.MedicineData(name="   "),  # added, never named: not a medicine yet
    )
    waiting = [i for i in items if "no review decision" in i.message]
    assert len(waiting) == 1
    item = waiting[0]
    assert (
        item.message == "2 medicines have no review decision: Seroquel 25mg tablets; Metformin 500mg tablets."
    )
    assert (item.step, item.field, item.index, item.blocking) == ("medical", "medicines", 1, False)

    one = [i.message for i in _items(d.MedicineData(name="Ramipril 5mg capsules"))]
    assert "1 medicine has no review decision: Ramipril 5mg capsules." in one
    reviewed = _items(d.MedicineData(name="Ramipril 5mg capsules", decision=REVIEWED))
    assert not [i for i in reviewed if "no review decision" in i.message]


def test_medicines_the_acb_total_cannot_recognise_are_named_to_check_by_hand() -> None:
    items = _items(
        d.MedicineData(name="Furosemide 40mg tablets", decision=REVIEWED),
        d.MedicineData(name="Oxybutinin 5mg tablets", decision=REVIEWED),
        d.MedicineData(name="Zzqx cream", decision=REVIEWED),  # skin: not counted, not "unrecognised"
        d.MedicineData(name="Blorptan 10mg", decision=REVIEWED),
        d.MedicineData(name="Flibbertinib 5mg", decision=MedicineDecision.STOP),  # stopped: not counted
    )
    unknown = [i for i in items if "anticholinergic" in i.message]
    assert len(unknown) == 1
    item = unknown[0]
    assert item.message == (
        "Not recognised for the anticholinergic total — check by hand: "
        "Oxybutinin 5mg tablets (did you mean oxybutynin?); Blorptan 10mg."
    )
    assert (item.step, item.field, item.index, item.blocking) == ("medical", "medicines", 1, False)
    known = _items(d.MedicineData(name="Oxybutynin 5mg tablets", decision=REVIEWED))
    assert not [i for i in known if "anticholinergic" in i.message]


def test_a_blank_in_a_contingency_plan_names_the_plan() -> None:
    practice = PracticeSettings(
        practice_name="Riverside Surgery",
        ods_code="B86999",
        in_hours_phone="0113 496 0000",
        out_of_hours_phone="0113 496 0999",
    )
    template = next(t for t in load_default_templates() if t.key == "heart_failure")
    plan = to_contingency(template, practice, ())
    content = d.PlanContent(contingency=d.ContingencySection(plans=(d.ContingencyData(name="Asthma"), plan)))
    blanks = [i for i in plan_checklist(content, TODAY) if "blank to fill in" in i.message]
    assert blanks and all(i.index == 1 for i in blanks)
    assert blanks[0].message.startswith(f'If things get worse, "{plan.name}" still has a blank to fill in')
    assert "item 2" not in blanks[0].message
