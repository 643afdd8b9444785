"""The published GP Connect placeholder 9999999999 (it passes Modulus 11) is called a placeholder, not a
mistyped number; a number that fails the check is still "check the 10 digits"."""

from __future__ import annotations

from careplanner.clinical.nhs_number import nhs_check_digit
from careplanner.clinical.nhs_number_problem import NOT_VALID, PLACEHOLDER, nhs_number_problem


def test_the_placeholder_is_named_as_one_and_a_typing_mistake_is_not() -> None:
    assert nhs_check_digit("999999999") == 9  # well formed, so "check the 10 digits" would mislead
    assert nhs_number_problem("999 999 9999") == PLACEHOLDER
    assert "placeholder" in PLACEHOLDER and "check the 10 digits" not in PLACEHOLDER
    assert nhs_number_problem("943 476 5918") == NOT_VALID
    assert nhs_number_problem("943 476 5919") == ""
