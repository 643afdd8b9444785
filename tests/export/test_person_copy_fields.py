"""Every field the clinician collects prints on the person's copy or is kept internal on purpose."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from careplanner.clinical.enums import CarerStatus, GoalStatus
from careplanner.export.copy_fields import INTERNAL, printed
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services import plan_data as d
from tests.export.test_person_copy_safety import pages_of


def _dataclasses(kind: type, seen: set[type]) -> None:
    if kind in seen:
        return
    seen.add(kind)
    for f in dataclasses.fields(kind):
        hint = typing.get_type_hints(kind)[f.name]
        for arg in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(arg) and isinstance(arg, type):
                _dataclasses(arg, seen)


def test_every_plan_field_is_printed_or_internal_on_purpose() -> None:
    seen: set[type] = set()
    _dataclasses(d.PlanContent, seen)
    sections = {t for t in seen if t.__name__.endswith("Section") or t is d.PlanContent}
    missing = []
    for kind in sorted(seen - sections, key=lambda t: t.__name__):
        for f in dataclasses.fields(kind):
            name = kind.__name__
            if f.name not in printed(name) and f.name not in INTERNAL.get(name, {}):
                missing.append(f"{name}.{f.name}")
    assert not missing, f"neither printed nor marked internal: {missing}"


def test_fields_that_used_to_print_nowhere_now_print(tmp_path: Path) -> None:
    content = rich_content()
    copd = dataclasses.replace(content.contingency.plans[0], coping_strategies=("breathe out slowly",))
    goal = dataclasses.replace(
        content.goals.goals[0], status=GoalStatus.ACHIEVED, outcome="went on the course in March"
    )
    about = dataclasses.replace(content.about_me.about, supported_to_write_by="My daughter Aoife helped me")
    contact = dataclasses.replace(content.sharing.personal_contacts[0], is_carer=True, comments="has a key")
    extra = d.AdditionalPlanData("My falls plan", "Pendant alarm on at all times")
    content = dataclasses.replace(
        content,
        about_me=dataclasses.replace(content.about_me, about=about),
        holistic=dataclasses.replace(
            content.holistic,
            review=dataclasses.replace(
                content.holistic.review, carer_status=CarerStatus.HAS_A_CARER, carer_details="Aoife, daily"
            ),
        ),
        goals=dataclasses.replace(content.goals, goals=(goal, *content.goals.goals[1:])),
        contingency=d.ContingencySection((copd, *content.contingency.plans[1:])),
        sharing=dataclasses.replace(content.sharing, personal_contacts=(contact,), additional_plans=(extra,)),
    )
    plan = dataclasses.replace(rich_plan(), content=content)
    person = sample_person()
    person = dataclasses.replace(
        person,
        details=dataclasses.replace(person.details, preferred_name="Shiv", interpreter_language="Irish"),
    )
    text = " ".join(pages_of(render_person_copy(person, plan, SAMPLE_PRACTICE), tmp_path))
    for words in (
        "What helps me cope: breathe out slowly",
        "What I have achieved",
        "I did it: went on the course in March",
        "Who helped me write it: My daughter Aoife helped me",
        "Aoife Nguyễn, Daughter (next of kin; my carer)",
        "has a key",
        "Someone looks after me (I have a carer). Aoife, daily",
        "My falls plan",
        "Pendant alarm on at all times",
        "I like to be called Shiv",
        "I need an interpreter (Irish)",
        "I made this plan with Jane Doyle (practice nurse) on 22 November 2026.",
        "This replaces version 1 — please throw older copies away.",
    ):
        assert words in text, words
