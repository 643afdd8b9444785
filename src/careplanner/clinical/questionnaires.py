"""Live scoring of the mood, anxiety and loneliness questionnaires.

The clinician sees the score change as each answer is given, so scoring must cope with a form
that is only partly filled in: the total so far is reported and the result is marked incomplete
rather than guessed. Out-of-range answers are a programming error in the caller and raise.

Safety rule: on the PHQ-9, any answer above "Not at all" on item 9 (thoughts of being better off
dead or of self-harm) sets `safety_flag` whatever the total, because it needs follow-up the same
day (scores.md S2, S7). Who follows up, and how quickly, is local policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaire_defs import (
    QUESTIONNAIRES,
    AnswerOption,
    Band,
    Questionnaire,
    build_questionnaires,
)

__all__ = [
    "PHQ9_SAFETY_ITEM",
    "SAFETY_TEXT",
    "AnswerOption",
    "Band",
    "Cutoffs",
    "Questionnaire",
    "ScoreResult",
    "answer_label",
    "answered_in_full",
    "get_questionnaire",
    "score_questionnaire",
    "self_harm_answer",
]

#: Shown to the clinician when PHQ-9 item 9 is answered above "Not at all".
SAFETY_TEXT = (
    "PHQ-9 question 9 was answered above 'Not at all' (thoughts of being better off dead or of "
    "self-harm). Ask about this today and follow the practice's safety procedure, whatever the "
    "total score."
)

_PHQ9_SAFETY_ITEM = 8  # zero-based index of item 9
PHQ9_SAFETY_ITEM = _PHQ9_SAFETY_ITEM

# The full questionnaire offered after a positive short screen.
_FOLLOW_ON = {
    QuestionnaireKind.PHQ2: QuestionnaireKind.PHQ9,
    QuestionnaireKind.GAD2: QuestionnaireKind.GAD7,
}

# PHQ-9 >= 10 (88% sensitivity and specificity, Kroenke 2001, scores.md S6) and GAD-7 >= 10 (the
# suggested point for further evaluation, Spitzer 2006, S13, S14).
_FULL_SCALE_SCREEN_AT = {QuestionnaireKind.PHQ9: 10, QuestionnaireKind.GAD7: 10}


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Screening cut-offs a practice may configure; the defaults are the published ones."""

    phq2: int = 3
    gad2: int = 3
    ucla3: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.phq2 <= 6 or not 1 <= self.gad2 <= 6:
            raise ValueError("PHQ-2 and GAD-2 cut-offs must be between 1 and 6")
        if not 4 <= self.ucla3 <= 9:
            raise ValueError("the UCLA-3 cut-off must be between 4 and 9")


DEFAULT_CUTOFFS = Cutoffs()


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The result of scoring one questionnaire, for the screen and for the person's copy.

    `band` is a stable key ("moderate", "positive", "lonely", or "incomplete" while unanswered
    items remain). `positive_screen` means follow-up is suggested: the full questionnaire after
    PHQ-2/GAD-2, further assessment for PHQ-9/GAD-7 of 10 or more, a conversation about
    loneliness for UCLA-3 at the cut-off or the ONS answer "Often/always". Because every item
    adds points, a partial total that already reaches a cut-off is reported as positive.
    """

    kind: QuestionnaireKind
    total: int
    complete: bool
    answered: int
    band: str
    band_label: str
    patient_wording: str
    positive_screen: bool
    safety_flag: bool
    max_total: int
    offer_full_version: QuestionnaireKind | None = None
    safety_text: str = ""


def get_questionnaire(kind: QuestionnaireKind, cutoffs: Cutoffs = DEFAULT_CUTOFFS) -> Questionnaire:
    """The questionnaire's items, options and bands, for building the form."""
    if cutoffs == DEFAULT_CUTOFFS:
        return QUESTIONNAIRES[kind]
    return _with_cutoffs(cutoffs)[kind]


