"""Sick-day rules: which of a person's own medicines to pause while they cannot eat and drink normally.

UK sick-day guidance asks people to pause, for a short time, the medicines that harm the kidneys or
the body's chemistry when they are dehydrated (vomiting, diarrhoea, fever, not drinking): the
"SADMANS" group - Sulfonylureas, ACE inhibitors, Diuretics, Metformin, Angiotensin receptor
blockers (ARBs), NSAIDs and SGLT2 inhibitors - and, in heart failure, also the ARNI
(sacubitril/valsartan) and MRAs (spironolactone, eplerenone). They restart once the person has
been eating and drinking normally for 24-48 hours. Insulin is never stopped.

A plan that says "pause the medicines listed in my plan" with no list is no help at 3 a.m., so this
module names the medicines from the person's own list. It matches generic names, UK brands and
combination products by whole words ("Sacubitril/valsartan", "co-amilofruse", "Janumet"), and leaves
out skin, eye and mouth preparations (an ibuprofen gel is not paused) and low-dose aspirin.
Data and its sources: resources/clinical/sick_day_medicines.csv; guidance sources in the README.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "PAUSE_GROUPS",
    "SickDayGroup",
    "SickDayMatch",
    "medicines_to_pause",
    "sick_day_groups",
    "takes_insulin",
]


class SickDayGroup(StrEnum):
    SULFONYLUREA = "sulfonylurea"
    ACE_INHIBITOR = "ace_inhibitor"
    DIURETIC = "diuretic"
    METFORMIN = "metformin"
    ARB = "arb"
    NSAID = "nsaid"
    SGLT2_INHIBITOR = "sglt2_inhibitor"
    ARNI = "arni"
    MRA = "mra"
    INSULIN = "insulin"  # never paused: listed so the plan can say so

    @property
    def plain(self) -> str:
        """What the group is, in words a person can follow."""
        return _PLAIN[self]


_PLAIN: dict[SickDayGroup, str] = {
    SickDayGroup.SULFONYLUREA: "a diabetes tablet that can cause hypos (sulfonylurea)",
    SickDayGroup.ACE_INHIBITOR: "a blood pressure or heart medicine (ACE inhibitor)",
    SickDayGroup.DIURETIC: "a water tablet (diuretic)",
    SickDayGroup.METFORMIN: "a diabetes medicine (metformin)",
    SickDayGroup.ARB: "a blood pressure or heart medicine (ARB)",
    SickDayGroup.NSAID: "an anti-inflammatory painkiller (NSAID)",
    SickDayGroup.SGLT2_INHIBITOR: "a diabetes, heart or kidney medicine (SGLT2 inhibitor)",
    SickDayGroup.ARNI: "a heart medicine (sacubitril with valsartan)",
    SickDayGroup.MRA: "a heart medicine that is also a water tablet (MRA)",
    SickDayGroup.INSULIN: "insulin",
}

#: Every group that is paused on a sick day (all but insulin).
PAUSE_GROUPS: frozenset[SickDayGroup] = frozenset(g for g in SickDayGroup if g is not SickDayGroup.INSULIN)

# Preparations that act on the skin, eye, ear or mouth rather than the whole body.
_NOT_SYSTEMIC = frozenset(
    {
        "gel", "emulgel", "cream", "ointment", "spray", "foam", "patch", "patches", "plaster",
        "plasters", "topical", "eye", "ear", "drops", "mouthwash", "lozenge", "lozenges",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SickDayMatch:
    """One of the person's medicines (as written in their list) and why it is paused."""

    medicine: str
    groups: tuple[SickDayGroup, ...]

    @property
    def reason(self) -> str:
        return " and ".join(g.plain for g in self.groups)


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z]+|[0-9]+", text.casefold()))


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[tuple[str, ...], SickDayGroup], ...]:
    text = (files("careplanner.resources") / "clinical" / "sick_day_medicines.csv").read_text("utf-8")
    rows = [(_words(r["name"]), SickDayGroup(r["group"])) for r in csv.DictReader(io.StringIO(text))]
    return tuple(rows)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def sick_day_groups(medicine: str) -> tuple[SickDayGroup, ...]:
    """The sick-day groups a medicine belongs to, in a fixed order; () when none or not systemic."""
    words = _words(medicine)
    if not words or _NOT_SYSTEMIC.intersection(words):
        return ()
    found = {group for phrase, group in _table() if _contains(words, phrase)}
    if SickDayGroup.ARNI in found:
        found.discard(SickDayGroup.ARB)  # sacubitril/valsartan is named as the ARNI it is
    return tuple(g for g in SickDayGroup if g in found)


def medicines_to_pause(medicines: Iterable[str]) -> list[SickDayMatch]:
    """The person's medicines to pause on a sick day, in their list's order, each once."""
    out: list[SickDayMatch] = []
    seen: set[str] = set()
    for name in medicines:
        groups = tuple(g for g in sick_day_groups(name) if g in PAUSE_GROUPS)
        key = name.strip().casefold()
        if groups and key not in seen:
            seen.add(key)
            out.append(SickDayMatch(name.strip(), groups))
    return out


def takes_insulin(medicines: Iterable[str]) -> bool:
    """True when any medicine in the list is an insulin (never to be stopped)."""
    return any(SickDayGroup.INSULIN in sick_day_groups(m) for m in medicines)
