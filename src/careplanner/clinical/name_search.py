"""Folding names into search tokens, so "zoe" finds Zoë and "lukasz" finds Łukasz.

Pure text rules; the store keeps one row per token (see models.person.PersonNameToken). Invisible
characters (zero-width spaces and joiners, direction overrides, control characters) are no part of a
name: `clean_name` removes them before a name is stored, and `fold` ignores them, so "Zo\u200be" is
found by "zoe" and cannot hide a second record for the same person.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter plus accents.
_EXTRA = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)
_SPLIT = re.compile(r"[\s\-'’.,]+")
# Format (Cf: zero-width, bidi controls, soft hyphen) and control (Cc) characters.
_INVISIBLE = frozenset({"Cf", "Cc"})


def _visible(ch: str) -> bool:
    """Not a format or control character (white space counts as visible: it separates words)."""
    return ch.isspace() or unicodedata.category(ch) not in _INVISIBLE


def clean_name(text: str) -> str:
    """A name as it is stored: invisible characters removed, composed (NFC), trimmed; tabs and line
    breaks become spaces, so two words never run together."""
    spaced = "".join(" " if ch.isspace() else ch for ch in text if _visible(ch))
    return unicodedata.normalize("NFC", spaced).strip()


def fold(text: str) -> str:
    """Lower-case, strip accents and invisible characters, keep letters and digits."""
    lowered = text.casefold().translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and _visible(ch))


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
