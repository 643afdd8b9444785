"""What changed between two versions of a plan, section by section, in words a clinician can scan."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaire_defs import QUESTIONNAIRES
from careplanner.services.plan_data import SECTION_TITLES, PlanContent


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed
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


def _label(item: Any) -> str:
    for name in ("text", "term", "name", "substance", "title", "service", "what", "area", "kind"):
        value = getattr(item, name, None)
        if value:
            return _plain(value)
    return "item"


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
            out.append(Change("changed", f"{prefix}{f.name}", f.name.replace("_", " "), _show(a), _show(b)))
    return out


def _compare_items(old: tuple[Any, ...], new: tuple[Any, ...], where: str) -> list[Change]:
    """Match items by lineage (falling back to position for items without one)."""

    def keyed(items: tuple[Any, ...]) -> dict[str, Any]:
        return {getattr(it, "lineage_id", "") or f"#{i}": it for i, it in enumerate(items)}

    before, after = keyed(old), keyed(new)
    out: list[Change] = []
    for key, item in after.items():
        if key not in before:
            out.append(Change("added", where, _label(item), after=_label(item)))
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
