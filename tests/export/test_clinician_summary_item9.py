"""Issue 10, defect 3: the printed clinician summary keeps the PHQ-9 item 9 flag of an unfinished
questionnaire, and prints what was done about it (or that nothing is recorded)."""

from __future__ import annotations

from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text

UNFINISHED = d.QuestionnaireData(
    QuestionnaireKind.PHQ9, (1, 1, 0, 1, 0, None, None, None, 3), None, "incomplete", False
)


def _summary(
    ctx: AppContext, actor: Actor, exports: ExportService, tmp_path: Path, review: d.HolisticData
) -> str:
    person = ctx.services.people.create(make_person(first_name="Ned", family_name="Testnine"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    section = d.HolisticSection(review=review, questionnaires=(UNFINISHED,))
    ctx.services.plans.save_section(draft.id, section, actor)
    return " ".join(
        pdf_text(exports.clinician_summary_pdf(person.id, actor, plan_id=draft.id), tmp_path).split()
    )


def test_unfinished_phq9_item_9_is_printed_with_nothing_recorded(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    text = _summary(ctx, actor, exports, tmp_path, d.HolisticData())
    assert "PHQ-9 not finished (6 of 9 answered): no score" in text
    assert "SAFETY FLAG: question 9 (thoughts of self-harm) answered 'Nearly every day (3)'" in text
    assert "Safety: PHQ-9 question 9 (thoughts of self-harm)" in text
    assert "What was asked and done: NOT RECORDED" in text
    assert "Who was told: NOT RECORDED" in text
    assert "Crisis numbers given: NOT RECORDED" in text
    assert "Numbers to give: NHS 111, option 2 (mental health); Samaritans 116 123" in text


def test_what_was_done_is_printed(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    review = d.HolisticData(
        safety_action="Asked about plans: none. Safety plan made.",
        safety_told="Dr Synthetic, GP",
        safety_numbers_given="NHS 111, option 2 (mental health); Samaritans 116 123",
    )
    text = _summary(ctx, actor, exports, tmp_path, review)
    assert "What was asked and done: Asked about plans: none. Safety plan made." in text
    assert "Who was told: Dr Synthetic, GP" in text
    assert "Crisis numbers given: NHS 111, option 2 (mental health); Samaritans 116 123" in text
    for line in ("What was asked and done", "Who was told", "Crisis numbers given"):
        assert f"{line}: NOT RECORDED" not in text
