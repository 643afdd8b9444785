"""'Before you agree' blocks on a red zone that does not say to ring 999 and on a blank left to fill in
(such as the heart failure template's "___ kg"), wherever in the plan it is; a condition code that
fails the SNOMED CT checks is named as a reminder."""

from __future__ import annotations

import dataclasses
from datetime import date

from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.consultation import ChecklistItem, plan_checklist
from careplanner.services.templates import to_contingency

TODAY = date(2026, 11, 30)
PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery",
    ods_code="B86999",
    in_hours_phone="0113 496 0000",
    out_of_hours_phone="0113 496 0999",
    crisis_team_phone="0113 496 0123",
)
MEDICINES = (d.MedicineData(name="Furosemide 40mg tablets"), d.MedicineData(name="Ramipril 5mg"))


def _template(key: str) -> d.ContingencyData:
    template = next(t for t in load_default_templates() if t.key == key)
    return to_contingency(template, PRACTICE, MEDICINES)


def _content(*plans: d.ContingencyData, conditions: tuple[d.ConditionData, ...] = ()) -> d.PlanContent:
    return d.PlanContent(
        medical=d.MedicalSection(conditions=conditions, medicines=MEDICINES),
        contingency=d.ContingencySection(plans=plans),
    )


def _blocking(content: d.PlanContent) -> list[ChecklistItem]:
    return [i for i in plan_checklist(content, TODAY) if i.blocking]


def test_red_zone_without_999_blocks_agreement() -> None:
    asthma = _template("asthma")
    edited = dataclasses.replace(asthma, red_what_i_do="I need help now\nI ring the surgery when it opens.")
    items = [i for i in _blocking(_content(edited)) if "ring 999" in i.message]
    assert len(items) == 1
    assert (items[0].step, items[0].field, items[0].index) == ("contingency", "plans", 0)
    assert "Asthma" in items[0].message
    assert not [i for i in _blocking(_content(asthma)) if "ring 999" in i.message]


def test_every_shipped_template_inserted_for_a_person_has_a_red_zone_with_999() -> None:
    plans = tuple(to_contingency(t, PRACTICE, MEDICINES) for t in load_default_templates())
    assert not [i for i in plan_checklist(_content(*plans), TODAY) if "ring 999" in i.message]


def test_unfilled_weight_blank_in_heart_failure_blocks_and_is_named() -> None:
    hf = _template("heart_failure")
    assert "___ kg" in hf.amber_what_i_do
    items = [i for i in _blocking(_content(hf)) if "blank" in i.message]
    assert len(items) == 1
    assert "___ kg" in items[0].message
    assert (items[0].step, items[0].field, items[0].index) == ("contingency", "plans", 0)
    filled = dataclasses.replace(hf, amber_what_i_do=hf.amber_what_i_do.replace("___ kg", "2 kg"))
    assert not [i for i in _blocking(_content(filled)) if "blank" in i.message]


def test_a_blank_anywhere_in_the_plan_blocks() -> None:
    content = dataclasses.replace(
        _content(),
        about_me=d.AboutMeSection(about=d.AboutMeData(what_matters="Seeing [grandchild's name] on Sundays")),
    )
    items = [i for i in _blocking(content) if "blank" in i.message]
    assert [(i.step, i.field) for i in items] == [("about_me", "what_matters")]
    assert "[grandchild's name]" in items[0].message


def test_mental_health_template_without_crisis_number_blocks_until_filled() -> None:
    template = next(t for t in load_default_templates() if t.key == "mental_health_crisis")
    no_team = dataclasses.replace(PRACTICE, crisis_team_phone="")
    plan = to_contingency(template, no_team, MEDICINES)
    messages = [i.message for i in _blocking(_content(plan))]
    assert any("local crisis team number" in m for m in messages)


def test_condition_codes_that_fail_the_checks_are_named_but_do_not_block() -> None:
    conditions = (
        d.ConditionData(term="Dementia", snomed_code="52448006"),
        d.ConditionData(term="Dementia", snomed_code="52448007"),
        d.ConditionData(term="Myocardial infarction", snomed_code="22298006"),
    )
    items = [i for i in plan_checklist(_content(conditions=conditions), TODAY) if i.step == "medical"]
    coded = [i for i in items if i.field == "conditions"]
    assert [(i.index, i.blocking) for i in coded] == [(1, False), (2, False)]
    assert "check digit" in coded[0].message
    assert "not in the app's list" in coded[1].message


def test_a_sick_day_medicine_started_after_the_template_is_named_as_a_reminder() -> None:
    diabetes = _template("diabetes_hypo_sick_day")  # inserted when furosemide and ramipril were listed
    later = (*MEDICINES, d.MedicineData(name="Dapagliflozin 10mg"), d.MedicineData(name="Atorvastatin 20mg"))
    content = dataclasses.replace(_content(diabetes), medical=d.MedicalSection(medicines=later))
    items = [i for i in plan_checklist(content, TODAY) if "paused on sick days" in i.message]
    assert [(i.step, i.index, i.blocking) for i in items] == [("contingency", 0, False)]
    assert "Dapagliflozin 10mg" in items[0].message
    assert not [i for i in plan_checklist(_content(diabetes), TODAY) if "paused on sick days" in i.message]
