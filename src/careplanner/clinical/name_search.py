"""Folding names into search tokens, so "zoe" finds Zoë and "lukasz" finds Łukasz.

Pure text rules; the store keeps one row per token (see models.person.PersonNameToken).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter plus accents.
_EXTRA = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)
_SPLIT = re.compile(r"[\s\-'’.,]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, keep letters and digits."""
    lowered = text.casefold().translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(*names: str) -> set[str]:
    """Every word of every name, folded; a hyphenated or apostrophe name also as one word."""
    tokens: set[str] = set()
    for name in names:
        folded = fold(name)
        tokens.update(t for t in _SPLIT.split(folded) if t)
        joined = _SPLIT.sub("", folded)
        if joined:
            tokens.add(joined)
    return {t[:200] for t in tokens}


def query_words(text: str) -> list[str]:
    """The words of a search box, folded the same way as the stored tokens."""
    return [w for w in _SPLIT.split(fold(text)) if w]


def sort_key(family_name: str, first_name: str, person_id: str) -> str:
    """Patient-list order (family name, then first name), folded, unique per person."""
    return f"{fold(family_name)}\x1f{fold(first_name)}\x1f{person_id}"
