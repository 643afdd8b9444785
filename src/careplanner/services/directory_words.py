"""Finding directory entries by what the person says ("lonely", "money worries"), not only by the
service's own name: a small table of everyday words and the words services are named and described
with (resources/directory_words.csv). It is vocabulary, not clinical advice: it only widens a search,
and what was found by a meaning word comes after what was found by the typed words themselves.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import TypeVar

__all__ = ["also_finds", "load_words", "meaning_matches", "words_of"]

T = TypeVar("T")


def words_of(text: str) -> list[str]:
    """Lower-case words of `text`, apostrophes dropped ("Carers' support" -> ["carers", "support"])."""
    return re.findall(r"[^\W_]+", text.casefold().replace("'", "").replace("’", ""))


def parse_words(data: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """word -> the phrases it also finds, each phrase as its words. Blank or malformed lines are skipped."""
    table: dict[str, tuple[tuple[str, ...], ...]] = {}
    for row in csv.DictReader(io.StringIO(data)):
        word = " ".join(words_of(row.get("word") or ""))
        phrases = tuple(tuple(words_of(p)) for p in (row.get("also_finds") or "").split(";") if words_of(p))
        if word and " " not in word and phrases:
            table[word] = table.get(word, ()) + phrases
    return table


@lru_cache(maxsize=1)
def load_words() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The shipped table (resources/directory_words.csv)."""
    return parse_words((files("careplanner.resources") / "directory_words.csv").read_text("utf-8"))


def also_finds(word: str) -> tuple[tuple[str, ...], ...]:
    """The phrases a typed word also finds ("lonely" -> ("befriending",), ("friendly",), ...)."""
    table = load_words()
    key = word.casefold()
    if key in table:
        return table[key]
    # A plural or a small ending typed ("debts", "worries"): look the stem up.
    for stem in (key.removesuffix("s"), key.removesuffix("es"), key.removesuffix("ies") + "y"):
        if stem != key and stem in table:
            return table[stem]
    return ()


def _has(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return all(any(w.startswith(p) for w in words) for p in phrase)


def meaning_matches(items: Iterable[T], text: str, words: Callable[[T], Sequence[str]]) -> list[T]:
    """Items that match `text` once each typed word may also be any phrase it finds: every typed word
    is matched by itself or by one of its phrases. Items with no meaning word involved are left to the
    ordinary search (the caller puts those first)."""
    query = words_of(text)
    groups = [((q,), *also_finds(q)) for q in query]
    if not query or all(len(g) == 1 for g in groups):
        return []
    found: list[T] = []
    for item in items:
        have = words(item)
        if all(any(_has(have, phrase) for phrase in group) for group in groups):
            found.append(item)
    return found
