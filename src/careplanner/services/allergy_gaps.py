"""A medicine that matches one of the person's recorded allergies, for "Before you agree".

Must be checked: the plan cannot be agreed while a current medicine matches a current recorded allergy
(clinical/allergy_match: the same code, or the substance's name in the medicine's name) and nobody has
recorded what was decided. It stops blocking once the medicine is being stopped, or once it has a review
decision with the reason written (for example "tolerated for years; the allergy was a rash in 1990,
checked with the person"), so a known, checked exception never blocks an agreement.
"""

from __future__ import annotations

from careplanner.clinical.allergy_match import AllergyRef, allergy_matches
from careplanner.clinical.enums import MedicineDecision
from careplanner.services.plan_data import PlanContent
from careplanner.services.plan_gaps import Gap

__all__ = ["allergy_gaps"]


def allergy_gaps(content: PlanContent) -> list[Gap]:
    """One gap for each medicine that matches a recorded allergy: blocking until it is checked."""
    medical = content.medical
    refs = [AllergyRef(a.substance, a.substance_code, not a.is_history) for a in medical.allergies]
    gaps: list[Gap] = []
    for i, medicine in enumerate(medical.medicines):
        found = allergy_matches(medicine.name, medicine.dmd_code, refs)
        if not found:
            continue
        stopping = medicine.decision is MedicineDecision.STOP
        checked = medicine.decision is not MedicineDecision.NOT_REVIEWED and bool(
            medicine.decision_reason.strip()
        )
        allergies = "; ".join(dict.fromkeys(m.allergy.strip()[:60] for m in found))
        how = "matched by code" if all(m.by_code for m in found) else "matched by name"
        name = medicine.name.strip()[:60]
        if stopping or checked:
            message = (
                f'"{name}" matches a recorded allergy ({allergies}); checked: {medicine.decision.value}.'
            )
        else:
            message = (
                f'"{name}" matches a recorded allergy ({allergies}; {how}). Check with the person: '
                "stop it, or record the review decision and why it continues."
            )
        gaps.append(Gap(message, "medical", "medicines", i, blocking=not (stopping or checked)))
    return gaps
