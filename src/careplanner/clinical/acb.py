"""Anticholinergic burden (ACB scale): match record-style medicine names and total the scores.

The scale is the Anticholinergic Cognitive Burden scale, 2012 update (Boustani et al. 2008; Campbell
et al. 2013; Aging Brain Care). A total of 3 or more is flagged because anticholinergic load adds up
across medicines that are each harmless-looking on their own (acbcalc.com calls 3 or more "High
Risk"; scores 2 and 3 mean established, clinically relevant cognitive effects, qxmd ACB calculator).

Every medicine line ends in exactly one place, so nothing is silently scored 0:
- on the scale (by its name, a UK or US name, or a sourced brand / combination alias): it scores;
- a skin, eye or ear preparation: "not counted (topical/eye/ear)" (see acb_route);
- a medicine known not to be on the 2012 list: it adds 0; if another published list scores it
  (prednisolone, methocarbamol, dosulepin...) it is shown as left out of this total;
- anything else, including a misspelling: "not recognised", to be checked by hand. A near miss
  ("Oxybutinin") may carry a "did you mean oxybutynin?" hint, but is never scored.

Matching works on whole words, never substrings: "promazine" does not match inside
"chlorpromazine", and "hyoscine butylbromide" (Buscopan, not on the scale) does not match
"hyoscine hydrobromide". Names are matched today; a coded medicine (dm+d) can be matched first by
passing `code_matcher` to acb_total, falling back to the name when the code is not known.

Data: resources/clinical/acb.csv, acb_aliases.csv and acb_outside_scale.csv (acb_data); their
README gives sources.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, TypeVar

from careplanner.clinical.acb_data import (
    AcbEntry,
    OutsideScaleEntry,
    load_acb_aliases,
    load_acb_entries,
    load_outside_scale,
)
from careplanner.clinical.acb_route import is_topical_eye_or_ear

__all__ = [
    "ACB_SCALE_NAME",
    "ACB_SCALE_NOTE",
    "ACB_WARNING_THRESHOLD",
    "AcbContributor",
    "AcbEntry",
    "AcbResult",
    "CodeMatcher",
    "MedicineRef",
    "NotRecognised",
    "OutsideScale",
    "acb_total",
    "load_acb_entries",
    "match_medicine",
    "match_medicines",
    "match_outside_scale",
]

#: A total at or above this is flagged for review.
ACB_WARNING_THRESHOLD = 3

ACB_SCALE_NAME = "Anticholinergic Cognitive Burden (ACB) scale, 2012 update"

#: What the total is and what it leaves out, for the clinician (screen and summary).
ACB_SCALE_NOTE = (
    "Scale: the Anticholinergic Cognitive Burden (ACB) scale, 2012 update (Boustani et al. 2008; "
    "Campbell et al. 2013; Aging Brain Care). Only medicines on its list score (1 to 3); every other "
    "medicine counts 0. It does not weigh the dose. It leaves out some anticholinergic medicines used "
    "in the UK that other lists score (for example dosulepin, prochlorperazine, tizanidine, tramadol). "
    "Skin, eye and ear preparations are not counted."
)


@dataclass(frozen=True, slots=True)
class MedicineRef:
    """A medicine line as the record holds it: the name, and its dm+d code when it has one."""

    name: str
    dmd_code: str = ""


#: Looks up a dm+d code: the drugs on the scale it contains (empty if none), or None if unknown.
CodeMatcher = Callable[[str], "tuple[AcbEntry, ...] | None"]


class AcbContributor(NamedTuple):
    """A medicine that adds to the total: as written in the record, its generic name, its score."""

    as_written: str
    generic_name: str
    score: int


class NotRecognised(NamedTuple):
    """A medicine the matcher could not place; `did_you_mean` is a wording hint only, never scored."""

    as_written: str
    did_you_mean: str


class OutsideScale(NamedTuple):
    """A recognised medicine that is not on the 2012 list, with what other lists score it."""

    as_written: str
    entry: OutsideScaleEntry


@dataclass(frozen=True, slots=True)
class AcbResult:
    """The ACB total for a medicines list, and every medicine that did not add to it, by reason.

    `duplicates` lists entries whose drug was already counted (the same drug listed twice counts
    once); `not_counted_route` the skin, eye and ear preparations; `outside_scale` medicines known
    not to be on the 2012 list (those another list scores are in `left_out`); `not_recognised` the
    names to check by hand.
    """

    total: int
    contributors: tuple[AcbContributor, ...]
    not_recognised: tuple[NotRecognised, ...]
    outside_scale: tuple[OutsideScale, ...]
    not_counted_route: tuple[str, ...]
    duplicates: tuple[str, ...]
    warning: bool
    warning_text: str

    @property
    def left_out(self) -> tuple[OutsideScale, ...]:
        """Medicines outside the 2012 list that another published list scores 1 or more."""
        return tuple(o for o in self.outside_scale if o.entry.highest_other_score > 0)

    @property
    def not_on_scale(self) -> tuple[str, ...]:
        """Every medicine that added 0 for not being on the list (recognised or not), as written."""
        return tuple(n.as_written for n in self.not_recognised) + tuple(
            o.as_written for o in self.outside_scale
        )

    @property
    def needs_check(self) -> bool:
        """True when the total may be too low: a name was not recognised or another list scores one."""
        return bool(self.not_recognised or self.left_out)


def _tokens(text: str) -> tuple[str, ...]:
    """Lower-case words, splitting on punctuation and between letters and digits ("10mg")."""
    lowered = text.casefold()
    lowered = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", lowered)
    return tuple(re.findall(r"[a-z0-9]+", lowered))


_T = TypeVar("_T")
_Index = dict[str, list[tuple[tuple[str, ...], tuple[AcbEntry, ...]]]]
_OutsideIndex = dict[str, list[tuple[tuple[str, ...], OutsideScaleEntry]]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Names on the scale (as word tuples) keyed by their first word, longest names first."""
    by_generic = {e.generic_name: e for e in load_acb_entries()}
    names: dict[tuple[str, ...], tuple[AcbEntry, ...]] = {}
    for entry in by_generic.values():
        names[_tokens(entry.generic_name)] = (entry,)
        for aka in entry.also_known_as:
            names[_tokens(aka)] = (entry,)
    for alias in load_acb_aliases():
        names[_tokens(alias.alias)] = tuple(by_generic[g] for g in alias.generic_names)
    index: _Index = {}
    for words, found in names.items():
        index.setdefault(words[0], []).append((words, found))
    for candidates in index.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    return index


