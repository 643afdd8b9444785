"""Clinical support while a plan is being written: the ACB total, live questionnaire scores, and a
suggested review date — each computed from the plan's own sections by the pure `clinical` code.

Nothing here opens the store: the inputs are the frozen sections the UI is editing, so the figures
update as the clinician types, before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from careplanner.clinical.acb import AcbResult
from careplanner.clinical.acb_text import acb_review_reason
from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaires import (
    PHQ9_SAFETY_ITEM,
    ScoreResult,
    score_questionnaire,
    self_harm_answer,
)
from careplanner.clinical.review_interval import ReviewSuggestion, add_months, suggest_review_interval
from careplanner.services.acb_checks import checked_total
from careplanner.services.errors import ValidationError
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import MedicalSection, PlanContent, QuestionnaireData

__all__ = ["ClinicalSupportService", "ReviewProposal"]


@dataclass(frozen=True)
class ReviewProposal:
    """A suggested review: the interval with its reasons, and the date it lands on."""

    suggestion: ReviewSuggestion
    review_date: date


def _latest(
    questionnaires: Sequence[QuestionnaireData], kinds: tuple[QuestionnaireKind, ...]
) -> ScoreResult | None:
    """The most recent complete result of these kinds, re-scored from its answers.

    Re-scoring (rather than trusting the stored total) keeps the suggestion right even if a stored
    band was computed with older rules; answers that no longer score are ignored.
    """
    best: tuple[date, int, ScoreResult] | None = None
    for position, q in enumerate(questionnaires):
        if q.kind not in kinds:
            continue
        try:
            result = score_questionnaire(q.kind, q.answers)
        except ValueError:
            continue
        if not result.complete:
            continue
        key = (q.taken_on or date.min, position, result)
        if best is None or key[:2] >= best[:2]:
            best = key
    return None if best is None else best[2]


def _latest_item9_positive(questionnaires: Sequence[QuestionnaireData]) -> bool:
    """Whether the most recent PHQ-9 in which question 9 was answered has it above "Not at all".

    Finished or not: a partial form does not cancel the answer (scores.md S2, S7). A PHQ-9 whose
    question 9 was never reached says nothing either way, so an earlier answer still stands.
    """
    best: tuple[date, int, bool] | None = None
    for position, q in enumerate(questionnaires):
        if q.kind is not QuestionnaireKind.PHQ9 or len(q.answers) <= PHQ9_SAFETY_ITEM:
            continue
        if q.answers[PHQ9_SAFETY_ITEM] is None:
            continue
        key = (q.taken_on or date.min, position, self_harm_answer(q.kind, q.answers) is not None)
        if best is None or key[:2] >= best[:2]:
            best = key
    return best is not None and best[2]


class ClinicalSupportService:
    """Scores and suggestions for the plan editor; pure functions over the plan's sections."""

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    @staticmethod
    def acb_for(section: MedicalSection) -> AcbResult:
        """The anticholinergic burden of the medicines the person will be taking after this review.

        Medicines the review decides to stop are left out, so the clinician sees the effect of
        stopping one; every other medicine counts, including those not yet reviewed.
        """
        # A line the clinician checked by hand (not on the scale) is no longer "not recognised"; it still
        # adds 0 (services/acb_checks.py).
        return checked_total(section)[0]

    def score(
        self, kind: QuestionnaireKind, answers: Sequence[int | None], taken_on: date | None = None
    ) -> QuestionnaireData:
        """A questionnaire result ready to store in the plan: band, and the PHQ-9 item 9 safety flag.

        While answers are missing the band is "incomplete" and the total is left empty, so a partial
        total is never saved as if it were a score. Raises ValidationError for impossible answers.
        """
        result = self.details(kind, answers)
        return QuestionnaireData(
            kind=kind,
            answers=tuple(answers),
            total=result.total if result.complete else None,
            band=result.band,
            safety_flag=result.safety_flag,
            taken_on=taken_on or self._today(),
        )

    @staticmethod
    def details(kind: QuestionnaireKind, answers: Sequence[int | None]) -> ScoreResult:
        """The full scoring result for the screen: band label, patient wording, follow-on, safety text."""
        try:
            return score_questionnaire(kind, answers)
        except ValueError as exc:
            raise ValidationError({"answers": str(exc)}) from exc

    def suggest_review(
        self, person: PersonRecord, content: PlanContent, *, start: date | None = None
    ) -> ReviewProposal:
        """Suggest 3, 6 or 12 months from `start` (today by default), with the reasons.

        Uses the frailty score from the medical review, the palliative care register flag on the
        person, the ACB total, the latest complete PHQ-9 total, GAD-7 and loneliness screens, any
        PHQ-9 item 9 answer above 0 (finished form or not), and the number of conditions. Always a
        suggestion: the UI lets it be changed.
        """
        questionnaires = content.holistic.questionnaires
        phq9 = _latest(questionnaires, (QuestionnaireKind.PHQ9,))
        gad7 = _latest(questionnaires, (QuestionnaireKind.GAD7,))
        lonely = _latest(questionnaires, (QuestionnaireKind.UCLA3, QuestionnaireKind.ONS_LONELINESS))
        self_harm = _latest_item9_positive(questionnaires)
        conditions = [
            c for c in content.medical.conditions if (c.term or c.plain_name).strip() and not c.is_history
        ]
        acb = self.acb_for(content.medical)
        try:
            suggestion = suggest_review_interval(
                frailty_score=content.medical.review.frailty_score,
                palliative=person.details.palliative_register,
                acb_total=acb.total,
                phq9_total=phq9.total if phq9 else None,
                gad7_total=gad7.total if gad7 else None,
                self_harm_thoughts=self_harm,
                conditions_count=len(conditions),
                lonely=bool(lonely and lonely.positive_screen),
            )
        except ValueError as exc:
            raise ValidationError({"frailty_score": str(exc)}) from exc
        acb_reason = acb_review_reason(acb)  # an unrecognised medicine may hide a high total
        if acb_reason:
            suggestion = replace(suggestion, reasons=(*suggestion.reasons, acb_reason))
        begin = start or self._today()
        return ReviewProposal(suggestion, add_months(begin, suggestion.months))
