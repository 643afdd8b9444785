"""The clinician summary's scores and its PHQ-9 item 9 safety block.

An unfinished questionnaire is printed as unfinished (never as a score), and an answer above "Not at
all" on PHQ-9 item 9 is printed whether or not the form was finished: the interview may have stopped
at that very question. The block beside it says what was asked and done, who was told and which crisis
numbers the person was given, or says plainly that nothing is recorded.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from careplanner.clinical.practice import PracticeSettings
from careplanner.clinical.questionnaires import answer_label, get_questionnaire, self_harm_answer
from careplanner.export import pdf_base as pb
from careplanner.export.coding import QUESTIONNAIRE_NAMES
from careplanner.services.plan_data import HolisticSection, QuestionnaireData

__all__ = ["safety_lines", "score_line"]

NOT_RECORDED = "NOT RECORDED"


def score_line(q: QuestionnaireData) -> str:
    """One questionnaire for the Scores list: the score and band, or how far it got."""
    name = QUESTIONNAIRE_NAMES[q.kind]
    if q.total is not None:
        line = f"{name} {q.total} ({q.band})"
    else:
        answered = sum(a is not None for a in q.answers)
        count = len(get_questionnaire(q.kind).items)
        line = f"{name} not finished ({answered} of {count} answered): no score"
    harm = self_harm_answer(q.kind, q.answers)
    if harm is not None or q.safety_flag:
        said = answer_label(q.kind, harm) if harm is not None else "above 'Not at all'"
        line += f" — SAFETY FLAG: question 9 (thoughts of self-harm) answered '{said}'"
    return line


def _style(s: pb.Styles) -> ParagraphStyle:
    return ParagraphStyle("safety", parent=s.small, textColor=colors.black)


def safety_lines(
    holistic: HolisticSection, practice: PracticeSettings | None, s: pb.Styles
) -> list[Flowable]:
    """The item 9 block, when any PHQ-9 has item 9 above 0 (or a stored flag); else nothing."""
    flagged = [
        q for q in holistic.questionnaires if self_harm_answer(q.kind, q.answers) is not None or q.safety_flag
    ]
    if not flagged:
        return []
    review = holistic.review
    style = _style(s)
    lines = [
        "What was asked and done: " + (review.safety_action.strip() or NOT_RECORDED),
        "Who was told: " + (review.safety_told.strip() or NOT_RECORDED),
        "Crisis numbers given: " + (review.safety_numbers_given.strip() or NOT_RECORDED),
    ]
    if not review.safety_numbers_given.strip() and practice is not None:
        lines.append("Numbers to give: " + "; ".join(practice.crisis_numbers()))
    return [
        Paragraph("Safety: PHQ-9 question 9 (thoughts of self-harm)", s.h3),
        *(pb.para(line, style) for line in lines),
    ]
