"""SNOMED CT concept ids the app records, for the plan's coding summary and for exports.

Only ids collected from public NHS reference sets and code lists are used (resources/clinical/
snomed.csv names each one's source, and each passed the Verhoeff check). Where no verified id
exists - a frailty diagnosis, a generic "personalised care and support plan agreed", UK DNACPR,
GAD-2 and UCLA-3 scores - there is deliberately no constant, so nothing is coded wrongly.

SNOMED CT is copyright SNOMED International; use in the UK needs an Affiliate licence.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from careplanner.clinical.enums import QuestionnaireKind

__all__ = [
    "SnomedConcept",
    "concept",
    "concepts_of_kind",
    "is_valid_sctid",
    "load_concepts",
    "score_concept_for",
]

# Record artefact: the document type of a care plan (FHIR DocumentReference.type).
CARE_PLAN_DOCUMENT = "734163000"
# Care plans
HEALTH_AND_SOCIAL_CARE_PLAN_AGREED = "811871000000107"
AGREEING_HEALTH_AND_SOCIAL_CARE_PLAN = "835181000000106"
HAS_ANTICIPATORY_CARE_PLAN = "792871000000101"
DEMENTIA_CARE_PLAN = "736371006"
DEMENTIA_CARE_PLAN_AGREED = "956841000000106"
DEMENTIA_CARE_PLAN_DECLINED = "956881000000103"
DEMENTIA_CARE_PLAN_REVIEW_DECLINED = "956901000000100"
# Advance care planning and end of life
DEMENTIA_ADVANCE_CARE_PLAN = "959361000000105"
DEMENTIA_ADVANCE_CARE_PLAN_AGREED = "1095121000000102"
DEMENTIA_ADVANCE_CARE_PLAN_REVIEW = "1095111000000108"
DEMENTIA_ADVANCE_CARE_PLANNING_DECLINED = "1098271000000104"
END_OF_LIFE_CARE_PLAN_OFFERED = "1025611000000105"
OUT_OF_HOURS_NOTIFIED_OF_PALLIATIVE_CARE_PLAN = "492321000000103"
ON_END_OF_LIFE_CARE_REGISTER = "526631000000108"
PALLIATIVE_CARE = "103735009"
# Resuscitation (international concepts; no UK "DNACPR" id was verified)
NOT_FOR_RESUSCITATION = "304253006"
FOR_RESUSCITATION = "304252001"
# Legal
HAS_PERSONAL_WELFARE_LPA = "816361000000101"
# Social prescribing
REFERRAL_TO_SOCIAL_PRESCRIBING = "871731000000106"
SOCIAL_PRESCRIBING_DECLINED = "871711000000103"
# Scores and scales
PHQ9_SCORE = "720433000"
PHQ9_SCALE = "758711000000105"
PHQ2_SCORE = "836541000000100"
GAD7_SCORE = "445455005"
CFS_SCORE = "763264000"
CFS_SCALE = "445414007"
# Registers
ON_LEARNING_DISABILITY_REGISTER = "416075005"

_SCORE_CODES: dict[QuestionnaireKind, str] = {
    QuestionnaireKind.PHQ9: PHQ9_SCORE,
    QuestionnaireKind.PHQ2: PHQ2_SCORE,
    QuestionnaireKind.GAD7: GAD7_SCORE,
}


@dataclass(frozen=True, slots=True)
class SnomedConcept:
    """A concept id with the term printed in its source, what it is for, and where it came from."""

    concept_id: str
    term: str
    kind: str
    source: str


@lru_cache(maxsize=1)
def load_concepts() -> dict[str, SnomedConcept]:
    """Every concept in the bundled snomed.csv, keyed by id."""
    text = (files("careplanner.resources") / "clinical" / "snomed.csv").read_text("utf-8")
    out: dict[str, SnomedConcept] = {}
    for row in csv.DictReader(io.StringIO(text)):
        c = SnomedConcept(row["concept_id"], row["term"], row["kind"], row["source"])
        if not is_valid_sctid(c.concept_id):
            raise ValueError(f"snomed.csv: {c.concept_id} is not a valid SNOMED CT id")
        out[c.concept_id] = c
    return out


def concept(concept_id: str) -> SnomedConcept:
    """Look up a concept by id; KeyError for an id the app does not carry."""
    return load_concepts()[concept_id]


def concepts_of_kind(kind: str) -> tuple[SnomedConcept, ...]:
    """Concepts of one kind ("care_plan_agreed", "score_observable", "condition", ...)."""
    return tuple(c for c in load_concepts().values() if c.kind == kind)


def score_concept_for(kind: QuestionnaireKind) -> SnomedConcept | None:
    """The score observable for a questionnaire, or None where no verified id exists."""
    code = _SCORE_CODES.get(kind)
    return concept(code) if code else None


# Verhoeff dihedral-group tables (the check digit scheme SNOMED CT ids use).
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def is_valid_sctid(text: str) -> bool:
    """True for a well-formed SNOMED CT id: 6-18 digits, no leading zero, Verhoeff check passes.

    Catches a mistyped code before it is written into a record or an export.
    """
    if not 6 <= len(text) <= 18 or not all("0" <= ch <= "9" for ch in text) or text[0] == "0":
        return False
    check = 0
    for i, ch in enumerate(reversed(text)):
        check = _D[check][_P[i % 8][int(ch)]]
    return check == 0
