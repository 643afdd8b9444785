"""Example telephone numbers (Ofcom's ranges for drama) are told apart from numbers that can be rung."""

from __future__ import annotations

import pytest

from careplanner.clinical.directory import load_default_services
from careplanner.clinical.example_numbers import example_number_in, is_example_number


@pytest.mark.parametrize(
    "number", ["0113 496 0001", "01632 960006", "+44 1632 960006", "020 7946 0123", "07700 900999"]
)
def test_numbers_in_the_example_ranges_are_examples(number: str) -> None:
    assert is_example_number(number)


@pytest.mark.parametrize("number", ["0113 496 1001", "0113 000 3144", "111", "999", "01632 961000", ""])
def test_other_numbers_are_not(number: str) -> None:
    assert not is_example_number(number)


def test_every_number_in_the_shipped_directory_is_an_example() -> None:
    phones = [s.phone for s in load_default_services() if s.phone]
    assert phones and all(is_example_number(p) for p in phones)


def test_an_example_number_is_found_inside_other_words() -> None:
    assert example_number_in("01632 960006 (Example — replace)") == "01632 960006"
    assert example_number_in("ring 0113 000 3144 after 9") == ""
