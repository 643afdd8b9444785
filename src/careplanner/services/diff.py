"""What changed between two versions of a plan, section by section, in words a clinician can scan."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaire_defs import QUESTIONNAIRES
from careplanner.services.diff_labels import field_label
from careplanner.services.plan_data import SECTION_TITLES, PlanContent, QuestionnaireData


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed | taken_again (a questionnaire repeated at this review)
    where: str  # e.g. "medicines" or "about.what_matters"
    label: str  # a short human label of the item
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _plain(value: Any) -> str:
    """A value as a clinician reads it: a questionnaire by its title, any other coded value in words
    ("looking_after_yourself" → "Looking after yourself"), never an internal name."""
    if isinstance(value, QuestionnaireKind):
        return QUESTIONNAIRES[value].title
    if isinstance(value, StrEnum):
        text = str(value.value).replace("_", " ")
        return text[:1].upper() + text[1:]
    return str(value)


# What each kind of item is called when it has no words of its own yet ("Added: a goal (no text yet)"),
# so a change is never reported as a bare "item".
_NOUNS: dict[str, str] = {
    "StrengthData": "a strength",
    "ConditionData": "a condition",
    "MedicineData": "a medicine",
    "AllergyData": "an allergy",
    "ResultData": "a test result",
    "QuestionnaireData": "a questionnaire",
    "WellbeingData": "a wellbeing score",
    "NeedData": "a need",
    "ActionData": "an action",
    "GoalData": "a goal",
    "ReferralData": "a referral",
    "InformationData": "information given",
    "ContingencyContactData": "a contact for when things get worse",
    "ContingencyData": "a plan for when things get worse",
    "CareTeamData": "a care team member",
    "PersonalContactData": "a personal contact",
    "AdditionalPlanData": "another plan",
}


def _label(item: Any) -> str:
    for name in ("text", "term", "name", "substance", "title", "service", "what", "area", "kind"):
        value = getattr(item, name, None)
        if value:
            return _plain(value)
    noun = _NOUNS.get(type(item).__name__, "an entry")
    return f"{noun} (no text yet)"


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(_show(v) for v in value)
    return _plain(value)


def _compare_fields(old: Any, new: Any, prefix: str, skip: tuple[str, ...] = ("lineage_id",)) -> list[Change]:
    out: list[Change] = []
    for f in dataclasses.fields(old):
        if f.name in skip:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a == b:
            continue
        if isinstance(a, tuple) and (a or b) and dataclasses.is_dataclass((a or b)[0]):
            out.extend(_compare_items(a, b, f"{prefix}{f.name}"))
        else:
            out.append(Change("changed", f"{prefix}{f.name}", field_label(f.name), _show(a), _show(b)))
    return out


def _result(item: QuestionnaireData) -> str:
    """A questionnaire's outcome in a few words: "score 3, negative, 01/03/2027"."""
    parts = [f"score {item.total}" if item.total is not None else "no score"]
    if item.band:
        parts.append(item.band)
    if item.taken_on is not None:
        parts.append(item.taken_on.strftime("%d/%m/%Y"))
    return ", ".join(parts)


def _keyed(items: tuple[Any, ...]) -> dict[str, Any]:
    """Items by lineage (by position for items without one). Questionnaires by kind (the second PHQ-2 in
    one plan "PHQ2#2"): a PHQ-2 taken again at a review is a new item with a new lineage, but for the
    clinician it is the same questionnaire taken again, not one added."""
    out: dict[str, Any] = {}
    for i, it in enumerate(items):
        if isinstance(it, QuestionnaireData):
            key, n = f"{it.kind}", 1
            while key in out:
                n += 1
                key = f"{it.kind}#{n}"
        else:
            key = getattr(it, "lineage_id", "") or f"#{i}"
        out[key] = it
    return out


def _compare_items(old: tuple[Any, ...], new: tuple[Any, ...], where: str) -> list[Change]:
    """Match items by lineage (falling back to position for items without one; questionnaires by kind)."""
    before, after = _keyed(old), _keyed(new)
    out: list[Change] = []
    for key, item in after.items():
        if key not in before:
            out.append(Change("added", where, _label(item), after=_label(item)))
        elif isinstance(item, QuestionnaireData) and before[key].lineage_id != item.lineage_id:
            out.append(Change("taken_again", where, _label(item), _result(before[key]), _result(item)))
        elif before[key] != item:
            inner = _compare_fields(before[key], item, f"{where}.")
            out.append(
                Change(
                    "changed",
                    where,
                    _label(item),
                    "; ".join(f"{c.label}: {c.before}" for c in inner),
                    "; ".join(f"{c.label}: {c.after}" for c in inner),
                )
            )
    for key, item in before.items():
        if key not in after:
            out.append(Change("removed", where, _label(item), before=_label(item)))
    return out


def diff_plans(older: PlanContent, newer: PlanContent) -> list[SectionDiff]:
    result: list[SectionDiff] = []
    for key, title in SECTION_TITLES.items():
        a, b = older.section(key), newer.section(key)
        changes: list[Change] = []
        for f in dataclasses.fields(a):
            pa, pb = getattr(a, f.name), getattr(b, f.name)
            if pa == pb:
                continue
            if isinstance(pa, tuple):
                changes.extend(_compare_items(pa, pb, f.name))
            else:
                changes.extend(_compare_fields(pa, pb, f"{f.name}."))
        result.append(SectionDiff(key, title, tuple(changes)))
    return result
