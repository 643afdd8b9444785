"""What changed at a review is said in the clinician's words, never with internal names like "phq2"."""

from __future__ import annotations

import dataclasses

from careplanner.clinical.enums import MedicineDecision, QuestionnaireKind, WellbeingArea
from careplanner.services.diff import diff_plans
from careplanner.services.plan_data import (
    HolisticSection,
    MedicalSection,
    MedicineData,
    PlanContent,
    QuestionnaireData,
    WellbeingData,
)


def test_changes_name_questionnaires_areas_and_decisions_in_words() -> None:
    before = PlanContent(medical=MedicalSection(medicines=(MedicineData("Oxybutynin 5mg tablets"),)))
    medicine = dataclasses.replace(before.medical.medicines[0], decision=MedicineDecision.STOP)
    after = dataclasses.replace(
        before,
        medical=MedicalSection(medicines=(medicine,)),
        holistic=HolisticSection(
            questionnaires=(QuestionnaireData(kind=QuestionnaireKind.PHQ2),),
            wellbeing=(WellbeingData(area=WellbeingArea.LOOKING_AFTER_YOURSELF, score=4),),
        ),
    )
    words = " ".join(
        f"{c.label} {c.before} {c.after}" for section in diff_plans(before, after) for c in section.changes
    )
    assert "PHQ-2 (mood screen)" in words and "Looking after yourself" in words
    assert "Stop" in words
    for internal in ("phq2", "looking_after_yourself", "not_reviewed"):
        assert internal not in words
