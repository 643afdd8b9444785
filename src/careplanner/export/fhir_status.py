"""What the coded statuses of an incoming Condition or AllergyIntolerance mean for the record.

FHIR R4 carries them as codings, not text: `verificationStatus` (condition-ver-status,
allergyintolerance-verification) says whether the entry is true at all, `clinicalStatus`
(condition-clinical, allergyintolerance-clinical) whether it is still current. A status is read only from
a coding under its own FHIR code system, matched without regard to case. A status that is unknown, coded
under another system, given only as text, or that disagrees with another coding or with its own text
refuses that entry (it is skipped, with where and why): it never defaults to "active". A missing
clinicalStatus on an entry that has not abated is read as active, as FHIR allows.

An entry recorded in error or refuted is not imported. An unconfirmed, provisional or differential
condition is not imported as a problem (it is skipped with the reason); an unconfirmed allergy is
imported, marked "(unconfirmed)", so a suspected allergy is never lost. An inactive, resolved or
in-remission entry is kept as history.

A "No known allergy" statement (SNOMED CT 716186003 and 409137002, as NHS England's UK Core
AllergyIntolerance guidance and example use them) is a negation, not an allergy. When its code and its
text disagree (a negation code with a substance named in the text, or a substance code with negation
text) the entry is refused: a real allergy must never become "no known allergies". "No known food
allergy" says nothing about other allergies: it is skipped with that reason, never recorded as the
general negation. Sources: resources/clinical/README.md ("FHIR import: statuses and negations").
"""

from __future__ import annotations

import re
from typing import Any, Literal

CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
SNOMED = "http://snomed.info/sct"

# The R4 codes, in the order the value sets list them.
CONDITION_CLINICAL_CODES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
ALLERGY_CLINICAL_CODES = ("active", "inactive", "resolved")
CONDITION_VERIFICATION_CODES = (
    "unconfirmed",
    "provisional",
    "differential",
    "confirmed",
    "refuted",
    "entered-in-error",
)
ALLERGY_VERIFICATION_CODES = ("unconfirmed", "confirmed", "refuted", "entered-in-error")
UNCONFIRMED = frozenset({"unconfirmed", "provisional", "differential"})

# verificationStatus codes that mean "do not import this at all", with the reason the import reports.
NOT_IMPORTED = {
    "entered-in-error": "recorded in error, so not imported",
    "refuted": "refuted (ruled out), so not imported",
}

# SNOMED CT "No known allergy" (716186003, the hierarchy UK Core names) and its child "No known drug
# allergy" (409137002, UK Core example UKCore-AllergyIntolerance-Sn-NegHandlNoKnownAllergies).
NO_KNOWN_ALLERGY_CODES = frozenset({"716186003", "409137002"})
# The same statements written as text (normalised: lower case, no full stop, no "(situation)").
NO_KNOWN_ALLERGY_TEXTS = frozenset(
    {
        "no known allergy",
        "no known allergies",
        "no known drug allergy",
        "no known drug allergies",
        "nka",
        "nkda",
        "none known",
        "nil known",
        "nil known allergies",
        "none known allergies",
        "no allergies known",
    }
)
# Negations that cover food only: never the general "no known allergies".
NO_KNOWN_FOOD_TEXTS = frozenset({"no known food allergy", "no known food allergies", "nkfa"})


class StatusError(Exception):
    """The entry's status cannot be trusted; the message says which status and why (no values)."""


def _norm(text: str) -> str:
    """Text reduced for comparison: lower case, hyphens as spaces, no full stops or "(qualifier value)"."""
    text = re.sub(r"\((qualifier value|situation|finding)\)", " ", text.casefold())
    text = re.sub(r"[\s\-_.]+", " ", text)
    return text.strip()


def _system(value: Any) -> str:
    return value.strip().rstrip("/") if isinstance(value, str) else ""


def coded_status(res: dict[str, Any], key: str, system: str, known: tuple[str, ...]) -> str | None:
    """The one status code of `res[key]`, None when absent, or StatusError when it cannot be trusted."""
    concept = res.get(key)
    if concept is None:
        return None
    if not isinstance(concept, dict):
        raise StatusError(f"{key} is not a coded status, so not imported")
    found: set[str] = set()
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict):
            continue
        if _system(coding.get("system")) != system:
            raise StatusError(f"{key} is coded under another code system, so not imported")
        code = coding.get("code")
        code = code.strip().casefold() if isinstance(code, str) else ""
        if code not in known:
            raise StatusError(f"{key} has a code this app does not know, so not imported")
        found.add(code)
    if len(found) > 1:
        raise StatusError(f"{key} has codings that disagree, so not imported")
    text = concept.get("text")
    text = _norm(text) if isinstance(text, str) else ""
    if not found:
        if text:
            raise StatusError(f"{key} is given only as text, not as a FHIR code, so not imported")
        return None
    code = found.pop()
    if text and text != _norm(code):
        raise StatusError(f"{key} code and text disagree, so not imported")
    return code


def verification(res: dict[str, Any], system: str, known: tuple[str, ...]) -> str | None:
    """The verificationStatus code, or None when not given (StatusError when it cannot be trusted)."""
    return coded_status(res, "verificationStatus", system, known)


def clinical_status(res: dict[str, Any], system: str, known: tuple[str, ...]) -> str:
    """The entry's clinicalStatus code; "active" when none is given, unless it has abated (con-4).
    StatusError when the status is unknown, under another system or conflicting."""
    code = coded_status(res, "clinicalStatus", system, known)
    if code is not None:
        return code
    abated = any(key.startswith("abatement") for key in res) or bool(res.get("lastOccurrence"))
    return "inactive" if abated and "inactive" in known else "active"


Negation = Literal["allergy", "none-known", "food-only"]


def allergy_negation(res: dict[str, Any]) -> Negation:
    """Whether an AllergyIntolerance names an allergy, says "no known allergy", or "no known food
    allergy". StatusError when its code and its text disagree (never a negation from a substance)."""
    raw = res.get("code")
    concept: dict[str, Any] = raw if isinstance(raw, dict) else {}
    codings = [c for c in concept.get("coding") or [] if isinstance(c, dict)]
    codes = [c["code"].strip() for c in codings if isinstance(c.get("code"), str) and c["code"].strip()]
    displays = [_norm(c["display"]) for c in codings if isinstance(c.get("display"), str)]
    raw_text = concept.get("text")
    text = _norm(raw_text) if isinstance(raw_text, str) else ""
    negation_codes = [c for c in codes if c in NO_KNOWN_ALLERGY_CODES]
    words = [w for w in (text, *displays) if w]
    if any(w in NO_KNOWN_FOOD_TEXTS for w in words):
        return "food-only"
    says_none = [w in NO_KNOWN_ALLERGY_TEXTS for w in words]
    if negation_codes:
        if len(negation_codes) != len(codes) or not all(says_none):
            raise StatusError("code and text disagree (a 'no known allergy' code), so not imported")
        return "none-known"
    if any(says_none):
        if codes or not all(says_none):
            raise StatusError("code and text disagree (a 'no known allergy' text), so not imported")
        return "none-known"
    return "allergy"
