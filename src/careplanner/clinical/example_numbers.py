"""Telephone numbers that are examples, not anyone's real number.

The directory shipped with the app is fictional: its numbers come from the ranges Ofcom keeps for use in
drama and examples ("Telephone numbers for drama purposes", Ofcom), which are never given to a real
line. A practice must replace them with its local services' real numbers, so the app marks them
"Example — replace" and the person's copy never prints one as if it could be rung.
"""

from __future__ import annotations

import re

__all__ = ["EXAMPLE_RANGES", "example_number_in", "is_example_number"]

#: (start, end) of each range, as national digits with the leading 0. Source: Ofcom, numbers for drama.
EXAMPLE_RANGES: tuple[tuple[str, str], ...] = (
    *((f"0{area}4960000", f"0{area}4960999") for area in ("113", "114", "115", "116", "117", "118")),
    *((f"0{area}4960000", f"0{area}4960999") for area in ("121", "131", "141", "151", "161")),
    ("02079460000", "02079460999"),  # London
    ("01914980000", "01914980999"),  # Tyneside
    ("02896496000", "02896496999"),  # Northern Ireland
    ("02920180000", "02920180999"),  # Cardiff
    ("01632960000", "01632960999"),  # no area
    ("07700900000", "07700900999"),  # mobile
    ("08081570000", "08081570999"),  # freephone
    ("09098790000", "09098790999"),  # premium rate
    ("03069990000", "03069990999"),  # UK-wide
)

_NUMBER = re.compile(r"\+?[\d][\d ()\-]{7,}\d")


def _national(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if text.strip().startswith("+44") else digits


def is_example_number(text: str) -> bool:
    """True when `text` is a telephone number in one of the example ranges."""
    digits = _national(text)
    return any(len(digits) == len(low) and low <= digits <= high for low, high in EXAMPLE_RANGES)


def example_number_in(text: str) -> str:
    """The first example number written anywhere in `text` ("Ring 01632 960006 (example)"), or ""."""
    for found in _NUMBER.finditer(text):
        if is_example_number(found.group()):
            return found.group()
    return ""
