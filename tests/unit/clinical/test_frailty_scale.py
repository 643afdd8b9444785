"""Clinical Frailty Scale v2.0 names (scores.md section 7)."""

from __future__ import annotations

import pytest

from careplanner.clinical.frailty import FRAILTY_LEVELS, frailty_level, is_frail


def test_v2_names() -> None:
    assert [lvl.name for lvl in FRAILTY_LEVELS] == [
        "Very fit",
        "Fit",
        "Managing well",
        "Living with very mild frailty",
        "Living with mild frailty",
        "Living with moderate frailty",
        "Living with severe frailty",
        "Living with very severe frailty",
        "Terminally ill",
    ]
    assert frailty_level(4).v1_name == "Vulnerable"
    assert frailty_level(2).v1_name == "Well"


@pytest.mark.parametrize(("score", "frail"), [(1, False), (4, False), (5, True), (9, True)])
def test_frail_from_five(score: int, frail: bool) -> None:
    assert is_frail(score) is frail


@pytest.mark.parametrize("score", [0, 10, -1])
def test_out_of_range(score: int) -> None:
    with pytest.raises(ValueError, match="1 to 9"):
        frailty_level(score)
