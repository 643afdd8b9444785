"""Practice settings validation and contact-role numbers."""

from __future__ import annotations

import pytest

from careplanner.clinical.enums import ContactRole
from careplanner.clinical.practice import PracticeSettings, is_plausible_uk_phone

GOOD = PracticeSettings("Riverside Surgery", "L81008", "0113 496 0000", "01632 960000", "1 High Street")


def test_good_settings() -> None:
    assert GOOD.validate() == {}


def test_each_bad_field_reported() -> None:
    bad = PracticeSettings("", "81008", "0113 496", "call us", nhs_111="112", emergency="998")
    assert set(bad.validate()) == {
        "practice_name", "ods_code", "in_hours_phone", "out_of_hours_phone", "nhs_111", "emergency",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("code", "ok"), [("L81008", True), (" l81008 ", True), ("RA7", False), ("LL1008", False)]
)
def test_ods_code(code: str, ok: bool) -> None:
    s = PracticeSettings("P", code, "0113 496 0000", "0113 496 0001")
    assert ("ods_code" not in s.validate()) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("0113 496 0000", True),
        ("01632 960000", True),
        ("(0113) 496-0000", True),
        ("+44 113 496 0000", True),
        ("111", True),
        ("999", True),
        ("0113 496 00O0", False),
        ("0113 496", False),
        ("+1 202 555 0100", False),
        ("+44 0113 496 0000", False),
        ("", False),
    ],
)
def test_phone(number: str, ok: bool) -> None:
    assert is_plausible_uk_phone(number) is ok


def test_numbers_for_roles() -> None:
    assert GOOD.number_for(ContactRole.PRACTICE) == "0113 496 0000"
    assert GOOD.number_for(ContactRole.OUT_OF_HOURS) == "01632 960000"
    assert GOOD.number_for(ContactRole.NHS_111) == "111"
    assert GOOD.number_for(ContactRole.EMERGENCY_999) == "999"
    assert GOOD.number_for(ContactRole.NAMED_NURSE) is None
