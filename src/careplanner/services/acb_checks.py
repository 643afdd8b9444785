"""Medicine lines the clinician has checked by hand: "checked — not on the ACB scale" (issue 12).

The ACB matcher cannot know every medicine: common ones with no anticholinergic burden (ramipril, a brand
name it lacks) come back "not recognised — check by hand", and before this nothing could clear that. The
clinician can now mark such a line as checked (`MedicineData.acb_checked`, migration 0019). A checked line:
- still adds 0, as every medicine off the scale does: no ACB score is ever made up for it;
- no longer shows "not recognised" (on its line, in the box under the list, in "Before you agree");
- is named in the total's wording as checked by the clinician, so the total says how many lines rest on
  the clinician's word rather than on the scale.
The mark counts only while the matcher does not recognise the name: a line the scale scores is scored, and
one another list scores is still shown as left out, whatever the mark says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from careplanner.clinical.acb import AcbResult, MedicineRef, acb_total
from careplanner.clinical.enums import MedicineDecision
from careplanner.services.plan_data import MedicalSection, MedicineData

__all__ = ["checked_names", "checked_total", "is_unrecognised", "without_checked"]


def is_unrecognised(medicine: MedicineData) -> bool:
    """Whether the ACB matcher cannot place this line (so a clinician's check is what can settle it)."""
    if not medicine.name.strip():
        return False
    return bool(acb_total([MedicineRef(medicine.name, medicine.dmd_code)]).not_recognised)


def checked_names(result: AcbResult, medicines: Iterable[MedicineData]) -> tuple[str, ...]:
    """The not-recognised names of `result` whose every line among `medicines` is checked by the clinician."""
    lines = list(medicines)
    names: list[str] = []
    for found in result.not_recognised:
        same = [m for m in lines if m.name == found.as_written]
        if same and all(m.acb_checked for m in same) and found.as_written not in names:
            names.append(found.as_written)
    return tuple(names)


def without_checked(result: AcbResult, medicines: Iterable[MedicineData]) -> AcbResult:
    """`result` with the clinician-checked lines no longer listed as not recognised (the total is as it
    was: they add 0 either way)."""
    checked = set(checked_names(result, medicines))
    if not checked:
        return result
    left = tuple(n for n in result.not_recognised if n.as_written not in checked)
    return dataclasses.replace(result, not_recognised=left)


def checked_total(section: MedicalSection) -> tuple[AcbResult, tuple[str, ...]]:
    """The ACB of the medicines the person will be taking after this review (a line to stop is left out),
    with the clinician-checked lines settled; and the names of those lines."""
    taking = [m for m in section.medicines if m.name.strip() and m.decision is not MedicineDecision.STOP]
    # A medicine's dm+d code (from a GP record) goes with it; with no dm+d table shipped, there is no
    # code_matcher yet, so acb_total matches by name (it falls back to the name for an unknown code).
    raw = acb_total(MedicineRef(m.name, m.dmd_code) for m in taking)
    return without_checked(raw, taking), checked_names(raw, taking)
