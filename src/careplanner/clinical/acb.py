"""Anticholinergic burden (ACB scale): match record-style medicine names and total the scores.

A total of 3 or more is flagged because anticholinergic load adds up across medicines that are
each harmless-looking on their own (acbcalc.com calls 3 or more "High Risk"; scores 2 and 3 mean
established, clinically relevant cognitive effects, qxmd ACB calculator page).

Matching works on whole words, never substrings: "Amitriptyline 10mg tablets" and "oxybutynin
hydrochloride" match, but "promazine" does not match inside "chlorpromazine", and "hyoscine
butylbromide" (Buscopan, not on the scale) does not match "hyoscine hydrobromide". A medicine
that matches nothing is reported as "not on the scale" so the clinician can check it: the
published rule scores it 0, but a misspelt anticholinergic must not pass silently as 0.

Data: resources/clinical/acb.csv and acb_aliases.csv; their README gives sources.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

__all__ = [
    "ACB_WARNING_THRESHOLD",
    "AcbContributor",
    "AcbEntry",
    "AcbResult",
    "acb_total",
    "load_acb_entries",
    "match_medicine",
    "match_medicines",
]

#: A total at or above this is flagged for review.
ACB_WARNING_THRESHOLD = 3


@dataclass(frozen=True, slots=True)
class AcbEntry:
    """One drug on the ACB scale, with the other names it is known by."""

    generic_name: str
    score: int
    also_known_as: tuple[str, ...]
    notes: str
    source: str


class AcbContributor(NamedTuple):
    """A medicine that adds to the total: as written in the record, its generic name, its score."""

    as_written: str
    generic_name: str
    score: int


@dataclass(frozen=True, slots=True)
class AcbResult:
    """The ACB total for a medicines list.

    `not_on_scale` lists names that matched no drug on the scale (they add 0 but need a human
    look); `duplicates` lists entries whose drug was already counted (the same drug listed twice,
    e.g. two strengths, counts once).
    """

    total: int
    contributors: tuple[AcbContributor, ...]
    not_on_scale: tuple[str, ...]
    duplicates: tuple[str, ...]
    warning: bool
    warning_text: str


def _tokens(text: str) -> tuple[str, ...]:
    """Lower-case words, splitting on punctuation and between letters and digits ("10mg")."""
    lowered = text.casefold()
    lowered = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", lowered)
    return tuple(re.findall(r"[a-z0-9]+", lowered))


def _read_resource(name: str) -> str:
    return (files("careplanner.resources") / "clinical" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_acb_entries() -> tuple[AcbEntry, ...]:
    """All drugs on the scale, from the bundled data file, in file order."""
    entries: list[AcbEntry] = []
    for row in csv.DictReader(io.StringIO(_read_resource("acb.csv"))):
        score = int(row["score"])
        if score not in (1, 2, 3):
            raise ValueError(f"acb.csv: {row['generic_name']} has score {score}, expected 1-3")
        aka = tuple(a.strip() for a in row["also_known_as"].split("|") if a.strip())
        entries.append(AcbEntry(row["generic_name"].strip(), score, aka, row["notes"], row["source"]))
    return tuple(entries)


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[tuple[str, ...], tuple[AcbEntry, ...]]]]:
    """Names (as word tuples) keyed by their first word, longest names first."""
    by_generic = {e.generic_name: e for e in load_acb_entries()}
    names: dict[tuple[str, ...], tuple[AcbEntry, ...]] = {}
    for entry in by_generic.values():
        names[_tokens(entry.generic_name)] = (entry,)
        for alias in entry.also_known_as:
            names[_tokens(alias)] = (entry,)
    for row in csv.DictReader(io.StringIO(_read_resource("acb_aliases.csv"))):
        generics = [g.strip() for g in row["generic_names"].split("|")]
        missing = [g for g in generics if g not in by_generic]
        if missing:
            raise ValueError(f"acb_aliases.csv: {row['alias']} names unknown drugs {missing}")
        names[_tokens(row["alias"])] = tuple(by_generic[g] for g in generics)
    index: dict[str, list[tuple[tuple[str, ...], tuple[AcbEntry, ...]]]] = {}
    for words, found in names.items():
        index.setdefault(words[0], []).append((words, found))
    for candidates in index.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    return index


def match_medicines(text: str) -> tuple[AcbEntry, ...]:
    """Every drug on the scale named in `text`, in order, each once.

    A combination product gives each listed ingredient ("co-tenidone" gives atenolol and
    chlortalidone; "Paracetamol 500mg / codeine 30mg" gives codeine).
    """
    words = _tokens(text)
    index = _index()
    found: list[AcbEntry] = []
    i = 0
    while i < len(words):
        step = 1
        for name, entries in index.get(words[i], ()):
            if words[i : i + len(name)] == name:
                found.extend(e for e in entries if e not in found)
                step = len(name)
                break
        i += step
    return tuple(found)


def match_medicine(text: str) -> AcbEntry | None:
    """The drug on the scale that `text` names, or None. For combinations use match_medicines."""
    matches = match_medicines(text)
    return matches[0] if matches else None


def acb_total(medicine_names: Iterable[str]) -> AcbResult:
    """Total ACB score for a person's medicines, naming what contributes and what is unknown."""
    contributors: list[AcbContributor] = []
    not_on_scale: list[str] = []
    duplicates: list[str] = []
    counted: set[str] = set()
    for written in medicine_names:
        if not written.strip():
            continue
        matches = match_medicines(written)
        if not matches:
            not_on_scale.append(written)
            continue
        new = [m for m in matches if m.generic_name not in counted]
        if not new:
            duplicates.append(written)
        for entry in new:
            counted.add(entry.generic_name)
            contributors.append(AcbContributor(written, entry.generic_name, entry.score))
    total = sum(c.score for c in contributors)
    warning = total >= ACB_WARNING_THRESHOLD
    return AcbResult(
        total=total,
        contributors=tuple(contributors),
        not_on_scale=tuple(not_on_scale),
        duplicates=tuple(duplicates),
        warning=warning,
        warning_text=_warning_text(total, contributors) if warning else "",
    )


def _warning_text(total: int, contributors: list[AcbContributor]) -> str:
    ordered = sorted(contributors, key=lambda c: -c.score)
    named = ", ".join(f"{c.generic_name} ({c.score})" for c in ordered)
    return (
        f"Anticholinergic burden total is {total} (3 or more is high). "
        f"Contributing medicines: {named}. Consider whether any can be reduced or stopped."
    )
