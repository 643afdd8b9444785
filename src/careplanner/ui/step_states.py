"""Which step widget shows which section, and the word the navigator shows for each step."""

from __future__ import annotations

import importlib
from datetime import date

from careplanner.services.plan_data import SECTION_TYPES, PlanVersion, Section
from careplanner.ui.navigator import AGREED, CARRIED, COMPLETE, EMPTY, REVIEWED, STARTED
from careplanner.ui.steps.base import StepWidget

STEP_CLASSES = {
    "about_me": "about_me:AboutMeStep",
    "medical": "medical:MedicalStep",
    "holistic": "holistic:HolisticStep",
    "goals": "goals:GoalsStep",
    "contingency": "contingency:ContingencyStep",
    "future_wishes": "future_wishes:FutureWishesStep",
    "sharing": "sharing:SharingStep",
}


def step_class(key: str) -> type[StepWidget]:
    module, name = STEP_CLASSES[key].split(":")
    cls: type[StepWidget] = getattr(importlib.import_module(f"careplanner.ui.steps.{module}"), name)
    return cls


def state_of(key: str, section: Section, start: Section | None = None, *, agreed: bool = False) -> str:
    """The navigator's word for a step. `start`: the section as the review draft started it (carried
    forward from the last agreed plan), None for a new plan. `agreed`: the plan shown is agreed."""
    if key == "sharing" and agreed:
        return AGREED
    cls = step_class(key)  # what the app filled in itself (the clinician's own name) is not progress
    section, start = cls.for_marks(section), None if start is None else cls.for_marks(start)
    if section == SECTION_TYPES[key]():
        return EMPTY
    if start is not None and section == start:
        return CARRIED
    # "Agree and share" is finished by agreeing, never by filling it in.
    complete = key != "sharing" and cls.is_complete(section)
    if not complete:
        return STARTED
    return REVIEWED if start is not None else COMPLETE


def agreed_day(version: PlanVersion | None) -> date | None:
    """The local day a version was agreed, for "Last time (date)"."""
    moment = version.agreed_at if version is not None else None
    if moment is None:
        return None
    return moment.astimezone().date() if moment.tzinfo else moment.date()
