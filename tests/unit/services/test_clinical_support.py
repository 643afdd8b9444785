"""Clinical support for the plan editor: ACB from the medicines list, scores ready to store, and a
suggested review date from the person's situation."""

from __future__ import annotations

from datetime import date

import pytest

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision, QuestionnaireKind
from careplanner.services import plan_data as d
from careplanner.services.errors import ValidationError
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from tests.conftest import make_person

TODAY = date(2026, 11, 22)


def _medical(*medicines: d.MedicineData, frailty: int | None = None, conditions: int = 0) -> d.MedicalSection:
    return d.MedicalSection(
        review=d.MedicalReviewData(frailty_score=frailty),
        conditions=tuple(d.ConditionData(term=f"Condition {i}") for i in range(conditions)),
        medicines=medicines,
    )


def test_acb_total_names_contributors_and_unknowns(ctx: AppContext) -> None:
    section = _medical(
        d.MedicineData(name="Amitriptyline 10mg tablets"),
        d.MedicineData(name="Oxybutynin hydrochloride 5mg"),
        d.MedicineData(name="Ramipril 5mg capsules"),
        d.MedicineData(name=""),
    )
    result = ctx.services.clinical.acb_for(section)
    assert result.total == 6
    assert result.warning
    assert {c.generic_name for c in result.contributors} == {"amitriptyline", "oxybutynin"}
    assert result.not_on_scale == ("Ramipril 5mg capsules",)


def test_acb_leaves_out_medicines_being_stopped(ctx: AppContext) -> None:
    section = _medical(
        d.MedicineData(name="Amitriptyline 10mg tablets", decision=MedicineDecision.STOP),
        d.MedicineData(name="Oxybutynin 5mg", decision=MedicineDecision.CONTINUE),
    )
    result = ctx.services.clinical.acb_for(section)
    assert result.total == 3
    assert [c.generic_name for c in result.contributors] == ["oxybutynin"]


def test_score_gives_band_and_item_nine_safety_flag(ctx: AppContext) -> None:
    data = ctx.services.clinical.score(QuestionnaireKind.PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1], taken_on=TODAY)
    assert data.total == 1
    assert data.band == "minimal"
    assert data.safety_flag
    assert data.taken_on == TODAY
    moderate = ctx.services.clinical.score(QuestionnaireKind.PHQ9, [2, 2, 2, 2, 1, 1, 0, 0, 0])
    assert (moderate.total, moderate.band, moderate.safety_flag) == (10, "moderate", False)


def test_incomplete_score_stores_no_total(ctx: AppContext) -> None:
    data = ctx.services.clinical.score(QuestionnaireKind.GAD7, [3, 3, None])
    assert data.total is None
    assert data.band == "incomplete"
    assert ctx.services.clinical.details(QuestionnaireKind.GAD7, [3, 3, None]).total == 6


def test_impossible_answers_are_a_validation_error(ctx: AppContext) -> None:
    with pytest.raises(ValidationError):
        ctx.services.clinical.score(QuestionnaireKind.PHQ2, [4, 0])


def _person(ctx: AppContext, actor: Actor, *, palliative: bool = False) -> PersonRecord:
    return ctx.services.people.create(make_person(palliative_register=palliative), actor)


def test_stable_person_gets_a_yearly_review(ctx: AppContext, actor: Actor) -> None:
    person = _person(ctx, actor)
    content = d.PlanContent(medical=_medical(d.MedicineData(name="Ramipril 5mg"), frailty=2))
    proposal = ctx.services.clinical.suggest_review(person, content, start=TODAY)
    assert proposal.suggestion.months == 12
    assert proposal.review_date == date(2027, 11, 22)


@pytest.mark.parametrize(
    ("content", "palliative", "reason"),
    [
        (d.PlanContent(medical=_medical(frailty=6)), False, "Clinical Frailty Scale 6"),
        (d.PlanContent(), True, "palliative"),
        (
            d.PlanContent(
                medical=_medical(
                    d.MedicineData(name="Amitriptyline 25mg tablets"), d.MedicineData(name="Ramipril")
                )
            ),
            False,
            "Anticholinergic burden total 3",
        ),
        (
            d.PlanContent(
                holistic=d.HolisticSection(
                    questionnaires=(
                        d.QuestionnaireData(kind=QuestionnaireKind.PHQ9, answers=(2, 2, 2, 2, 2, 2, 2, 2, 0)),
                    )
                )
            ),
            False,
            "PHQ-9 mood score 16",
        ),
    ],
)
def test_high_need_gets_three_months(
    ctx: AppContext, actor: Actor, content: d.PlanContent, palliative: bool, reason: str
) -> None:
    person = _person(ctx, actor, palliative=palliative)
    proposal = ctx.services.clinical.suggest_review(person, content, start=TODAY)
    assert proposal.suggestion.months == 3
    assert proposal.review_date == date(2027, 2, 22)
    assert any(reason in r for r in proposal.suggestion.reasons), proposal.suggestion.reasons


def test_many_conditions_and_the_latest_phq9_count(ctx: AppContext, actor: Actor) -> None:
    person = _person(ctx, actor)
    old_high = d.QuestionnaireData(kind=QuestionnaireKind.PHQ9, answers=(3,) * 9, taken_on=date(2025, 1, 1))
    new_low = d.QuestionnaireData(kind=QuestionnaireKind.PHQ9, answers=(0,) * 9, taken_on=date(2026, 11, 1))
    unfinished = d.QuestionnaireData(kind=QuestionnaireKind.PHQ9, answers=(3, 3), taken_on=TODAY)
    content = d.PlanContent(
        medical=_medical(conditions=3),
        holistic=d.HolisticSection(questionnaires=(new_low, old_high, unfinished)),
    )
    proposal = ctx.services.clinical.suggest_review(person, content, start=TODAY)
    assert proposal.suggestion.months == 6
    assert any("3 long-term conditions" in r for r in proposal.suggestion.reasons)
    assert not any("PHQ-9" in r for r in proposal.suggestion.reasons)


def test_loneliness_screen_counts(ctx: AppContext, actor: Actor) -> None:
    person = _person(ctx, actor)
    lonely = d.QuestionnaireData(kind=QuestionnaireKind.UCLA3, answers=(3, 3, 3))
    content = d.PlanContent(holistic=d.HolisticSection(questionnaires=(lonely,)))
    proposal = ctx.services.clinical.suggest_review(person, content, start=TODAY)
    assert proposal.suggestion.months == 6
    assert any("lonely" in r for r in proposal.suggestion.reasons)


def test_impossible_frailty_score_is_a_validation_error(ctx: AppContext, actor: Actor) -> None:
    person = _person(ctx, actor)
    with pytest.raises(ValidationError):
        ctx.services.clinical.suggest_review(person, d.PlanContent(medical=_medical(frailty=10)))
