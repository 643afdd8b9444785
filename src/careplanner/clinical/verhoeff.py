"""The Verhoeff check digit, the scheme SNOMED CT uses on the last digit of every identifier (SCTID).

It catches every single-digit typo and every swap of two neighbouring digits, which is why a
mistyped concept id can be refused before it reaches a record or an export.
Tables: the dihedral group D5 multiplication table and the position permutation, as published
by Verhoeff (1969) and in the SNOMED CT Technical Implementation Guide (check digit section).
"""

from __future__ import annotations

__all__ = ["verhoeff_check_digit", "verhoeff_valid"]

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _digits_only(text: str) -> bool:
    return bool(text) and all("0" <= ch <= "9" for ch in text)


def verhoeff_valid(number: str) -> bool:
    """True when `number` (ASCII digits, check digit last) passes the Verhoeff check."""
    if not _digits_only(number):
        return False
    check = 0
    for i, ch in enumerate(reversed(number)):
        check = _D[check][_P[i % 8][int(ch)]]
    return check == 0


def verhoeff_check_digit(payload: str) -> str:
    """The digit to append to `payload` (ASCII digits) so that the whole passes `verhoeff_valid`."""
    if not _digits_only(payload):
        raise ValueError("a Verhoeff payload is made of digits only")
    check = 0
    for i, ch in enumerate(reversed(payload)):
        check = _D[check][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[check])
