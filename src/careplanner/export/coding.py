"""The coding summary: SNOMED CT codes for what happened in the appointment, for the clinical system.

Only the verified concepts in `clinical.snomed` are used. Where none exists (a care plan *review*,
"advance care planning discussed", GAD-2, UCLA-3, most referrals) the entry says so plainly and carries
no code, so the clinician records it as text rather than trusting a guessed code.
"""

from __future__ import annotations

from dataclasses import dataclass

from careplanner.clinical import snomed
from careplanner.clinical.enums import CprDecision, PlanStatus, QuestionnaireKind, ReferralKind
from careplanner.clinical.questionnaires import answer_label, get_questionnaire, self_harm_answer
from careplanner.services.plan_data import PlanVersion

NO_CODE = "No verified SNOMED CT code: record this as text."
DEMENTIA_CODES = frozenset({"52448006", "26929004"})
QUESTIONNAIRE_NAMES = {
    QuestionnaireKind.PHQ2: "PHQ-2",
    QuestionnaireKind.PHQ9: "PHQ-9",
    QuestionnaireKind.GAD2: "GAD-2",
    QuestionnaireKind.GAD7: "GAD-7",
    QuestionnaireKind.UCLA3: "UCLA-3 loneliness",
    QuestionnaireKind.ONS_LONELINESS: "ONS loneliness question",
}


@dataclass(frozen=True)
class CodingEntry:
    """One thing that happened; `code` is None where no verified concept exists."""

    event: str
    code: str | None
    term: str
    value: str = ""

    @property
    def line(self) -> str:
        if self.code is None:
            return f"{self.event}: {NO_CODE}"
        value = f" = {self.value}" if self.value else ""
        return f"{self.code} {self.term}{value}  ({self.event})"


def _coded(event: str, concept_id: str, value: str = "") -> CodingEntry:
    return CodingEntry(event, concept_id, snomed.concept(concept_id).term, value)


def _uncoded(event: str) -> CodingEntry:
    return CodingEntry(event, None, "")


def coding_summary(plan: PlanVersion) -> list[CodingEntry]:
    """What to record for this plan version, in the order it happened."""
    content = plan.content
    dementia = any(c.snomed_code in DEMENTIA_CODES for c in content.medical.conditions if not c.is_history)
    out: list[CodingEntry] = []
    if plan.status is PlanStatus.AGREED:
        out.append(_coded("Care plan agreed", snomed.HEALTH_AND_SOCIAL_CARE_PLAN_AGREED))
        if dementia:
            out.append(_coded("Dementia care plan agreed", snomed.DEMENTIA_CARE_PLAN_AGREED))
        if plan.replaces_id:
            out.append(_uncoded("Care plan reviewed (replaces the previous version)"))
    elif plan.status is PlanStatus.DECLINED:
        if dementia:
            out.append(_coded("Written care plan declined", snomed.DEMENTIA_CARE_PLAN_DECLINED))
        else:
            out.append(_uncoded("Written care plan declined"))
    review = content.medical.review
    if review.frailty_score is not None:
        out.append(_coded("Clinical Frailty Scale", snomed.CFS_SCORE, str(review.frailty_score)))
    for q in content.holistic.questionnaires:
        harm = self_harm_answer(q.kind, q.answers)
        if harm is not None:
            # No verified concept for "PHQ-9 item 9 positive": recorded as text, finished form or not.
            out.append(
                _uncoded(
                    "PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered "
                    f"'{answer_label(q.kind, harm)}': SAFETY FLAG"
                )
            )
        if q.total is None:
            answered = sum(a is not None for a in q.answers)
            if answered:
                count = len(get_questionnaire(q.kind).items)
                out.append(
                    _uncoded(f"{QUESTIONNAIRE_NAMES[q.kind]} not finished ({answered} of {count} answered)")
                )
            continue
        name = QUESTIONNAIRE_NAMES[q.kind]
        found = snomed.score_concept_for(q.kind)
        if found is None:
            out.append(_uncoded(f"{name} score {q.total}"))
        else:
            out.append(CodingEntry(f"{name} score", found.concept_id, found.term, str(q.total)))
    wishes = content.future_wishes.wishes
    if wishes.wishes_to_discuss:
        out.append(_uncoded("Advance care planning discussed"))
        if wishes.lpa_health_welfare_exists:
            out.append(_coded("Health and welfare LPA in place", snomed.HAS_PERSONAL_WELFARE_LPA))
    if wishes.cpr_decision is CprDecision.NOT_FOR_CPR:
        out.append(_coded("CPR decision recorded", snomed.NOT_FOR_RESUSCITATION))
    elif wishes.cpr_decision is CprDecision.FOR_CPR:
        out.append(_coded("CPR decision recorded", snomed.FOR_RESUSCITATION))
    for r in content.goals.referrals:
        if r.kind is not ReferralKind.REFERRAL or not r.service.strip():
            continue
        if "social prescrib" in f"{r.service} {r.reason}".casefold():
            out.append(_coded(f"Referral to {r.service.strip()}", snomed.REFERRAL_TO_SOCIAL_PRESCRIBING))
        else:
            out.append(_uncoded(f"Referral to {r.service.strip()}"))
    return out


def coding_block(entries: list[CodingEntry]) -> str:
    """The summary as plain lines, for the app's copyable block."""
    return "\n".join(e.line for e in entries)


NO_VERIFIED_CODE = "no verified code — record as text"
CLIPBOARD_HEADER = "SNOMED CT concept id | term | value"


def _cell(text: str) -> str:
    """One column of a pasted line: no bar or line break of the person's text can split it."""
    return " ".join(text.replace("|", "/").split())


def clipboard_block(entries: list[CodingEntry]) -> str:
    """The codes as plain lines to paste into EMIS Web or SystmOne: "concept id | term | value".

    A line carries a concept id only when that id is in the app's verified list (clinical/snomed.csv,
    sources in resources/clinical/README.md) and passes its check digit, and its term is the list's own.
    Anything else, including an entry that arrives with an id the app cannot vouch for, says
    "no verified code — record as text" in the id column, so an unverified code is never pasted.
    """
    lines = [CLIPBOARD_HEADER]
    for e in entries:
        if e.code is not None and snomed.check_code(e.code) is snomed.CodeCheck.KNOWN:
            lines.append(f"{e.code} | {snomed.concept(e.code).term} | {_cell(e.value)}".rstrip())
        else:
            lines.append(f"{NO_VERIFIED_CODE} | {_cell(e.event)} | {_cell(e.value)}".rstrip())
    if not entries:
        lines.append("(nothing to record for this plan)")
    return "\n".join(lines)
