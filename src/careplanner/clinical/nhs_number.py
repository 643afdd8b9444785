"""NHS number checks: Modulus 11 as published in the NHS Data Dictionary ("NHS NUMBER").

A wrong NHS number attaches a plan to the wrong person, so every number typed or imported is
checked here before it is stored. Passing the check only shows the number is well formed; it does
not show that the number belongs to anyone.

Algorithm (NHS Data Dictionary, NHS NUMBER): weight digits 1-9 by 10 down to 2, sum, take the
remainder mod 11, check = 11 - remainder; 11 means 0 and 10 means the number is invalid.
"""

from __future__ import annotations

import random

__all__ = [
    "SYNTHETIC_PREFIX",
    "format_nhs_number",
    "is_valid_nhs_number",
    "make_valid_nhs_number",
    "nhs_check_digit",
    "normalise_nhs_number",
]

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)

#: Synthetic numbers start with 999: the range conventionally kept for test data, so a generated
#: number should never be a real person's. (That an official test range exists is marked
#: UNVERIFIED in the project's reference notes; the prefix is still the safest choice we have.)
SYNTHETIC_PREFIX = "999"


def normalise_nhs_number(text: str) -> str:
    """Strip spaces and hyphens, the separators people and letters use ("943 476 5919").

    Other characters are kept so that validation can reject them rather than silently dropping
    them.
    """
    return "".join(ch for ch in text.strip() if ch not in " -\t")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when it would be 10 (no valid number).

    Raises ValueError if `first_nine` is not exactly nine ASCII digits, because a silent wrong
    answer here would be worse than a crash in the caller's tests.
    """
    if len(first_nine) != 9 or not _is_ascii_digits(first_nine):
        raise ValueError("expected exactly nine digits")
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(text: str) -> bool:
    """True when `text` (spaces and hyphens allowed) is a well-formed NHS number.

    Rejects wrong length, non-digits, a check digit of 10, a wrong check digit, and numbers made
    of one repeated digit (such as 2222222222, which passes Modulus 11 but is a placeholder).
    """
    digits = normalise_nhs_number(text)
    if len(digits) != 10 or not _is_ascii_digits(digits):
        return False
    if len(set(digits)) == 1:
        return False
    check = nhs_check_digit(digits[:9])
    return check is not None and check == int(digits[9])


def format_nhs_number(text: str) -> str:
    """Show a number in the 3-3-4 grouping used on NHS letters ("943 476 5919").

    Text that is not ten digits is returned normalised but otherwise untouched, so the UI can
    show what was typed next to the validation message.
    """
    digits = normalise_nhs_number(text)
    if len(digits) != 10 or not _is_ascii_digits(digits):
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def make_valid_nhs_number(rng: random.Random) -> str:
    """A valid synthetic NHS number in the 999 range (999 000 0000 - 999 999 9999).

    Takes an explicit Random so seeded demo data is reproducible.
    """
    while True:
        first_nine = SYNTHETIC_PREFIX + f"{rng.randrange(1_000_000):06d}"
        check = nhs_check_digit(first_nine)
        if check is None:
            continue
        number = first_nine + str(check)
        if len(set(number)) == 1:
            continue
        return number


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() accepts other scripts' digits and superscripts; NHS numbers are ASCII only.
    return all("0" <= ch <= "9" for ch in text)
