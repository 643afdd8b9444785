"""Pick-list of common long-term conditions, searchable as the clinician types.

Each condition carries a SNOMED CT id from a verified public NHS code list, or an empty code
with a note where none was verified (frailty): an empty code is honest, an invented one would
put a wrong code into the person's record. Free text is still allowed by the UI; this list only
saves typing and gets the common conditions coded.

Search is by whole-word prefix over the name and synonyms ("high blood pressure", "AF", "TIA"),
so "hi bl" finds hypertension and "af" does not find "after". A synonym only ever names the same
concept (an abbreviation, another name for the same disorder): never a symptom, a lay word for a
wider or narrower idea, or a related disorder. "Memory problems" is not dementia, "fits" are not
epilepsy and "psychosis" is not schizophrenia; each would put a wrong diagnosis code (with its
registers, driving and insurance consequences) into the record. The plain-English name is shown
to the person but not searched, for the same reason ("an irregular heartbeat" is not AF).
Data: resources/clinical/conditions.csv.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = ["Condition", "condition_by_key", "load_conditions", "search_conditions"]


@dataclass(frozen=True, slots=True)
class Condition:
    """One pick-list entry. `snomed_code` is "" when no verified code exists (see `note`)."""

    key: str
    name: str
    plain_name: str
    snomed_code: str
    snomed_term: str
    synonyms: tuple[str, ...]
    note: str
    source: str

    @property
    def coded(self) -> bool:
        return bool(self.snomed_code)


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words; apostrophes dropped so "parkinsons" finds "Parkinson's"."""
    text = re.sub(r"['\u2019]", "", text.casefold())
    return tuple(re.findall(r"[a-z0-9]+", text))


@lru_cache(maxsize=1)
def load_conditions() -> tuple[Condition, ...]:
    """The pick-list in its file order (most common first), from the bundled CSV."""
    text = (files("careplanner.resources") / "clinical" / "conditions.csv").read_text("utf-8")
    out: list[Condition] = []
    for row in csv.DictReader(io.StringIO(text)):
        synonyms = tuple(s.strip() for s in row["synonyms"].split("|") if s.strip())
        out.append(
            Condition(
                key=row["key"],
                name=row["name"],
                plain_name=row["plain_name"],
                snomed_code=row["snomed_code"].strip(),
                snomed_term=row["snomed_term"],
                synonyms=synonyms,
                note=row["note"],
                source=row["source"],
            )
        )
    return tuple(out)


def condition_by_key(key: str) -> Condition | None:
    """The condition with this stable key, or None."""
    return next((c for c in load_conditions() if c.key == key), None)


@lru_cache(maxsize=1)
def _haystacks() -> tuple[tuple[Condition, tuple[tuple[str, ...], ...]], ...]:
    return tuple((c, tuple(_words(label) for label in (c.name, *c.synonyms))) for c in load_conditions())


def search_conditions(text: str, limit: int = 10) -> list[Condition]:
    """Conditions matching `text`, best first; an empty query gives the list's first entries.

    Ranking: an exact name or synonym (0), a label that starts with the query (1), every query
    word starting some word of one label (2), every query word starting a word anywhere in the
    entry's labels (3). Ties keep the list order, which puts common conditions first.
    """
    query = _words(text)
    if limit <= 0:
        return []
    if not query:
        return list(load_conditions()[:limit])
    ranked: list[tuple[int, int, Condition]] = []
    for position, (condition, labels) in enumerate(_haystacks()):
        rank = _rank(query, labels)
        if rank is not None:
            ranked.append((rank, position, condition))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [c for _, _, c in ranked[:limit]]


def _rank(query: tuple[str, ...], labels: tuple[tuple[str, ...], ...]) -> int | None:
    best: int | None = None
    for label in labels:
        if label == query:
            return 0
        if _starts_with(label, query):
            rank = 1
        elif all(any(w.startswith(q) for w in label) for q in query):
            rank = 2
        else:
            continue
        best = rank if best is None else min(best, rank)
    if best is None:
        everything = [w for label in labels for w in label]
        if all(any(w.startswith(q) for w in everything) for q in query):
            best = 3
    return best


def _starts_with(label: tuple[str, ...], query: tuple[str, ...]) -> bool:
    """The label's words begin with the query's words, the last query word as a prefix."""
    if len(query) > len(label):
        return False
    *whole, last = query
    return list(label[: len(whole)]) == whole and label[len(whole)].startswith(last)
