"""What a review carries forward from the last agreed plan, and what it starts blank.

Goals, contingency plans, conditions, medicines, contacts and the rest are meant to carry: the person
and clinician review them together. Measurements of how the person is *today* must not: last time's
mood, anxiety and loneliness answers, wellbeing ratings, frailty score and review notes, and the record
of what was done after a PHQ-9 item 9 answer. Carried into a draft they look like today's and can be
re-agreed unseen ("stale scores re-agreed", hazard log). They start blank; the steps show last time's
values beside the blank fields (`last_time.py`).

The same holds for last time's medicine review: each medicine carries (name, dose, how and why it is
taken) but its decision starts as "Not reviewed", with the reason and "What this means for me" blank,
or the person's copy would print last time's "CHANGED" as a change made today. A medicine stopped last
time does not carry at all: it was stopped, and carrying it would list it again (as current, or in
today's stopped box). Last time's decision is shown beside each medicine, read-only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from careplanner.clinical.enums import MedicineDecision
from careplanner.services.plan_data import HolisticSection, MedicalSection, PlanContent, Section

__all__ = ["carried_forward", "carried_section"]


def carried_section(section: Section) -> Section:
    """`section` as a review draft starts it: the same, except today's measurements are blank."""
    if isinstance(section, MedicalSection):
        medical = replace(section.review, frailty_score=None, frailty_assessed_on=None, notes="")
        medicines = tuple(
            replace(m, decision=MedicineDecision.NOT_REVIEWED, decision_reason="", person_note="")
            for m in section.medicines
            if m.decision is not MedicineDecision.STOP
        )
        return replace(section, review=medical, medicines=medicines)
    if isinstance(section, HolisticSection):
        holistic = replace(section.review, safety_action="", safety_told="", safety_numbers_given="")
        return replace(section, review=holistic, questionnaires=(), wellbeing=())
    return section


def carried_forward(content: PlanContent) -> PlanContent:
    """The content a review draft starts with, from the last agreed version's content."""
    changes: dict[str, Any] = {
        "medical": carried_section(content.medical),
        "holistic": carried_section(content.holistic),
    }
    return replace(content, **changes)
