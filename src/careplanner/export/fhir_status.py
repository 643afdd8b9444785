"""What the coded statuses of an incoming Condition or AllergyIntolerance mean for the record.

FHIR R4 carries them as codings, not text: `verificationStatus` (condition-ver-status,
allergyintolerance-verification) says whether the entry is true at all, `clinicalStatus`
(condition-clinical, allergyintolerance-clinical) whether it is still current. An entry recorded in error
or refuted is not imported (and the import says so); an inactive, resolved or in-remission one is kept as
history, never as a current problem or allergy. A "No known allergy" statement (SNOMED CT 716186003 and
409137002, as NHS England's UK Core AllergyIntolerance guidance and example use them) is a negation, not an
allergy. Sources: resources/clinical/README.md ("FHIR import: statuses and negations").
"""

from __future__ import annotations

from typing import Any

CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
SNOMED = "http://snomed.info/sct"

# The R4 codes, in the order the value sets list them.
CONDITION_CLINICAL_CODES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
ALLERGY_CLINICAL_CODES = ("active", "inactive", "resolved")

# verificationStatus codes that mean "do not import this at all", with the reason the import reports.
NOT_IMPORTED = {
    "entered-in-error": "recorded in error, so not imported",
    "refuted": "refuted (ruled out), so not imported",
}

# SNOMED CT "No known allergy" (716186003, the hierarchy UK Core names) and its child "No known drug
# allergy" (409137002, UK Core example UKCore-AllergyIntolerance-Sn-NegHandlNoKnownAllergies).
NO_KNOWN_ALLERGY_CODES = frozenset({"716186003", "409137002"})
# The same statements written as text only, with no code.
NO_KNOWN_ALLERGY_TEXTS = frozenset(
    {
        "no known allergy",
        "no known allergies",
        "no known drug allergy",
        "no known drug allergies",
        "nka",
        "nkda",
    }
)


def _codes(concept: Any, system: str) -> list[str]:
    """The codes of `concept` in `system` (or with no system given, as some senders write them)."""
    if not isinstance(concept, dict):
        return []
    out = []
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            continue
        if coding.get("system") in (system, None):
            out.append(coding["code"].strip())
    return out


def _text(concept: Any) -> str:
    text = concept.get("text") if isinstance(concept, dict) else None
    return text.strip().casefold() if isinstance(text, str) else ""


def not_imported_reason(res: dict[str, Any], system: str) -> str | None:
    """Why this entry is not imported (recorded in error, refuted), or None to import it."""
    concept = res.get("verificationStatus")
    for code in _codes(concept, system):
        if code in NOT_IMPORTED:
            return NOT_IMPORTED[code]
    text = _text(concept).replace(" ", "-")
    if text in NOT_IMPORTED:
        return NOT_IMPORTED[text]
    return None


def clinical_status(res: dict[str, Any], system: str, known: tuple[str, ...]) -> str:
    """The entry's clinicalStatus code; "active" when none is given, unless it has abated (con-4)."""
    for code in _codes(res.get("clinicalStatus"), system):
        if code in known:
            return code
    text = _text(res.get("clinicalStatus"))
    if text in known:
        return text
    abated = any(key.startswith("abatement") for key in res) or bool(res.get("lastOccurrence"))
    return "inactive" if abated and "inactive" in known else "active"


def is_no_known_allergy(res: dict[str, Any]) -> bool:
    """True when an AllergyIntolerance says there is no known allergy, rather than naming one."""
    code = res.get("code")
    if any(c in NO_KNOWN_ALLERGY_CODES for c in _codes(code, SNOMED) if c):
        return True
    return _text(code).removesuffix(" (situation)") in NO_KNOWN_ALLERGY_TEXTS
