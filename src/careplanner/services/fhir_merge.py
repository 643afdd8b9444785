"""Put an imported record into a draft plan without losing anything the draft already holds.

An import only adds or updates: an incoming item that matches one in the draft (same SNOMED CT code, or
else the same name, ignoring case) updates it and keeps its lineage and what only the app knows; any other
incoming item is added. Nothing is ever removed from the draft (conditions, medicines, allergies,
results, goals): an entry the bundle leaves out, or skips as stopped or recorded in error, stays as the
draft holds it for the clinician to review (one the record says is stopped, refuted or in error is named
and marked to check: `fhir_withdrawn`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from careplanner.services.plan_data import (
    AllergyData,
    ConditionData,
    GoalData,
    MedicalSection,
    MedicineData,
    ResultData,
)

T = TypeVar("T")


@dataclasses.dataclass
class Tally:
    """How many items of each kind the import added to the draft and how many it updated."""

    added: dict[str, int] = dataclasses.field(default_factory=dict)
    updated: dict[str, int] = dataclasses.field(default_factory=dict)
    # What happened to each incoming item, in the order given: kind -> ["added", "updated", ...].
    outcomes: dict[str, list[str]] = dataclasses.field(default_factory=dict)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_condition(old: ConditionData, new: ConditionData) -> bool:
    if old.snomed_code and new.snomed_code:
        return old.snomed_code == new.snomed_code
    return _fold(old.term) == _fold(new.term)


def merge(
    old: tuple[T, ...],
    new: tuple[T, ...],
    same: Callable[[T, T], bool],
    keep: Callable[[T, T], dict[str, Any]],
    kind: str,
    tally: Tally,
) -> tuple[T, ...]:
    """`old` with each of `new` either updating the item it matches or added at the end."""
    out = list(old)
    for item in new:
        at = next((i for i, held in enumerate(out) if same(held, item)), None)
        if at is None:
            out.append(item)
            tally.added[kind] = tally.added.get(kind, 0) + 1
            tally.outcomes.setdefault(kind, []).append("added")
        else:
            out[at] = dataclasses.replace(item, **keep(out[at], item))  # type: ignore[type-var]
            tally.updated[kind] = tally.updated.get(kind, 0) + 1
            tally.outcomes.setdefault(kind, []).append("updated")
    return tuple(out)


def _lineage(held: Any, _new: Any) -> dict[str, Any]:
    return {"lineage_id": held.lineage_id}


def _same_medicine(old: MedicineData, new: MedicineData) -> bool:
    """The same dm+d code when both are coded (a renamed product is still the same medicine), else the
    same name."""
    if old.dmd_code and new.dmd_code:
        return old.dmd_code == new.dmd_code
    return _fold(old.name) == _fold(new.name)


def _medicine(held: MedicineData, new: MedicineData) -> dict[str, Any]:
    return {
        "lineage_id": held.lineage_id,
        "purpose": new.purpose or held.purpose,
        "dmd_code": new.dmd_code or held.dmd_code,
    }


def _same_allergy(old: AllergyData, new: AllergyData) -> bool:
    """The same SNOMED CT code when both are coded, else the same substance words."""
    if old.substance_code and new.substance_code:
        return old.substance_code == new.substance_code
    return _fold(old.substance) == _fold(new.substance)


def _allergy(held: AllergyData, new: AllergyData) -> dict[str, Any]:
    """An update never drops a code the held entry has and the record does not send."""
    return {
        "lineage_id": held.lineage_id,
        "substance_code": new.substance_code or held.substance_code,
        "reaction_code": new.reaction_code or held.reaction_code,
    }


def _result(held: ResultData, new: ResultData) -> dict[str, Any]:
    coded = bool(new.code)
    return {
        "lineage_id": held.lineage_id,
        "code_system": new.code_system if coded else held.code_system,
        "code": new.code if coded else held.code,
        "unit_code": new.unit_code or (held.unit_code if new.unit == held.unit else ""),
    }


def _goal(held: GoalData, new: GoalData) -> dict[str, Any]:
    return {
        "lineage_id": held.lineage_id,
        "code": new.code or held.code,
        "need_lineage_id": held.need_lineage_id,
        "importance": held.importance,
        "outcome": new.outcome or held.outcome,
        "actions": new.actions or held.actions,
    }


def merge_medical(
    old: MedicalSection,
    conditions: tuple[ConditionData, ...],
    medicines: tuple[MedicineData, ...],
    allergies: tuple[AllergyData, ...],
    results: tuple[ResultData, ...],
    tally: Tally,
) -> MedicalSection:
    """The draft's medical review with the record added or updated in it (the review itself unchanged)."""

    return MedicalSection(
        review=old.review,
        conditions=merge(old.conditions, conditions, _same_condition, _lineage, "conditions", tally),
        medicines=merge(old.medicines, medicines, _same_medicine, _medicine, "medicines", tally),
        allergies=merge(old.allergies, allergies, _same_allergy, _allergy, "allergies", tally),
        results=merge(
            old.results,
            results,
            lambda a, b: _fold(a.name) == _fold(b.name) and a.taken_on == b.taken_on,
            _result,
            "results",
            tally,
        ),
    )


def merge_goals(old: tuple[GoalData, ...], new: tuple[GoalData, ...], tally: Tally) -> tuple[GoalData, ...]:
    """The draft's goals with the record's added or updated (the person's own goals always stay)."""
    return merge(old, new, lambda a, b: _fold(a.text) == _fold(b.text), _goal, "goals", tally)


same_condition = _same_condition  # for `fhir_withdrawn`: the same matching as the merge
same_medicine = _same_medicine