def score_questionnaire(
    kind: QuestionnaireKind,
    answers: Sequence[int | None],
    cutoffs: Cutoffs = DEFAULT_CUTOFFS,
) -> ScoreResult:
    """Score `answers` (one entry per item: the chosen option's points, or None if unanswered).

    A shorter sequence counts the missing items as unanswered. Raises ValueError when there are
    more answers than items or an answer is not one of the item's options.
    """
    q = get_questionnaire(kind, cutoffs)
    _check_answers(q, answers)
    given = [a for a in answers if a is not None]
    total = sum(given)
    complete = len(given) == len(q.items)

    safety_flag = (
        kind is QuestionnaireKind.PHQ9
        and len(answers) > _PHQ9_SAFETY_ITEM
        and (answers[_PHQ9_SAFETY_ITEM] or 0) > 0
    )

    if complete:
        band = _band_for(q, total)
        band_key, band_label, wording = band.key, band.label, band.patient_wording
    else:
        band_key = "incomplete"
        if q.numeric_score:
            band_label = f"Not finished: {len(given)} of {len(q.items)} answered, {total} so far"
        else:
            band_label = "Not answered"
        wording = ""

    positive = _is_positive(kind, q, total, complete, cutoffs)
    follow_on = _FOLLOW_ON.get(kind) if positive else None
    return ScoreResult(
        kind=kind,
        total=total,
        complete=complete,
        answered=len(given),
        band=band_key,
        band_label=band_label,
        patient_wording=wording,
        positive_screen=positive,
        safety_flag=safety_flag,
        max_total=q.max_total,
        offer_full_version=follow_on,
        safety_text=SAFETY_TEXT if safety_flag else "",
    )


def _check_answers(q: Questionnaire, answers: Sequence[int | None]) -> None:
    if isinstance(answers, str | bytes):
        raise ValueError("answers must be a sequence of numbers, not text")
    if len(answers) > len(q.items):
        raise ValueError(f"{q.title} has {len(q.items)} items but {len(answers)} answers were given")
    valid = q.valid_points
    for number, answer in enumerate(answers, start=1):
        if answer is None:
            continue
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in valid:
            allowed = ", ".join(str(p) for p in sorted(valid))
            raise ValueError(f"{q.title} item {number}: {answer!r} is not one of {allowed}")


def _band_for(q: Questionnaire, total: int) -> Band:
    for band in q.bands:
        if band.low <= total <= band.high:
            return band
    raise ValueError(f"{q.title}: total {total} is outside every band")  # pragma: no cover


def _is_positive(
    kind: QuestionnaireKind, q: Questionnaire, total: int, complete: bool, cutoffs: Cutoffs
) -> bool:
    if kind is QuestionnaireKind.PHQ2:
        return total >= cutoffs.phq2
    if kind is QuestionnaireKind.GAD2:
        return total >= cutoffs.gad2
    if kind is QuestionnaireKind.UCLA3:
        return total >= cutoffs.ucla3
    if kind is QuestionnaireKind.ONS_LONELINESS:
        return complete and total == q.max_total  # "Often/always", the ONS indicator
    return total >= _FULL_SCALE_SCREEN_AT[kind]


_cache: dict[Cutoffs, dict[QuestionnaireKind, Questionnaire]] = {}


def _with_cutoffs(cutoffs: Cutoffs) -> dict[QuestionnaireKind, Questionnaire]:
    if cutoffs not in _cache:
        _cache[cutoffs] = build_questionnaires(
            phq2_cutoff=cutoffs.phq2, gad2_cutoff=cutoffs.gad2, ucla_cutoff=cutoffs.ucla3
        )
    return _cache[cutoffs]


def self_harm_answer(kind: QuestionnaireKind, answers: Sequence[int | None]) -> int | None:
    """The points given on PHQ-9 item 9 when they are above 0, else None.

    Read from the answers themselves, finished form or not: an unfinished PHQ-9 does not cancel an
    answer about thoughts of self-harm (scores.md S2, S7).
    """
    if kind is not QuestionnaireKind.PHQ9 or len(answers) <= _PHQ9_SAFETY_ITEM:
        return None
    value = answers[_PHQ9_SAFETY_ITEM]
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def answered_in_full(kind: QuestionnaireKind, answers: Sequence[int | None]) -> bool:
    """Every item answered: one answered item is not a completed questionnaire."""
    q = get_questionnaire(kind)
    return len(answers) == len(q.items) and all(a is not None for a in answers)


def answer_label(kind: QuestionnaireKind, points: int | None) -> str:
    """The answer's words, with its points where the questionnaire is scored ("Several days (1)")."""
    if points is None:
        return "Not answered"
    q = get_questionnaire(kind)
    for option in q.options:
        if option.points == points:
            return f"{option.label} ({points})" if q.numeric_score else option.label
    return str(points)
