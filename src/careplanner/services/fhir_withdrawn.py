"""A later record that says a medicine the draft holds is no longer taken, or a condition it holds was
ruled out or recorded in error: said, and marked, never silently left as current.

The import never removes anything from the draft (`fhir_merge`): deciding that a medicine stops, or that
a problem is wrong, is for the clinician, with the person. But a held medicine the record now lists as
stopped, completed, cancelled, not taken or entered in error (or a held condition the record says is
refuted or entered in error) must not stay current unnoticed. Each one is named in the import's
notices, and marked in the draft with a blank line to fill in (in the medicine's review reason, or the
condition's notes), which "Before you agree" lists as a must-check item naming it (`plan_gaps`), so the
plan cannot be agreed or printed until someone has looked. Both FHIR R4 and GP Connect (STU3) are read
here as sent; a medicine or condition the same record also lists as current is not marked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from careplanner.clinical.enums import MedicineDecision
from careplanner.export.fhir_export import SNOMED_SYSTEM
from careplanner.export.fhir_json import concept_text, dict_of, list_of, text_of
from careplanner.export.fhir_med_status import WITHDRAWN
from careplanner.export.fhir_values import dmd_code_of
from careplanner.services.fhir_merge import same_condition, same_medicine
from careplanner.services.plan_data import ConditionData, MedicalSection, MedicineData

__all__ = ["Withdrawn", "mark_withdrawn", "withdrawn_in"]

_SAYS = {
    "stopped": "stopped",
    "completed": "completed (no longer taken)",
    "not-taken": "not taken",
    "cancelled": "cancelled",
    "entered-in-error": "recorded in error",
    "refuted": "ruled out (refuted)",
}
_CONDITION_WITHDRAWN = frozenset({"refuted", "entered-in-error"})


@dataclass(frozen=True)
class Withdrawn:
    """Medicines and conditions the record says are no longer current, each with the status it gives."""

    medicines: tuple[tuple[MedicineData, str], ...] = ()
    conditions: tuple[tuple[ConditionData, str], ...] = ()


def _verification(res: dict[str, Any]) -> str:
    value = res.get("verificationStatus")
    if isinstance(value, str):  # STU3: a plain code
        return value
    return next((text_of(dict_of(c).get("code")) for c in list_of(dict_of(value).get("coding"))), "")


def withdrawn_in(data: Any) -> Withdrawn:
    """What the bundle (as sent: FHIR R4 or GP Connect STU3) says is stopped, ruled out or in error."""
    entries = [dict_of(e) for e in list_of(dict_of(data).get("entry"))]
    by_ref: dict[str, dict[str, Any]] = {}
    for entry in entries:
        res = dict_of(entry.get("resource"))
        if text_of(entry.get("fullUrl")):
            by_ref[text_of(entry.get("fullUrl"))] = res
        if text_of(res.get("resourceType")) and text_of(res.get("id")):
            by_ref[f"{text_of(res['resourceType'])}/{text_of(res['id'])}"] = res
    medicines: list[tuple[MedicineData, str]] = []
    conditions: list[tuple[ConditionData, str]] = []
    for entry in entries:
        res = dict_of(entry.get("resource"))
        kind, status = text_of(res.get("resourceType")), text_of(res.get("status"))
        if status in WITHDRAWN.get(kind, frozenset()):
            concept = res.get("medicationCodeableConcept")
            if not concept_text(concept):
                reference = text_of(dict_of(res.get("medicationReference")).get("reference"))
                concept = dict_of(by_ref.get(reference)).get("code")
            if concept_text(concept):
                medicines.append((MedicineData(concept_text(concept), dmd_code=dmd_code_of(concept)), status))
        elif kind == "Condition" and _verification(res) in _CONDITION_WITHDRAWN:
            code = dict_of(res.get("code"))
            snomed = next(
                (
                    dict_of(c)
                    for c in list_of(code.get("coding"))
                    if dict_of(c).get("system") == SNOMED_SYSTEM
                ),
                {},
            )
            term = text_of(snomed.get("display")) or concept_text(code)
            if term:
                conditions.append((ConditionData(term, text_of(snomed.get("code"))), _verification(res)))
    return Withdrawn(tuple(medicines), tuple(conditions))


def _mark(text: str, says: str) -> str:
    line = f"[GP record says {says}: check with the person, then delete this line]"
    return text if line in text else (f"{text}\n{line}" if text.strip() else line)


def mark_withdrawn(
    medical: MedicalSection,
    withdrawn: Withdrawn,
    current_medicines: tuple[MedicineData, ...],
    current_conditions: tuple[ConditionData, ...],
) -> tuple[MedicalSection, tuple[str, ...]]:
    """The draft's medical review with each held medicine or condition the record withdraws marked to
    check, and one notice naming each (nothing removed, no decision made for the clinician)."""
    notices: list[str] = []
    medicines = list(medical.medicines)
    for gone, status in withdrawn.medicines:
        if any(same_medicine(m, gone) for m in current_medicines):
            continue  # the record also lists it as current (for example, restarted)
        for i, held in enumerate(medicines):
            if not same_medicine(held, gone) or held.decision is MedicineDecision.STOP:
                continue
            says = _SAYS.get(status, status)
            medicines[i] = dataclasses.replace(held, decision_reason=_mark(held.decision_reason, says))
            notices.append(
                f"The record says {held.name} is {says}, but the draft lists it as a current medicine. "
                "It is kept and marked to check in Before you agree: decide with the person whether it stops."
            )
    conditions = list(medical.conditions)
    for ruled_out, status in withdrawn.conditions:
        if any(same_condition(c, ruled_out) for c in current_conditions):
            continue
        for j, known in enumerate(conditions):
            if not same_condition(known, ruled_out):
                continue
            says = _SAYS.get(status, status)
            conditions[j] = dataclasses.replace(known, notes=_mark(known.notes, says))
            notices.append(
                f"The record says the condition {known.term} is {says}, but the draft lists it. "
                "It is kept and marked to check in Before you agree."
            )
    marked = dataclasses.replace(medical, medicines=tuple(medicines), conditions=tuple(conditions))
    return marked, tuple(dict.fromkeys(notices))
