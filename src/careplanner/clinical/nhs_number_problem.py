"""What is wrong with an NHS number, in words the clinician can act on.

A number of one repeated digit (9999999999, 0000000000 ...) is a placeholder, not a person's number:
NHS England's published GP Connect example records carry 9999999999 for their synthetic test patients
(nhsconnect/gpconnect, `_includes/accessrecord_structured/*.json`; see resources/clinical/README.md).
9999999999 even passes the Modulus 11 check, so "check the 10 digits" would send the clinician looking
for a typing mistake that is not there. Every other failure is a wrong length, a non-digit or a failed
Modulus 11 check: then the digits do need checking.
"""

from __future__ import annotations

from careplanner.clinical.nhs_number import is_valid_nhs_number, normalise_nhs_number

__all__ = ["NOT_VALID", "PLACEHOLDER", "is_placeholder_nhs_number", "nhs_number_problem"]

NOT_VALID = "This NHS number is not valid: check the 10 digits."
PLACEHOLDER = (
    "This NHS number is a placeholder used in test and example records (one digit repeated), not a "
    "real person's NHS number."
)


def is_placeholder_nhs_number(text: str) -> bool:
    """Ten of one digit, spaces and hyphens aside."""
    digits = normalise_nhs_number(text)
    return len(digits) == 10 and digits.isascii() and digits.isdigit() and len(set(digits)) == 1


def nhs_number_problem(text: str) -> str:
    """ "" for a well-formed NHS number, else why not, in plain words."""
    if is_valid_nhs_number(text):
        return ""
    return PLACEHOLDER if is_placeholder_nhs_number(text) else NOT_VALID
