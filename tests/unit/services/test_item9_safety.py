"""Issue 10, defect 3: PHQ-9 item 9 above 0 survives an unfinished questionnaire, and "Before you agree"
will not pass silently while nothing is recorded about it."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

from careplanner.app import AppContext
from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.coding import coding_block, coding_summary
from careplanner.services import plan_data as d
from careplanner.services.consultation import ChecklistItem, blocking_items, plan_checklist
from careplanner.services.users import Actor
from tests.conftest import make_person

TODAY = date(2026, 11, 22)
# The interview stopped after question 9 ("Nearly every day"); items 6-8 were never asked.
UNFINISHED = d.QuestionnaireData(
    QuestionnaireKind.PHQ9, (1, 1, 0, 1, 0, None, None, None, 3), None, "incomplete", True, TODAY
)
NOT_FLAGGED_BUT_POSITIVE = replace(UNFINISHED, safety_flag=False)  # an older store's row: read the answer
RECORDED = d.HolisticData(
    safety_action="Asked about plans and intent: none. Safety plan made; GP to ring today.",
    safety_told="Dr Synthetic, GP",
    safety_numbers_given="NHS 111, option 2 (mental health); Samaritans 116 123",
)


def _content(q: d.QuestionnaireData, review: d.HolisticData | None = None) -> d.PlanContent:
    return d.PlanContent(
        holistic=d.HolisticSection(review=review or d.HolisticData(), questionnaires=(q,)),
        sharing=d.SharingSection(sharing=d.SharingData(review_date=date(2027, 2, 1))),
    )


def test_unfinished_phq9_with_item_9_suggests_a_three_month_review(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    for q in (UNFINISHED, NOT_FLAGGED_BUT_POSITIVE):
        proposal = ctx.services.clinical.suggest_review(person, _content(q), start=TODAY)
        assert proposal.suggestion.months == 3, proposal.suggestion.reasons
        assert any("self-harm" in r for r in proposal.suggestion.reasons)
        assert not any("yearly" in r for r in proposal.suggestion.reasons)


def test_coding_summary_keeps_the_flag_of_an_unfinished_phq9(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(draft.id, _content(NOT_FLAGGED_BUT_POSITIVE).holistic, actor)
    plan = ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 2, 1))
    block = coding_block(coding_summary(plan))
    assert "PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered" in block
    assert "'Nearly every day (3)': SAFETY FLAG" in block
    assert "PHQ-9 not finished (6 of 9 answered)" in block
    assert "PHQ-9 score" not in block  # no partial total coded as if it were a score


def test_checklist_blocks_until_what_was_done_is_recorded() -> None:
    items = plan_checklist(_content(UNFINISHED), TODAY)
    blocking = blocking_items(items)
    assert [(b.step, b.field) for b in blocking] == [("holistic", "safety_action")]
    assert items[0] is blocking[0]  # blocking items come first
    reminders = {(i.field, i.blocking) for i in items}
    assert ("safety_told", False) in reminders and ("safety_numbers_given", False) in reminders
    # Recorded: nothing blocks, and no reminder about item 9 is left.
    done = plan_checklist(_content(UNFINISHED, RECORDED), TODAY)
    assert blocking_items(done) == []
    assert not any(i.field.startswith("safety_") for i in done)
    # Item 9 answered "Not at all": nothing to record.
    calm = replace(UNFINISHED, answers=(1, 1, 0, 1, 0, None, None, None, 0), safety_flag=False)
    assert not any(i.field.startswith("safety_") for i in plan_checklist(_content(calm), TODAY))


def test_checklist_item_has_blocking_as_its_last_field() -> None:
    assert [f.name for f in fields(ChecklistItem)][-1] == "blocking"
    assert ChecklistItem("m", "sharing", "review_date").blocking is False


def test_safety_record_is_stored_in_the_plan(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(draft.id, _content(UNFINISHED, RECORDED).holistic, actor)
    stored = ctx.services.plans.get(draft.id).content.holistic
    assert stored.review == RECORDED
    assert stored.questionnaires[0].answers == UNFINISHED.answers


def test_practice_settings_hold_the_local_crisis_team(ctx: AppContext, practice_admin: Actor) -> None:
    settings = PracticeSettings(
        "Riverside Surgery", "B86999", "0113 496 0001", "0113 496 0999", crisis_team_phone="0113 496 0555"
    )
    saved = ctx.services.practice.update(settings, practice_admin)
    assert ctx.services.practice.get() == saved
    assert saved.crisis_numbers() == (
        "NHS 111, option 2 (mental health)",
        "Samaritans 116 123 (free, day or night)",
        "Local mental health crisis team 0113 496 0555",
    )
    assert replace(settings, crisis_team_phone="call the team").validate() == {
        "crisis_team_phone": "Enter the local crisis team's number, for example 0113 496 0123."
    }
    assert replace(settings, crisis_team_phone="").crisis_numbers()[-1].startswith("Samaritans")
