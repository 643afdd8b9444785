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
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.verhoeff import verhoeff_valid

__all__ = [
    "CodeCheck",
    "SnomedConcept",
    "check_code",
    "code_check_message",
    "concept",
    "concepts_of_kind",
    "display_term",
    "is_concept_sctid",
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
        if not is_concept_sctid(c.concept_id):
            raise ValueError(f"snomed.csv: {c.concept_id} is not a valid SNOMED CT concept id")
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


def is_valid_sctid(text: str) -> bool:
    """True for a well-formed SNOMED CT id: 6-18 digits, no leading zero, Verhoeff check passes.

    Catches a mistyped code before it is written into a record or an export.
    """
    if not 6 <= len(text) <= 18 or not all("0" <= ch <= "9" for ch in text) or text[0] == "0":
        return False
    return verhoeff_valid(text)


def is_concept_sctid(text: str) -> bool:
    """A valid SCTID whose partition identifier (the two digits before the check digit) is a
    concept's: "00" (short format) or "10" (long format, with a namespace). Description and
    relationship ids ("01", "02", "11", "12") pass Verhoeff but are not codes for a condition."""
    return is_valid_sctid(text) and text[-3:-1] in ("00", "10")


class CodeCheck(StrEnum):
    """What the app could check about a SNOMED CT code typed or imported into a record."""

    EMPTY = "empty"
    MALFORMED = "malformed"  # not 6-18 digits, or starts with 0
    CHECK_DIGIT_WRONG = "check_digit_wrong"  # fails Verhoeff: almost certainly a typo
    NOT_A_CONCEPT = "not_a_concept"  # a description or relationship id, not a concept
    KNOWN = "known"  # in the app's verified list (snomed.csv)
    NOT_CHECKED = "not_checked"  # well formed, but not in the app's list: meaning not checked


def check_code(code: str) -> CodeCheck:
    """Check a concept id as far as the app can without the full SNOMED CT release."""
    code = code.strip()
    if not code:
        return CodeCheck.EMPTY
    if not 6 <= len(code) <= 18 or not all("0" <= ch <= "9" for ch in code) or code[0] == "0":
        return CodeCheck.MALFORMED
    if not verhoeff_valid(code):
        return CodeCheck.CHECK_DIGIT_WRONG
    if not is_concept_sctid(code):
        return CodeCheck.NOT_A_CONCEPT
    return CodeCheck.KNOWN if code in load_concepts() else CodeCheck.NOT_CHECKED


def display_term(code: str) -> str | None:
    """The concept's own term from the verified list (for an export's `display`), or None when the
    app does not carry the concept and so cannot vouch for any term."""
    found = load_concepts().get(code.strip())
    return found.term if found else None


_CHECK_MESSAGES: dict[CodeCheck, str] = {
    CodeCheck.EMPTY: "",
    CodeCheck.KNOWN: "",
    CodeCheck.MALFORMED: "This is not a SNOMED CT code: codes are 6 to 18 digits and do not start with 0.",
    CodeCheck.CHECK_DIGIT_WRONG: (
        "This code fails the SNOMED CT check digit, so it is probably mistyped. It will not be exported."
    ),
    CodeCheck.NOT_A_CONCEPT: "This is a SNOMED CT description or relationship id, not a concept code.",
    CodeCheck.NOT_CHECKED: (
        "Not checked: this code is not in the app's list of verified codes, so its meaning "
        "could not be checked."
    ),
}


def code_check_message(code: str) -> str:
    """What to tell the clinician about a typed code, in plain words ("" when it is a known concept or
    empty). Used to mark the code field and in "Before you agree"."""
    return _CHECK_MESSAGES[check_code(code)]
