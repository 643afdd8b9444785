"""What a review carries forward from the last agreed plan, and what it starts blank.

Goals, contingency plans, conditions, medicines, contacts and the rest are meant to carry: the person
and clinician review them together. Measurements of how the person is *today* must not: last time's
mood, anxiety and loneliness answers, wellbeing ratings, frailty score and review notes, and the record
of what was done after a PHQ-9 item 9 answer. Carried into a draft they look like today's and can be
re-agreed unseen ("stale scores re-agreed", hazard log). They start blank; the steps show last time's
values beside the blank fields (`last_time.py`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from careplanner.services.plan_data import HolisticSection, MedicalSection, PlanContent, Section

__all__ = ["carried_forward", "carried_section"]


def carried_section(section: Section) -> Section:
    """`section` as a review draft starts it: the same, except today's measurements are blank."""
    if isinstance(section, MedicalSection):
        medical = replace(section.review, frailty_score=None, frailty_assessed_on=None, notes="")
        return replace(section, review=medical)
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
