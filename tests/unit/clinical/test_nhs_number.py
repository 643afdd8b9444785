"""NHS number Modulus 11, against the worked examples in the NHS Data Dictionary notes (scores.md)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careplanner.clinical.nhs_number import (
    format_nhs_number,
    is_valid_nhs_number,
    make_valid_nhs_number,
    nhs_check_digit,
    normalise_nhs_number,
)


@pytest.mark.parametrize("number", ["943 476 5919", "654 100 3238", "671 668 9966", "123 456 7881"])
def test_published_valid_examples(number: str) -> None:
    assert is_valid_nhs_number(number)
    assert is_valid_nhs_number(number.replace(" ", ""))


@pytest.mark.parametrize(
    ("first_nine", "check"),
    [("943476591", 9), ("654100323", 8), ("671668996", 6), ("123456788", 1)],
)
def test_check_digit_matches_worked_example(first_nine: str, check: int) -> None:
    assert nhs_check_digit(first_nine) == check


def test_check_digit_ten_means_no_valid_number() -> None:
    # 123 456 789: weighted total 210, remainder 1, check 10 -> invalid (scores.md).
    assert nhs_check_digit("123456789") is None
    assert not is_valid_nhs_number("123 456 7890")


def test_eleven_becomes_zero() -> None:
    # 000 000 000: total 0, remainder 0, 11 - 0 = 11 -> 0, so ...0000 passes the sum but is all-same.
    assert nhs_check_digit("000000000") == 0
    assert not is_valid_nhs_number("000 000 0001")  # wrong check digit
    assert not is_valid_nhs_number("0000000000")  # all the same digit


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5918",  # last digit changed
        "2222222222",  # passes Modulus 11 but is a placeholder
        "94347659",  # too short
        "94347659199",  # too long
        "943476591X",
        "",
        "943 476 591\u0669",  # Arabic-Indic digit nine
    ],
)
def test_invalid_numbers(text: str) -> None:
    assert not is_valid_nhs_number(text)


def test_separators_and_formatting() -> None:
    assert normalise_nhs_number(" 943-476-5919 ") == "9434765919"
    assert is_valid_nhs_number("943-476-5919")
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number("94347") == "94347"


def test_check_digit_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="nine digits"):
        nhs_check_digit("12345678")


@given(st.integers(min_value=0, max_value=2**32))
def test_synthetic_numbers_are_valid_and_in_the_999_range(seed: int) -> None:
    number = make_valid_nhs_number(random.Random(seed))
    assert number.startswith("999")
    assert len(number) == 10
    assert is_valid_nhs_number(number)


def test_synthetic_numbers_are_reproducible() -> None:
    assert make_valid_nhs_number(random.Random(7)) == make_valid_nhs_number(random.Random(7))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9))
def test_exactly_one_final_digit_is_valid(first_nine: str, last: int) -> None:
    check = nhs_check_digit(first_nine)
    number = first_nine + str(last)
    expected = check is not None and check == last and len(set(number)) > 1
    assert is_valid_nhs_number(number) is expected


@given(st.text(max_size=20))
def test_never_raises_on_any_text(text: str) -> None:
    assert isinstance(is_valid_nhs_number(text), bool)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_single_digit_typo_is_always_caught(first_nine: str) -> None:
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = first_nine + str(check)
    for pos in range(10):
        for d in "0123456789":
            if d != number[pos]:
                assert not is_valid_nhs_number(number[:pos] + d + number[pos + 1 :])
