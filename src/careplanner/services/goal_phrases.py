"""Goal and action phrases by condition: short plain-English starting points the Goals step offers for the
person's current conditions (resources/clinical/goal_phrases.csv, sources in its README).

They only start a sentence: the clinician picks one and writes it on with the person, in their words. A
condition is matched by whole words of its name or plain name ("Type 2 diabetes" → Diabetes), or by its
SNOMED CT code when the file lists one; past conditions never count. A Clinical Frailty Scale score of 5
or more counts as frailty, as the scale has it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from careplanner.clinical.frailty import is_frail
from careplanner.services.plan_data import ConditionData, MedicalSection

__all__ = ["PhraseGroup", "load_phrase_groups", "phrases_for"]

KINDS = ("match", "goal", "action")


@dataclass(frozen=True)
class PhraseGroup:
    """One condition's phrases: what puts a person in it, and its goal and action phrases."""

    condition: str
    matches: tuple[tuple[str, ...], ...]
    goals: tuple[str, ...]
    actions: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.casefold()))


def _read(text: str) -> tuple[PhraseGroup, ...]:
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    found: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        condition, kind, words = (row.get(k, "") or "" for k in ("condition", "kind", "text"))
        condition, kind, words = condition.strip(), kind.strip().casefold(), words.strip()
        if not condition or not words or kind not in KINDS:
            continue  # a blank or unknown row is left out, never guessed at
        found.setdefault(condition, {k: [] for k in KINDS})[kind].append(words)
    return tuple(
        PhraseGroup(
            name,
            tuple(w for w in (_words(m) for m in kinds["match"]) if w),
            tuple(dict.fromkeys(kinds["goal"])),
            tuple(dict.fromkeys(kinds["action"])),
        )
        for name, kinds in found.items()
        if kinds["match"]
    )


@lru_cache(maxsize=1)
def _shipped() -> tuple[PhraseGroup, ...]:
    text = resources.files("careplanner.resources.clinical").joinpath("goal_phrases.csv").read_text("utf-8")
    return _read(text)


def load_phrase_groups(path: Path | None = None) -> tuple[PhraseGroup, ...]:
    """The phrase groups from `path`, or the shipped file."""
    return _read(path.read_text(encoding="utf-8")) if path is not None else _shipped()


def _has(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def _matches(group: PhraseGroup, condition: ConditionData) -> bool:
    words = _words(f"{condition.term} {condition.plain_name}")
    code = condition.snomed_code.strip()
    return any((code and phrase == (code,)) or _has(words, phrase) for phrase in group.matches)


def phrases_for(
    conditions: Iterable[ConditionData],
    frailty_score: int | None = None,
    groups: tuple[PhraseGroup, ...] | None = None,
) -> tuple[PhraseGroup, ...]:
    """The groups that fit the person's current conditions (and frailty score), in the file's order."""
    current = [c for c in conditions if not c.is_history and (c.term.strip() or c.plain_name.strip())]
    frail = frailty_score is not None and 1 <= frailty_score <= 9 and is_frail(frailty_score)
    return tuple(
        g
        for g in (groups if groups is not None else load_phrase_groups())
        if any(_matches(g, c) for c in current) or (frail and g.condition.casefold() == "frailty")
    )


def phrases_for_medical(section: MedicalSection) -> tuple[PhraseGroup, ...]:
    """The groups for a plan's medical review as it stands (its conditions and frailty score)."""
    return phrases_for(section.conditions, section.review.frailty_score)
