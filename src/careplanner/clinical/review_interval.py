"""A suggested interval until the next care plan review, from the person's situation.

Always a suggestion: the clinician and the person agree the date, and the UI lets them change it.
The rule is simple on purpose so that it can be explained in one line on screen: 3 months when
any high-need sign is present, 6 months for moderate need, otherwise 12 months. Each reason is a
plain sentence so the clinician can see why.

The thresholds reuse published cut-points: CFS 5 "living with mild frailty" (frailty.py), ACB
total 3 (acb.py), PHQ-9 15 "moderately severe" and 10 "moderate", GAD-7 15 "severe" and 10
"moderate" (questionnaire_defs.py). The multimorbidity count of 3 is a local choice.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from careplanner.clinical.acb import ACB_WARNING_THRESHOLD
from careplanner.clinical.frailty import FRAIL_FROM, frailty_level

__all__ = [
    "HIGH_NEED_MONTHS",
    "MODERATE_NEED_MONTHS",
    "STABLE_MONTHS",
    "ReviewSuggestion",
    "add_months",
    "suggest_review_interval",
]

HIGH_NEED_MONTHS = 3
MODERATE_NEED_MONTHS = 6
STABLE_MONTHS = 12

#: Three or more long-term conditions suggest a 6-month review (a local choice).
MANY_CONDITIONS = 3


@dataclass(frozen=True, slots=True)
class ReviewSuggestion:
    """Suggested months to the next review, the need level, and the reasons in plain words."""

    months: int
    need: str  # "high", "moderate" or "stable"
    reasons: tuple[str, ...]


def suggest_review_interval(
    *,
    frailty_score: int | None,
    palliative: bool,
    acb_total: int,
    phq9_total: int | None = None,
    conditions_count: int = 0,
    gad7_total: int | None = None,
    self_harm_thoughts: bool = False,
    recent_unplanned_admission: bool = False,
    lonely: bool = False,
) -> ReviewSuggestion:
    """Suggest 3, 6 or 12 months. Raises ValueError for impossible inputs (e.g. CFS 10)."""
    if frailty_score is not None:
        frailty_level(frailty_score)  # validates 1-9
    _check_range("ACB total", acb_total, 0, None)
    _check_range("PHQ-9 total", phq9_total, 0, 27)
    _check_range("GAD-7 total", gad7_total, 0, 21)
    _check_range("number of conditions", conditions_count, 0, None)

    high: list[str] = []
    moderate: list[str] = []
    if palliative:
        high.append("On the palliative care register.")
    if frailty_score is not None and frailty_score >= FRAIL_FROM:
        name = frailty_level(frailty_score).name.lower()
        high.append(f"Clinical Frailty Scale {frailty_score} ({name}).")
    elif frailty_score == FRAIL_FROM - 1:
        moderate.append(f"Clinical Frailty Scale {frailty_score} (living with very mild frailty).")
    if acb_total >= ACB_WARNING_THRESHOLD:
        high.append(f"Anticholinergic burden total {acb_total} (3 or more).")
    if self_harm_thoughts:
        high.append("Thoughts of self-harm reported (PHQ-9 question 9).")
    if phq9_total is not None and phq9_total >= 15:
        high.append(f"PHQ-9 mood score {phq9_total} (moderately severe or severe).")
    elif phq9_total is not None and phq9_total >= 10:
        moderate.append(f"PHQ-9 mood score {phq9_total} (moderate).")
    if gad7_total is not None and gad7_total >= 15:
        high.append(f"GAD-7 anxiety score {gad7_total} (severe).")
    elif gad7_total is not None and gad7_total >= 10:
        moderate.append(f"GAD-7 anxiety score {gad7_total} (moderate).")
    if recent_unplanned_admission:
        high.append("Recent unplanned hospital admission.")
    if conditions_count >= MANY_CONDITIONS:
        moderate.append(f"Living with {conditions_count} long-term conditions.")
    if lonely:
        moderate.append("Feeling lonely.")

    if high:
        return ReviewSuggestion(HIGH_NEED_MONTHS, "high", tuple(high + moderate))
    if moderate:
        return ReviewSuggestion(MODERATE_NEED_MONTHS, "moderate", tuple(moderate))
    return ReviewSuggestion(
        STABLE_MONTHS, "stable", ("No signs of higher need were recorded: a yearly review.",)
    )


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def _check_range(what: str, value: int | None, low: int, high: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or value < low or (high is not None and value > high):
        limit = f"{low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(f"{what} must be {limit}, not {value!r}")
