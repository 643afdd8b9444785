"""The richest synthetic plan: everything the person's copy must get right at once, for the printed-copy
safety test and layout previews.

Several conditions; medicines continued, started, changed and stopped (with clinician-only reasons
that must never print); several allergies; three contingency plans with contacts (one contact has no
number, and must not print); a CPR / ReSPECT decision, ceilings of treatment, a wish to avoid hospital and
an advance decision to refuse treatment. Nothing here is a real person: the NHS number is in the 999 test
range and the phone numbers are Ofcom drama numbers.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from careplanner.clinical.enums import ContactRole, CprDecision, MedicineDecision, Zone
from careplanner.export.sample import sample_content, sample_plan
from careplanner.services import plan_data as d

# Words a clinician writes for colleagues; none of them may reach the person's copy.
CLINICIAN_ONLY = (
    "High ACB with oxybutynin",
    "eGFR 38",
    "Stopped: falls risk, postural drop 25 mmHg",
    "Fluid overload on exam",
    "CKD 3b, reviewed U&E",
    "Discussed ACB score 6 with daughter",
    "13645005",
    "84114007",
    "44054006",
)

# Person-facing words the clinician wrote in "What this means for me"; these must print.
PERSON_NOTES = {
    "Furosemide 40mg tablets": "This helps my body get rid of extra water, so I may need the toilet more "
    "in the morning.",
    "Ramipril 5mg capsules": "I now take 2.5mg instead of 5mg, because I felt dizzy.",
}


def _medicines() -> tuple[d.MedicineData, ...]:
    m = MedicineDecision
    return (
        d.MedicineData(
            "Metformin 500mg tablets",
            "1 tablet twice a day",
            "by mouth with food",
            "to keep my blood sugar steady",
            m.CONTINUE,
        ),
        d.MedicineData(
            "Salbutamol 100micrograms inhaler",
            "2 puffs when needed",
            "inhaled",
            "to ease breathlessness",
            m.CONTINUE,
        ),
        d.MedicineData(
            "Oxybutynin 5mg tablets",
            "1 tablet twice a day",
            "by mouth",
            "for an overactive bladder",
            m.STOP,
            "High ACB with oxybutynin; confusion risk",
        ),
        d.MedicineData(
            "Doxazosin 4mg tablets",
            "1 tablet at night",
            "by mouth",
            "for my blood pressure",
            m.STOP,
            "Stopped: falls risk, postural drop 25 mmHg",
            person_note="It was making me dizzy when I stood up.",
        ),
        d.MedicineData(
            "Ramipril 5mg capsules",
            "2.5mg once a day",
            "by mouth",
            "for my blood pressure",
            m.CHANGE,
            "CKD 3b, reviewed U&E; eGFR 38",
            person_note=PERSON_NOTES["Ramipril 5mg capsules"],
        ),
        d.MedicineData(
            "Furosemide 40mg tablets",
            "1 tablet in the morning",
            "by mouth",
            "to stop fluid building up",
            m.START,
            "Fluid overload on exam",
            person_note=PERSON_NOTES["Furosemide 40mg tablets"],
        ),
        d.MedicineData(
            "Paracetamol 500mg tablets",
            "2 tablets up to four times a day",
            "by mouth",
            "for pain in my knees",
            m.START,
        ),
        d.MedicineData(
            "Bisoprolol 2.5mg tablets",
            "1 tablet once a day",
            "by mouth",
            "to protect my heart",
            m.NOT_REVIEWED,
        ),
    )


def _contacts(*extra: d.ContingencyContactData) -> tuple[d.ContingencyContactData, ...]:
    return (
        d.ContingencyContactData(Zone.AMBER, role="My GP practice", role_key=ContactRole.PRACTICE.value),
        d.ContingencyContactData(Zone.AMBER, role="Out of hours", role_key=ContactRole.OUT_OF_HOURS.value),
        d.ContingencyContactData(Zone.RED, role="Emergency", role_key=ContactRole.EMERGENCY_999.value),
        *extra,
    )


def _contingency(copd: d.ContingencyData) -> tuple[d.ContingencyData, ...]:
    heart = d.ContingencyData(
        "My heart failure",
        "Heart failure",
        warning_signs=("my weight goes up by 2 kg in 3 days", "my ankles swell more"),
        green_what_i_do="I weigh myself every morning and take my water tablet.",
        amber_what_i_do="I ring the heart failure nurse the same day.",
        red_what_i_do="I ring 999 if I am breathless at rest or have chest pain.",
        ceiling_of_treatment="Treatment on a ward; not intensive care.",
        contacts=_contacts(
            d.ContingencyContactData(Zone.AMBER, name="Heart failure nurse", phone="0113 496 0333"),
            # A half-typed contact with no number: it must never print.
            d.ContingencyContactData(Zone.AMBER, name="Community matron Pat Hollis"),
        ),
    )
    falls = d.ContingencyData(
        "If I fall",
        "Falls",
        green_what_i_do="I wear my pendant alarm and keep the hall light on at night.",
        amber_what_i_do="If I fall but can get up, I ring the practice the same day.",
        red_what_i_do="If I cannot get up, or I hit my head, I press my pendant alarm.",
        avoid_hospital_admission=True,
        admission_wishes="I would rather be looked after at home if that is safe.",
        contacts=(
            d.ContingencyContactData(Zone.AMBER, role="My GP practice", role_key=ContactRole.PRACTICE.value),
            d.ContingencyContactData(Zone.RED, name="Careline (pendant alarm)", phone="0113 496 0444"),
        ),
    )
    copd = dataclasses.replace(copd, ceiling_of_treatment="Treatment on a ward; not intensive care.")
    return copd, heart, falls


def rich_content() -> d.PlanContent:
    base = sample_content()
    medical = d.MedicalSection(
        d.MedicalReviewData(
            frailty_score=6,
            frailty_assessed_on=date(2026, 11, 22),
            notes="Discussed ACB score 6 with daughter",
        ),
        (
            *base.medical.conditions,
            d.ConditionData(
                "Heart failure",
                "84114007",
                "Heart failure (my heart does not pump as well)",
                notes="Fluid overload on exam",
            ),
            d.ConditionData("Osteoarthritis of knee", "239873007", "Arthritis in my knees"),
        ),
        _medicines(),
        (
            d.AllergyData("Penicillin", "rash all over", "moderate"),
            d.AllergyData("Codeine", "being sick", "mild"),
            d.AllergyData("Sticking plasters", "sore, blistered skin"),
        ),
        base.medical.results,
    )
    wishes = dataclasses.replace(
        base.future_wishes.wishes,
        cpr_decision=CprDecision.NOT_FOR_CPR,
        cpr_form_location="ReSPECT form in the kitchen drawer",
        adrt_exists=True,
        adrt_summary="I do not want to be put on a breathing machine.",
        adrt_location="In the blue folder by my bed; my daughter has a copy",
    )
    return dataclasses.replace(
        base,
        medical=medical,
        contingency=d.ContingencySection(_contingency(base.contingency.plans[0])),
        future_wishes=d.FutureWishesSection(wishes),
    )


def rich_plan(*, draft: bool = False) -> d.PlanVersion:
    return sample_plan(draft=draft, content=rich_content())