@lru_cache(maxsize=1)
def _outside_index() -> _OutsideIndex:
    index: _OutsideIndex = {}
    for entry in load_outside_scale():
        for name in (entry.name, *entry.also_known_as):
            words = _tokens(name)
            index.setdefault(words[0], []).append((words, entry))
    for candidates in index.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    return index


@lru_cache(maxsize=1)
def _known_words() -> tuple[str, ...]:
    """Single-word names the matcher knows, for the "did you mean" hint."""
    words = {w for w in _index() if len(w) >= 5} | {w for w in _outside_index() if len(w) >= 5}
    return tuple(sorted(words))


def _scan(words: tuple[str, ...], index: dict[str, list[tuple[tuple[str, ...], _T]]]) -> list[_T]:
    found: list[_T] = []
    i = 0
    while i < len(words):
        step = 1
        for name, value in index.get(words[i], ()):
            if words[i : i + len(name)] == name:
                found.append(value)
                step = len(name)
                break
        i += step
    return found


def match_medicines(text: str) -> tuple[AcbEntry, ...]:
    """Every drug on the scale named in `text`, in order, each once.

    A combination product gives each listed ingredient ("co-tenidone" gives atenolol and
    chlortalidone; "Paracetamol 500mg / codeine 30mg" gives codeine).
    """
    found: list[AcbEntry] = []
    for entries in _scan(_tokens(text), _index()):
        found.extend(e for e in entries if e not in found)
    return tuple(found)


def match_medicine(text: str) -> AcbEntry | None:
    """The drug on the scale that `text` names, or None. For combinations use match_medicines."""
    matches = match_medicines(text)
    return matches[0] if matches else None


def match_outside_scale(text: str) -> OutsideScaleEntry | None:
    """The first known medicine outside the 2012 list that `text` names, or None."""
    found = _scan(_tokens(text), _outside_index())
    return found[0] if found else None


def _did_you_mean(text: str) -> str:
    """The closest known name to a mistyped word ("oxybutinin" → "oxybutynin"), or ""."""
    for word in _tokens(text):
        if len(word) < 5 or word.isdigit():
            continue
        close = difflib.get_close_matches(word, _known_words(), n=1, cutoff=0.8)
        if close:
            return close[0]
    return ""


def acb_total(
    medicines: Iterable[str | MedicineRef], *, code_matcher: CodeMatcher | None = None
) -> AcbResult:
    """Total ACB score for a person's medicines, saying where every medicine that adds 0 went."""
    contributors: list[AcbContributor] = []
    not_recognised: list[NotRecognised] = []
    outside: list[OutsideScale] = []
    route: list[str] = []
    duplicates: list[str] = []
    counted: set[str] = set()
    for item in medicines:
        ref = item if isinstance(item, MedicineRef) else MedicineRef(item)
        written = ref.name
        if not written.strip():
            continue
        if is_topical_eye_or_ear(_tokens(written)):
            route.append(written)
            continue
        coded = code_matcher(ref.dmd_code) if code_matcher and ref.dmd_code else None
        matches = coded if coded is not None else match_medicines(written)
        if not matches:
            known = match_outside_scale(written)
            if known is None and coded is not None:  # a known code with no drug on the scale
                known = OutsideScaleEntry(written, (), (), "dm+d code")
            if known is not None:
                outside.append(OutsideScale(written, known))
            else:
                not_recognised.append(NotRecognised(written, _did_you_mean(written)))
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
        not_recognised=tuple(not_recognised),
        outside_scale=tuple(outside),
        not_counted_route=tuple(route),
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
