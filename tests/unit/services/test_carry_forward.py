"""Issue 10, defect 2: at a review, last time's scores and notes are not pre-filled as today's.

Today's PHQ/GAD/UCLA answers, wellbeing ratings, frailty and review notes start blank in the review
draft; last time's are available, read-only, for "Last time (date): …"; goals and contingency plans
still carry forward as they are meant to. One answered item never makes a questionnaire complete.
"""

from __future__ import annotations

from datetime import date

from careplanner.app import AppContext
from careplanner.clinical.enums import QuestionnaireKind, WellbeingArea, Zone
from careplanner.clinical.questionnaires import answered_in_full
from careplanner.services import plan_data as d
from careplanner.services.last_time import holistic_last_time, medical_last_time
from careplanner.services.users import Actor
from tests.conftest import make_person

AGREED_ON = date(2026, 5, 30)

MEDICAL = d.MedicalSection(
    review=d.MedicalReviewData(
        frailty_score=4, frailty_assessed_on=date(2026, 5, 29), notes="Breathless on stairs"
    ),
    conditions=(d.ConditionData(term="Heart failure", snomed_code="84114007"),),
    medicines=(d.MedicineData(name="Bisoprolol 2.5mg tablets"),),
)
HOLISTIC = d.HolisticSection(
    review=d.HolisticData(
        social_context="Lives alone, daughter nearby",
        safety_action="Asked about plans: none. Safety plan agreed.",
        safety_told="Dr Synthetic (GP)",
        safety_numbers_given="NHS 111, option 2 (mental health); Samaritans 116 123",
    ),
    questionnaires=(
        d.QuestionnaireData(QuestionnaireKind.PHQ2, (2, 2), 4, "positive", taken_on=AGREED_ON),
        d.QuestionnaireData(
            QuestionnaireKind.PHQ9, (2, 2, 1, 1, 2, 1, 2, 1, 1), 13, "moderate", True, taken_on=AGREED_ON
        ),
        d.QuestionnaireData(QuestionnaireKind.GAD2, (1, 0), 1, "negative", taken_on=AGREED_ON),
    ),
    wellbeing=(d.WellbeingData(WellbeingArea.MONEY, 3, "Bills worry me"),),
)
GOALS = d.GoalsSection(
    goals=(d.GoalData(text="I want to walk to church", actions=(d.ActionData(what="Walk daily"),)),)
)
CONTINGENCY = d.ContingencySection(
    plans=(
        d.ContingencyData(
            name="My heart failure",
            red_what_i_do="Ring 999",
            contacts=(d.ContingencyContactData(zone=Zone.RED, role_key="999", phone="999"),),
        ),
    )
)


def _agreed_then_review(ctx: AppContext, actor: Actor) -> tuple[d.PlanVersion, d.PlanVersion]:
    person = ctx.services.people.create(make_person(), actor)
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    for section in (MEDICAL, HOLISTIC, GOALS, CONTINGENCY):
        plans.save_section(draft.id, section, actor)
    agreed = plans.agree(draft.id, actor, review_date=date(2027, 5, 1))
    return agreed, plans.start_draft(person.id, actor)


def test_review_draft_starts_todays_scores_and_notes_blank(ctx: AppContext, actor: Actor) -> None:
    agreed, review = _agreed_then_review(ctx, actor)
    holistic, medical = review.content.holistic, review.content.medical
    assert holistic.questionnaires == ()
    assert holistic.wellbeing == ()
    assert (
        holistic.review.safety_action,
        holistic.review.safety_told,
        holistic.review.safety_numbers_given,
    ) == (
        "",
        "",
        "",
    )
    assert medical.review.frailty_score is None and medical.review.frailty_assessed_on is None
    assert medical.review.notes == ""
    # What is meant to carry still does, with its lineage.
    assert holistic.review.social_context == "Lives alone, daughter nearby"
    assert medical.conditions == agreed.content.medical.conditions
    assert medical.medicines == agreed.content.medical.medicines
    assert review.content.goals == agreed.content.goals
    assert review.content.contingency == agreed.content.contingency
    # The agreed version itself is untouched: last time's values are still there to show.
    again = ctx.services.plans.get(agreed.id).content
    assert len(again.holistic.questionnaires) == 3 and again.medical.review.frailty_score == 4


def test_last_time_values_are_worded_for_display(ctx: AppContext, actor: Actor) -> None:
    agreed, _ = _agreed_then_review(ctx, actor)
    last = holistic_last_time(agreed.content.holistic, AGREED_ON)
    phq9 = last.questionnaires[QuestionnaireKind.PHQ9]
    assert phq9.taken_on == AGREED_ON
    assert phq9.items[0] == "More than half the days (2)"
    assert phq9.items[8] == "Several days (1)"
    assert phq9.summary.startswith("PHQ-9")
    assert "13 of 27" in phq9.summary and "moderate" in phq9.summary
    assert "question 9 (thoughts of self-harm): Several days (1)" in phq9.summary and phq9.self_harm
    assert last.questionnaires[QuestionnaireKind.GAD2].items == ("Several days (1)", "Not at all (0)")
    assert last.wellbeing[WellbeingArea.MONEY] == '3 out of 10, "Bills worry me"'
    medical = medical_last_time(agreed.content.medical, AGREED_ON)
    assert medical.frailty == "4 (living with very mild frailty), assessed 29/05/2026"
    assert medical.notes == "Breathless on stairs"


def test_last_time_of_an_unfinished_questionnaire_says_so() -> None:
    section = d.HolisticSection(
        questionnaires=(
            d.QuestionnaireData(QuestionnaireKind.PHQ9, (1, None, None, None, None, None, None, None, 3)),
        )
    )
    phq9 = holistic_last_time(section, None).questionnaires[QuestionnaireKind.PHQ9]
    assert "not finished (2 of 9 answered)" in phq9.summary
    assert phq9.items[1] == "Not answered"
    assert "Nearly every day (3)" in phq9.summary and phq9.self_harm


def test_one_answered_item_is_not_a_complete_questionnaire() -> None:
    assert not answered_in_full(QuestionnaireKind.PHQ9, (1,) + (None,) * 8)
    assert not answered_in_full(QuestionnaireKind.PHQ9, (1,))
    assert not answered_in_full(QuestionnaireKind.PHQ2, (3, None))
    assert answered_in_full(QuestionnaireKind.PHQ2, (0, 0))
    assert answered_in_full(QuestionnaireKind.PHQ9, (0,) * 9)
