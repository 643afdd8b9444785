"""Scores as published (scores.md): PHQ-9/PHQ-2, GAD-7/GAD-2, UCLA-3, the ONS question."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careplanner.clinical.enums import QuestionnaireKind as K
from careplanner.clinical.questionnaires import (
    Cutoffs,
    get_questionnaire,
    score_questionnaire,
)


def answers_for(total: int, items: int, top: int = 3) -> list[int]:
    """Answers summing to `total`, filled from the first item, item 9 kept at 0 where possible."""
    out = [0] * items
    remaining = total
    for i in range(items):
        out[i] = min(top, remaining)
        remaining -= out[i]
    assert remaining == 0
    return out


# Band edges: each total at the bottom and top of every band.
PHQ9_EDGES = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe"),
]  # fmt: skip
GAD7_EDGES = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "severe"), (21, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), PHQ9_EDGES)
def test_phq9_band_edges(total: int, band: str) -> None:
    result = score_questionnaire(K.PHQ9, answers_for(total, 9))
    assert (result.total, result.band, result.complete, result.max_total) == (total, band, True, 27)
    assert result.band_label
    assert result.patient_wording


@pytest.mark.parametrize(("total", "band"), GAD7_EDGES)
def test_gad7_band_edges(total: int, band: str) -> None:
    result = score_questionnaire(K.GAD7, answers_for(total, 7))
    assert (result.total, result.band, result.max_total) == (total, band, 21)


def test_phq9_item9_flags_whatever_the_total() -> None:
    result = score_questionnaire(K.PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1
    assert result.band == "minimal"
    assert result.safety_flag
    assert "question 9" in result.safety_text


def test_phq9_item9_zero_does_not_flag_high_totals() -> None:
    result = score_questionnaire(K.PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.total == 24
    assert result.band == "severe"
    assert not result.safety_flag
    assert result.safety_text == ""


def test_item9_flags_even_when_other_items_unanswered() -> None:
    result = score_questionnaire(K.PHQ9, [None] * 8 + [2])
    assert result.safety_flag
    assert not result.complete


@pytest.mark.parametrize("kind", [K.PHQ2, K.GAD2])
@pytest.mark.parametrize(
    ("answers", "positive"), [([1, 1], False), ([2, 0], False), ([2, 1], True), ([3, 3], True)]
)
def test_two_item_screens_positive_at_3(kind: K, answers: list[int], positive: bool) -> None:
    result = score_questionnaire(kind, answers)
    assert result.positive_screen is positive
    assert result.band == ("positive" if positive else "negative")
    assert result.max_total == 6
    follow_on = {K.PHQ2: K.PHQ9, K.GAD2: K.GAD7}[kind]
    assert result.offer_full_version == (follow_on if positive else None)


def test_phq2_cutoff_can_be_configured() -> None:
    assert score_questionnaire(K.PHQ2, [1, 1], Cutoffs(phq2=2)).positive_screen
    assert not score_questionnaire(K.PHQ2, [1, 1]).positive_screen


def test_phq2_items_are_phq9_items_1_and_2() -> None:
    assert get_questionnaire(K.PHQ2).items == get_questionnaire(K.PHQ9).items[:2]
    assert get_questionnaire(K.GAD2).items == get_questionnaire(K.GAD7).items[:2]


def test_published_answer_points() -> None:
    options = get_questionnaire(K.PHQ9).options
    assert [(o.points, o.label) for o in options] == [
        (0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day"),
    ]  # fmt: skip
    assert "No permission required" in get_questionnaire(K.GAD7).attribution


def test_ucla3_range_and_cutoff() -> None:
    q = get_questionnaire(K.UCLA3)
    assert (q.min_total, q.max_total) == (3, 9)
    assert [o.label for o in q.options] == ["Hardly ever or never", "Some of the time", "Often"]
    assert score_questionnaire(K.UCLA3, [1, 1, 1]).band == "not_lonely"
    assert score_questionnaire(K.UCLA3, [2, 2, 1]).band == "not_lonely"  # 5
    assert score_questionnaire(K.UCLA3, [2, 2, 2]).band == "lonely"  # 6
    assert score_questionnaire(K.UCLA3, [3, 3, 3]).total == 9
    with pytest.raises(ValueError, match="not one of"):
        score_questionnaire(K.UCLA3, [0, 1, 1])


def test_ucla3_cutoff_configurable() -> None:
    assert score_questionnaire(K.UCLA3, [2, 1, 1], Cutoffs(ucla3=4)).positive_screen


def test_ons_question_is_a_category() -> None:
    q = get_questionnaire(K.ONS_LONELINESS)
    assert q.items == ("How often do you feel lonely?",)
    assert [o.label for o in q.options] == [
        "Often/always", "Some of the time", "Occasionally", "Hardly ever", "Never",
    ]  # fmt: skip
    assert not q.numeric_score
    often = score_questionnaire(K.ONS_LONELINESS, [4])
    assert often.band == "often_always"
    assert often.positive_screen
    assert score_questionnaire(K.ONS_LONELINESS, [0]).band == "never"
    assert not score_questionnaire(K.ONS_LONELINESS, [3]).positive_screen


def test_partial_answers_give_total_so_far() -> None:
    result = score_questionnaire(K.PHQ9, [3, 2, None, 1])
    assert result.total == 6
    assert not result.complete
    assert result.answered == 3
    assert result.band == "incomplete"
    assert "3 of 9" in result.band_label


def test_partial_total_already_over_cutoff_is_positive() -> None:
    result = score_questionnaire(K.GAD7, [3, 3, 3, 1])
    assert not result.complete
    assert result.positive_screen


@pytest.mark.parametrize(
    ("kind", "answers"),
    [(K.PHQ9, [4]), (K.PHQ9, [-1]), (K.GAD7, [0] * 8), (K.PHQ2, [True, 0]), (K.GAD2, "12")],
)
def test_bad_answers_raise(kind: K, answers: list[int]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several distinct messages
        score_questionnaire(kind, answers)


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_phq9_properties(answers: list[int | None]) -> None:
    result = score_questionnaire(K.PHQ9, answers)
    assert result.total == sum(a for a in answers if a is not None)
    assert result.complete is (None not in answers)
    assert result.safety_flag is bool(answers[8])
    assert 0 <= result.total <= 27


@pytest.mark.parametrize("kwargs", [{"phq2": 0}, {"gad2": 7}, {"ucla3": 3}, {"ucla3": 10}])
def test_impossible_cutoffs_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        Cutoffs(**kwargs)


def test_custom_cutoff_changes_band_labels() -> None:
    q = get_questionnaire(K.UCLA3, Cutoffs(ucla3=5))
    assert [(b.key, b.low, b.high) for b in q.bands] == [("not_lonely", 3, 4), ("lonely", 5, 9)]
