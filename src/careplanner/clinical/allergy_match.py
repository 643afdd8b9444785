"""Does a medicine match one of the person's recorded allergies? A simple, stated rule, so a medicine the
person is recorded as allergic to is flagged where it is listed and before the plan is agreed.

The rule (resources/clinical/README.md, "Medicine against a recorded allergy"):
1. Only current allergies count (a resolved or inactive one is history).
2. When both carry a code (the allergy's SNOMED CT substance or product code; the medicine's dm+d code,
   which is a SNOMED CT UK Drug Extension concept), the same code is a match.
3. Otherwise, or as well: the allergy's substance name, normalised (lower case; words such as "allergy
   to" and bracketed notes such as "(unconfirmed)" taken out; strength and form words such as "250mg"
   and "capsules" taken out), appears as whole words in the medicine's name ("Amoxicillin 250mg capsules
   (unconfirmed)" -> "amoxicillin", found in "Amoxicillin 500mg capsules").

It never claims a cross-sensitivity (another drug of the same class): a penicillin allergy is matched to
a medicine only when the medicine's name itself says penicillin. A misspelt allergy ("paracetemol") does
not match: the check is a prompt to look, not a guarantee, and the clinician still asks the person.
Pure: imports nothing of ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["AllergyMatch", "AllergyRef", "allergy_matches", "normalised_substance"]


@dataclass(frozen=True)
class AllergyRef:
    """An allergy as recorded: its substance as written, its code ("" when none) and whether current."""

    substance: str
    code: str = ""
    current: bool = True


@dataclass(frozen=True)
class AllergyMatch:
    """A medicine that matches a recorded allergy, and how (`by_code`: the same code; else by name)."""

    medicine: str
    allergy: str
    by_code: bool


_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_STRENGTH = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|[a-zµ]+(?:/[a-z0-9.]+)?)?(?=\s|$)")
# Words that describe the allergy or the product's form, not the substance.
_NOT_SUBSTANCE = frozenset(
    [
        "allergy",
        "allergies",
        "allergic",
        "to",
        "intolerance",
        "intolerant",
        "of",
        "adverse",
        "reaction",
        "reactions",
        "history",
        "h/o",
        "sensitivity",
        "drug",
        "drugs",
        "medicine",
        "medicines",
        "product",
        "products",
        "dietary",
        "food",
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "dispersible",
        "soluble",
        "effervescent",
        "chewable",
        "modified-release",
        "m/r",
        "gastro-resistant",
        "film-coated",
        "oral",
        "solution",
        "suspension",
        "liquid",
        "syrup",
        "injection",
        "cream",
        "ointment",
        "gel",
        "drops",
        "eye",
        "ear",
        "nasal",
        "spray",
        "inhaler",
        "inhalation",
        "patch",
        "patches",
        "suppositories",
        "sachets",
        "granules",
        "powder",
        "and",
        "with",
    ]
)
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def normalised_substance(substance: str) -> str:
    """The substance part of an allergy as written: "Allergy to Amoxicillin 250mg capsules (unconfirmed)"
    -> "amoxicillin"; "" when nothing is left."""
    text = _BRACKETS.sub(" ", substance.casefold())
    text = _STRENGTH.sub(" ", text)
    words = [w for w in _WORD.findall(text) if w not in _NOT_SUBSTANCE and not w.isdigit()]
    return " ".join(words)


def _words(text: str) -> list[str]:
    return _WORD.findall(_BRACKETS.sub(" ", text.casefold()))


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(list(haystack[i : i + n]) == list(needle) for i in range(len(haystack) - n + 1))


def allergy_matches(
    medicine: str, medicine_code: str, allergies: Iterable[AllergyRef]
) -> tuple[AllergyMatch, ...]:
    """Each current allergy this medicine matches, by the rule in the module's docstring."""
    if not medicine.strip():
        return ()
    words = _words(medicine)
    found: list[AllergyMatch] = []
    for allergy in allergies:
        if not allergy.current or (not allergy.substance.strip() and not allergy.code):
            continue
        if allergy.code and medicine_code and allergy.code.strip() == medicine_code.strip():
            found.append(AllergyMatch(medicine, allergy.substance, by_code=True))
            continue
        substance = normalised_substance(allergy.substance)
        if substance and _contains(words, substance.split()):
            found.append(AllergyMatch(medicine, allergy.substance, by_code=False))
    return tuple(found)
