"""The bundled ACB data files, read once: the scale, the alias file, and the medicines known to lie
outside the scale.

Three files, each row with its source (resources/clinical/README.md explains them):
- acb.csv: the Anticholinergic Cognitive Burden scale, 2012 update, one row per drug with its score;
- acb_aliases.csv: brand names, former UK names and combination products that name a drug on the
  scale ("Seroquel" is quetiapine, "co-tenidone" is atenolol + chlortalidone);
- acb_outside_scale.csv: medicines that are not on the 2012 list, so the scale counts them 0, with
  what other published lists score them (acbcalc.com, Bishara's AEC). Some score 0 everywhere
  (paracetamol); others are anticholinergic on another list (prednisolone, methocarbamol) and are
  shown to the clinician as "not in this total", never silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "AcbAlias",
    "AcbEntry",
    "OutsideScaleEntry",
    "load_acb_aliases",
    "load_acb_entries",
    "load_outside_scale",
]


@dataclass(frozen=True, slots=True)
class AcbEntry:
    """One drug on the ACB scale, with the other names it is known by."""

    generic_name: str
    score: int
    also_known_as: tuple[str, ...]
    notes: str
    source: str


@dataclass(frozen=True, slots=True)
class AcbAlias:
    """A name seen in UK records (brand, former name, combination) for one or more drugs on the scale."""

    alias: str
    generic_names: tuple[str, ...]
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class OutsideScaleEntry:
    """A medicine not on the ACB 2012 list (it adds 0 to the total) and what other lists score it.

    `other_scores` pairs a list's short name with its score, e.g. (("acbcalc.com", 1), ("AEC", 1)).
    """

    name: str
    also_known_as: tuple[str, ...]
    other_scores: tuple[tuple[str, int], ...]
    source: str

    @property
    def highest_other_score(self) -> int:
        return max((score for _, score in self.other_scores), default=0)


def _read_resource(name: str) -> str:
    return (files("careplanner.resources") / "clinical" / name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a bundled CSV; lines starting with '#' are comments."""
    text = "\n".join(line for line in _read_resource(name).splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(text)))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


@lru_cache(maxsize=1)
def load_acb_entries() -> tuple[AcbEntry, ...]:
    """All drugs on the scale, from the bundled data file, in file order."""
    entries: list[AcbEntry] = []
    for row in _rows("acb.csv"):
        score = int(row["score"])
        if score not in (1, 2, 3):
            raise ValueError(f"acb.csv: {row['generic_name']} has score {score}, expected 1-3")
        if not row["source"].strip():
            raise ValueError(f"acb.csv: {row['generic_name']} has no source")
        entries.append(
            AcbEntry(
                row["generic_name"].strip(), score, _split(row["also_known_as"]), row["notes"], row["source"]
            )
        )
    return tuple(entries)


@lru_cache(maxsize=1)
def load_acb_aliases() -> tuple[AcbAlias, ...]:
    """Every alias row; each must name drugs on the scale and give its source."""
    known = {e.generic_name for e in load_acb_entries()}
    aliases: list[AcbAlias] = []
    for row in _rows("acb_aliases.csv"):
        generics = _split(row["generic_names"])
        missing = [g for g in generics if g not in known]
        if missing or not generics:
            raise ValueError(f"acb_aliases.csv: {row['alias']} names unknown drugs {missing}")
        if not row["source"].strip():
            raise ValueError(f"acb_aliases.csv: {row['alias']} has no source")
        aliases.append(AcbAlias(row["alias"].strip(), generics, row["kind"].strip(), row["source"].strip()))
    return tuple(aliases)


@lru_cache(maxsize=1)
def load_outside_scale() -> tuple[OutsideScaleEntry, ...]:
    """Medicines known not to be on the 2012 list; none may also be on the scale."""
    on_scale = {e.generic_name for e in load_acb_entries()}
    found: list[OutsideScaleEntry] = []
    for row in _rows("acb_outside_scale.csv"):
        name = row["name"].strip()
        if name in on_scale:
            raise ValueError(f"acb_outside_scale.csv: {name} is on the ACB scale")
        if not row["source"].strip():
            raise ValueError(f"acb_outside_scale.csv: {name} has no source")
        scores = tuple(
            (label, int(row[column]))
            for column, label in (("acbcalc", "acbcalc.com"), ("aec", "AEC"))
            if row[column].strip()
        )
        if any(score not in (0, 1, 2, 3) for _, score in scores):
            raise ValueError(f"acb_outside_scale.csv: {name} has a score outside 0-3")
        found.append(OutsideScaleEntry(name, _split(row["also_known_as"]), scores, row["source"].strip()))
    return tuple(found)
