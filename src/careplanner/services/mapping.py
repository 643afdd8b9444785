"""Moves plan sections between the frozen objects of `plan_data` and the ORM rows, by field name.

One table says which plan attribute holds which part of a section; everything else follows from the
dataclass fields and their type hints, so adding a field to a model and its data class is all it takes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal

from careplanner import models as m
from careplanner.models.base import new_id
from careplanner.services import plan_data as d

Kind = Literal["one", "many", "self"]

# section type -> (section field, CarePlan attribute, kind, model class)
SECTION_PARTS: dict[type[Any], tuple[tuple[str, str, Kind, type[Any] | None], ...]] = {
    d.AboutMeSection: (
        ("about", "about_me", "one", m.AboutMe),
        ("strengths", "strengths", "many", m.Strength),
    ),
    d.MedicalSection: (
        ("review", "medical_review", "one", m.MedicalReview),
        ("conditions", "conditions", "many", m.Condition),
        ("medicines", "medicines", "many", m.Medicine),
        ("allergies", "allergies", "many", m.Allergy),
        ("results", "results", "many", m.TestResult),
    ),
    d.HolisticSection: (
        ("review", "holistic", "one", m.HolisticReview),
        ("questionnaires", "questionnaires", "many", m.QuestionnaireResult),
        ("wellbeing", "wellbeing", "many", m.WellbeingRating),
    ),
    d.GoalsSection: (
        ("needs", "needs", "many", m.Need),
        ("goals", "goals", "many", m.Goal),
        ("referrals", "referrals", "many", m.Referral),
        ("information_given", "information_given", "many", m.InformationGiven),
    ),
    d.ContingencySection: (("plans", "contingency_plans", "many", m.ContingencyPlan),),
    d.FutureWishesSection: (("wishes", "future_wishes", "one", m.FutureWishes),),
    d.SharingSection: (
        ("sharing", "", "self", None),
        ("care_team", "care_team", "many", m.CareTeamMember),
        ("personal_contacts", "personal_contacts", "many", m.PersonalContact),
        ("additional_plans", "additional_plans", "many", m.AdditionalSupportPlan),
    ),
}

# Items that hold items of their own: (data class, field) -> model class of the children.
NESTED: dict[tuple[type[Any], str], type[Any]] = {
    (d.GoalData, "actions"): m.GoalAction,
    (d.ContingencyData, "contacts"): m.ContingencyContact,
}


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls, vars(d))
    return hints


def _item_type(cls: type[Any], name: str) -> type[Any] | None:
    """For a field typed tuple[SomeData, ...] return SomeData; None for scalars and tuples of scalars."""
    hint = _hints(cls)[name]
    if typing.get_origin(hint) is tuple:
        inner = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(inner):
            return typing.cast(type[Any], inner)
    return None


def _is_tuple(cls: type[Any], name: str) -> bool:
    hint = _hints(cls)[name]
    return typing.get_origin(hint) is tuple or (
        isinstance(hint, types.GenericAlias) and hint.__origin__ is tuple
    )


def to_data(cls: type[Any], row: Any) -> Any:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        value = getattr(row, f.name)
        child = _item_type(cls, f.name)
        if child is not None:
            values[f.name] = tuple(to_data(child, c) for c in value)
        elif _is_tuple(cls, f.name):
            values[f.name] = tuple(value or ())
        else:
            values[f.name] = value
    return cls(**values)


def _scalar_values(data: Any) -> dict[str, Any]:
    cls = type(data)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if _item_type(cls, f.name) is not None:
            continue
        value = getattr(data, f.name)
        out[f.name] = list(value) if _is_tuple(cls, f.name) else value
    if "lineage_id" in out and not out["lineage_id"]:
        out["lineage_id"] = new_id()
    return out


def to_row(model: type[Any], data: Any, *, plan_id: str, position: int) -> Any:
    values = _scalar_values(data)
    row = model(**values, plan_id=plan_id, position=position)
    for (cls, name), child_model in NESTED.items():
        if isinstance(data, cls):
            children = [
                to_row(child_model, c, plan_id=plan_id, position=i) for i, c in enumerate(getattr(data, name))
            ]
            setattr(row, name, children)
    return row


def read_section(plan: m.CarePlan, section_type: type[Any]) -> Any:
    values: dict[str, Any] = {}
    for field_name, attr, kind, _model in SECTION_PARTS[section_type]:
        part_type = _hints(section_type)[field_name]
        if kind == "self":
            values[field_name] = to_data(part_type, plan)
        elif kind == "one":
            row = getattr(plan, attr)
            values[field_name] = part_type() if row is None else to_data(part_type, row)
        else:
            item = _item_type(section_type, field_name)
            assert item is not None
            values[field_name] = tuple(to_data(item, r) for r in getattr(plan, attr))
    return section_type(**values)


def write_section(plan: m.CarePlan, section: Any) -> None:
    """Replace one section of a draft with `section`. Single rows are updated in place; lists replaced."""
    for field_name, attr, kind, model in SECTION_PARTS[type(section)]:
        part = getattr(section, field_name)
        if kind == "self":
            for key, value in _scalar_values(part).items():
                setattr(plan, key, value)
        elif kind == "one":
            assert model is not None
            row = getattr(plan, attr)
            if row is None:
                setattr(plan, attr, to_row(model, part, plan_id=plan.id, position=0))
            else:
                for key, value in _scalar_values(part).items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)
        else:
            assert model is not None
            setattr(
                plan, attr, [to_row(model, item, plan_id=plan.id, position=i) for i, item in enumerate(part)]
            )


def read_content(plan: m.CarePlan) -> d.PlanContent:
    return d.PlanContent(**{key: read_section(plan, kind) for key, kind in d.SECTION_TYPES.items()})


def copy_content(source: m.CarePlan, target: m.CarePlan) -> None:
    """Carry a whole plan forward into a new draft, keeping each item's lineage."""
    for kind in d.SECTION_TYPES.values():
        write_section(target, read_section(source, kind))
