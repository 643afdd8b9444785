"""Last time's answers, for showing beside today's blank fields at a review.

A review draft starts today's scores blank (`carry_forward.py`); the clinician still needs last time's
to compare and to ask "how has that changed?". These read-only values come from the last agreed
version and are worded for the screen: "Several days (1)", "13 of 27, moderate", "4 (living with
very mild frailty)". The UI adds "Last time (date): " in front. Last time's medicine review decisions
are given by medicine (its lineage), since today's start as "Not reviewed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from careplanner.clinical.enums import MedicineDecision, QuestionnaireKind, WellbeingArea
from careplanner.clinical.frailty import frailty_level
from careplanner.clinical.questionnaires import (
    answer_label,
    get_questionnaire,
    score_questionnaire,
    self_harm_answer,
)
from careplanner.services.plan_data import HolisticSection, MedicalSection, MedicineData, QuestionnaireData

__all__ = [
    "HolisticLastTime",
    "MedicalLastTime",
    "QuestionnaireLastTime",
    "holistic_last_time",
    "medical_last_time",
    "medicine_decisions_last_time",
]


@dataclass(frozen=True)
class QuestionnaireLastTime:
    """One questionnaire as answered last time: each item's answer in words, and the result."""

    kind: QuestionnaireKind
    taken_on: date | None
    items: tuple[str, ...]
    summary: str
    self_harm: bool = False
    self_harm_answer: str = ""  # PHQ-9 question 9 in words ("More than half the days (2)") when above 0


@dataclass(frozen=True)
class HolisticLastTime:
    on: date | None = None
    questionnaires: dict[QuestionnaireKind, QuestionnaireLastTime] = field(default_factory=dict)
    wellbeing: dict[WellbeingArea, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.questionnaires and not self.wellbeing


@dataclass(frozen=True)
class MedicalLastTime:
    on: date | None = None
    frailty: str = ""
    notes: str = ""


def _summary(q: QuestionnaireData) -> tuple[str, bool]:
    try:
        result = score_questionnaire(q.kind, q.answers)
    except ValueError:
        return "could not be read", False
    title = get_questionnaire(q.kind).title
    if result.answered == 0:
        text = f"{title}: not answered"
    elif not result.complete:
        text = f"{title}: not finished ({result.answered} of {len(get_questionnaire(q.kind).items)} answered)"
    elif get_questionnaire(q.kind).numeric_score:
        text = f"{title}: {result.total} of {result.max_total}, {result.band_label.lower()}"
    else:
        text = f"{title}: {result.band_label}"
    harm = self_harm_answer(q.kind, q.answers)
    if harm is not None:
        text += f"; question 9 (thoughts of self-harm): {answer_label(q.kind, harm)}"
    return text, harm is not None


def _questionnaire(q: QuestionnaireData) -> QuestionnaireLastTime:
    count = len(get_questionnaire(q.kind).items)
    answers = list(q.answers) + [None] * max(0, count - len(q.answers))
    items = tuple(answer_label(q.kind, a) for a in answers[:count])
    summary, harm = _summary(q)
    answer = self_harm_answer(q.kind, q.answers)
    words = answer_label(q.kind, answer) if answer is not None else ""
    return QuestionnaireLastTime(q.kind, q.taken_on, items, summary, harm, words)


def holistic_last_time(section: HolisticSection | None, on: date | None) -> HolisticLastTime:
    """Last time's questionnaire answers and wellbeing ratings (`on`: the date that plan was agreed)."""
    if section is None:
        return HolisticLastTime(on)
    questionnaires: dict[QuestionnaireKind, QuestionnaireLastTime] = {}
    for q in section.questionnaires:
        previous = questionnaires.get(q.kind)
        if previous is None or (q.taken_on or date.min) >= (previous.taken_on or date.min):
            questionnaires[q.kind] = _questionnaire(q)
    wellbeing: dict[WellbeingArea, str] = {}
    for w in section.wellbeing:
        parts = [f"{w.score} out of 10" if w.score else "not rated"]
        if w.note.strip():
            parts.append(f'"{w.note.strip()}"')
        wellbeing[w.area] = ", ".join(parts)
    return HolisticLastTime(on, questionnaires, wellbeing)


def medical_last_time(section: MedicalSection | None, on: date | None) -> MedicalLastTime:
    """Last time's frailty score (with when it was assessed) and review notes."""
    if section is None:
        return MedicalLastTime(on)
    review = section.review
    frailty = ""
    if review.frailty_score is not None:
        try:
            name = frailty_level(review.frailty_score).name.lower()
            frailty = f"{review.frailty_score} ({name})"
        except ValueError:
            frailty = str(review.frailty_score)
        if review.frailty_assessed_on is not None:
            frailty += f", assessed {review.frailty_assessed_on.strftime('%d/%m/%Y')}"
    return MedicalLastTime(on, frailty, review.notes.strip())


_DECISION_WORDS = {
    MedicineDecision.CONTINUE: "Continue",
    MedicineDecision.CHANGE: "Change",
    MedicineDecision.STOP: "Stop",
    MedicineDecision.START: "Start",
}


def _decision_text(m: MedicineData) -> str:
    words = _DECISION_WORDS[m.decision]
    if m.decision_reason.strip():
        words += f" — {m.decision_reason.strip()}"
    if m.person_note.strip():
        words += f' (on the person\'s copy: "{m.person_note.strip()}")'
    return words


def medicine_decisions_last_time(section: MedicalSection | None) -> dict[str, str]:
    """Last time's review decision for each medicine that had one, by lineage id: "Change — dose
    halved" (the reason is the clinician's; this is for the screen, never the person's copy)."""
    if section is None:
        return {}
    return {
        m.lineage_id: _decision_text(m)
        for m in section.medicines
        if m.lineage_id and m.decision is not MedicineDecision.NOT_REVIEWED
    }
