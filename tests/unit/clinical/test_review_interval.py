"""Suggested review intervals."""

from __future__ import annotations

import datetime as dt

import pytest

from careplanner.clinical.review_interval import add_months, suggest_review_interval


def test_stable_is_twelve_months() -> None:
    s = suggest_review_interval(frailty_score=2, palliative=False, acb_total=0)
    assert (s.months, s.need) == (12, "stable")
    assert s.reasons


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"frailty_score": 5}, "Clinical Frailty Scale 5"),
        ({"palliative": True}, "palliative"),
        ({"acb_total": 3}, "Anticholinergic burden total 3"),
        ({"phq9_total": 15}, "PHQ-9"),
        ({"gad7_total": 15}, "GAD-7"),
        ({"self_harm_thoughts": True}, "self-harm"),
        ({"recent_unplanned_admission": True}, "admission"),
    ],
)
def test_high_need_is_three_months(kwargs: dict[str, object], words: str) -> None:
    base: dict[str, object] = {"frailty_score": None, "palliative": False, "acb_total": 0}
    base.update(kwargs)
    s = suggest_review_interval(**base)  # type: ignore[arg-type]
    assert s.months == 3
    assert any(words in r for r in s.reasons), s.reasons


@pytest.mark.parametrize(
    "kwargs",
    [{"frailty_score": 4}, {"phq9_total": 10}, {"gad7_total": 14}, {"conditions_count": 3}, {"lonely": True}],
)
def test_moderate_need_is_six_months(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"frailty_score": None, "palliative": False, "acb_total": 2}
    base.update(kwargs)
    s = suggest_review_interval(**base)  # type: ignore[arg-type]
    assert (s.months, s.need) == (6, "moderate")


def test_edges_below_thresholds_stay_stable() -> None:
    s = suggest_review_interval(
        frailty_score=3, palliative=False, acb_total=2, phq9_total=9, gad7_total=9, conditions_count=2
    )
    assert s.months == 12


def test_all_reasons_listed() -> None:
    s = suggest_review_interval(frailty_score=6, palliative=True, acb_total=4, conditions_count=5)
    assert s.months == 3
    assert len(s.reasons) == 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frailty_score": 10},
        {"acb_total": -1},
        {"phq9_total": 28},
        {"gad7_total": 22},
        {"conditions_count": -2},
    ],
)
def test_impossible_inputs(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"frailty_score": None, "palliative": False, "acb_total": 0}
    base.update(kwargs)
    with pytest.raises(ValueError):  # noqa: PT011
        suggest_review_interval(**base)  # type: ignore[arg-type]


def test_add_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert add_months(dt.date(2026, 6, 1), 12) == dt.date(2027, 6, 1)
