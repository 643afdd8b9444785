"""Plan versions: drafts autosave by section, agreed versions never change, reviews carry forward."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from careplanner.app import AppContext
from careplanner.clinical.enums import AgreedWith, MedicineDecision, PlanStatus, UserRole, Zone
from careplanner.services import plan_data as d
from careplanner.services.carry_forward import carried_forward
from careplanner.services.diff import diff_plans
from careplanner.services.errors import NotADraftError, NotAllowedError, ValidationError
from careplanner.services.users import Actor
from tests.conftest import make_person

ABOUT = d.AboutMeSection(
    about=d.AboutMeData(what_matters="Getting back to my allotment", please_dont="Don't rush me"),
    strengths=(d.StrengthData(text="I know my COPD well"),),
)
MEDICAL = d.MedicalSection(
    review=d.MedicalReviewData(frailty_score=4),
    conditions=(d.ConditionData(term="Chronic obstructive pulmonary disease", snomed_code="13645005"),),
    medicines=(
        d.MedicineData(
            name="Salbutamol inhaler", purpose="to ease breathlessness", decision=MedicineDecision.CONTINUE
        ),
    ),
)
GOALS = d.GoalsSection(
    goals=(
        d.GoalData(
            text="I want to walk to the shop",
            importance=8,
            actions=(d.ActionData(what="Walk 10 minutes a day", who_name="me", confidence=7),),
        ),
    ),
)
CONTINGENCY = d.ContingencySection(
    plans=(
        d.ContingencyData(
            name="My COPD",
            triggers=("cold weather",),
            red_what_i_do="Ring 999",
            contacts=(d.ContingencyContactData(zone=Zone.RED, role_key="999", phone="999"),),
        ),
    ),
)


def _person(ctx: AppContext, actor: Actor) -> str:
    return ctx.services.people.create(make_person(), actor).id


def _agreed_plan(ctx: AppContext, actor: Actor) -> tuple[str, d.PlanVersion]:
    person_id = _person(ctx, actor)
    plans = ctx.services.plans
    draft = plans.start_draft(person_id, actor)
    for section in (ABOUT, MEDICAL, GOALS, CONTINGENCY):
        plans.save_section(draft.id, section, actor)
    return person_id, plans.agree(draft.id, actor, review_date=date(2027, 5, 1))


def test_sections_round_trip_through_the_store(ctx: AppContext, actor: Actor) -> None:
    person_id = _person(ctx, actor)
    draft = ctx.services.plans.start_draft(person_id, actor)
    for section in (ABOUT, MEDICAL, GOALS, CONTINGENCY):
        result = ctx.services.plans.save_section(draft.id, section, actor)
    assert result.revision == 4
    content = ctx.services.plans.get(draft.id).content
    assert content.about_me.about == ABOUT.about
    assert content.medical.medicines[0].name == "Salbutamol inhaler"
    assert content.goals.goals[0].actions[0].what == "Walk 10 minutes a day"
    assert content.contingency.plans[0].contacts[0].zone is Zone.RED
    assert content.contingency.plans[0].triggers == ("cold weather",)
    # Every item got a lineage so reviews can follow it.
    assert content.goals.goals[0].lineage_id and content.goals.goals[0].actions[0].lineage_id


def test_start_draft_reopens_the_same_draft(ctx: AppContext, actor: Actor) -> None:
    person_id = _person(ctx, actor)
    first = ctx.services.plans.start_draft(person_id, actor)
    assert ctx.services.plans.start_draft(person_id, actor).id == first.id
    assert ctx.services.people.get(person_id).summary.has_draft


def test_agree_makes_an_immutable_version(ctx: AppContext, actor: Actor) -> None:
    person_id, agreed = _agreed_plan(ctx, actor)
    assert agreed.status is PlanStatus.AGREED and agreed.version_number == 1
    assert agreed.agreed_by_name == actor.display_name and agreed.agreed_with is AgreedWith.PERSON
    summary = ctx.services.people.get(person_id).summary
    assert summary.review_due == date(2027, 5, 1) and not summary.has_draft
    with pytest.raises(NotADraftError):
        ctx.services.plans.save_section(agreed.id, ABOUT, actor)
    # Even raw SQL cannot change or delete an agreed version or its content. The guard refuses with the
    # same words on both back ends (SQLite raises an integrity error, PostgreSQL's plpgsql a raise).
    refused = "agreed or declined plan versions cannot be changed"
    with pytest.raises(DatabaseError, match=refused), ctx.store.engine.begin() as conn:
        conn.execute(text("UPDATE about_me SET what_matters = 'x' WHERE plan_id = :id"), {"id": agreed.id})
    with pytest.raises(DatabaseError, match=refused), ctx.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM care_plan WHERE id = :id"), {"id": agreed.id})
    with pytest.raises(DatabaseError, match=refused), ctx.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM medicine WHERE plan_id = :id"), {"id": agreed.id})
    assert (
        ctx.services.plans.get(agreed.id).content.about_me.about.what_matters
        == "Getting back to my allotment"
    )


def test_review_carries_forward_and_diff_shows_changes(ctx: AppContext, actor: Actor) -> None:
    person_id, agreed = _agreed_plan(ctx, actor)
    review = ctx.services.plans.start_draft(person_id, actor)
    assert review.base_id == agreed.id and review.status is PlanStatus.DRAFT
    # Everything carries (lineage ids too) except today's measurements: see test_carry_forward.py.
    assert review.content == carried_forward(agreed.content)
    assert review.content.goals == agreed.content.goals
    # Medicines carry with their identity; last time's decision is not today's (see
    # test_carry_forward_medicines.py).
    assert [(m.name, m.lineage_id) for m in review.content.medical.medicines] == [
        (m.name, m.lineage_id) for m in agreed.content.medical.medicines
    ]
    assert [m.decision for m in review.content.medical.medicines] == [MedicineDecision.NOT_REVIEWED]
    goal = review.content.goals.goals[0]
    changed_goals = d.GoalsSection(
        goals=(
            dataclasses.replace(goal, outcome="I walk there twice a week"),
            d.GoalData(text="I want to sleep better"),
        )
    )
    ctx.services.plans.save_section(review.id, changed_goals, actor)
    second = ctx.services.plans.agree(review.id, actor, review_date=date(2027, 11, 1))
    assert second.version_number == 2 and second.replaces_id == agreed.id
    assert ctx.services.plans.get(agreed.id).superseded
    sections = {s.key: s for s in diff_plans(agreed.content, second.content)}
    kinds = {(c.kind, c.label) for c in sections["goals"].changes}
    assert ("added", "I want to sleep better") in kinds
    assert ("changed", "I want to walk to the shop") in kinds
    assert not sections["about_me"].changed
    history = ctx.services.plans.history(person_id)
    assert [h.version_number for h in history] == [2, 1]


def test_agree_needs_review_date_and_named_representative(ctx: AppContext, actor: Actor) -> None:
    person_id = _person(ctx, actor)
    draft = ctx.services.plans.start_draft(person_id, actor)
    with pytest.raises(ValidationError) as err:
        ctx.services.plans.agree(draft.id, actor)
    assert "review_date" in err.value.fields
    with pytest.raises(ValidationError):
        ctx.services.plans.agree(
            draft.id, actor, agreed_with=AgreedWith.REPRESENTATIVE, review_date=date(2027, 1, 1)
        )
    agreed = ctx.services.plans.agree(
        draft.id,
        actor,
        agreed_with=AgreedWith.REPRESENTATIVE,
        representative_name="Pat Example",
        representative_role="Daughter (LPA)",
        review_date=date(2027, 1, 1),
    )
    assert agreed.representative_name == "Pat Example"


def test_declined_written_plan_is_recorded(ctx: AppContext, actor: Actor) -> None:
    person_id = _person(ctx, actor)
    draft = ctx.services.plans.start_draft(person_id, actor)
    declined = ctx.services.plans.decline(draft.id, actor, reason="Prefers to talk, not a paper plan")
    assert declined.status is PlanStatus.DECLINED and declined.declined_reason.startswith("Prefers")
    assert ctx.services.people.get(person_id).summary.declined_written_plan
    with pytest.raises(NotADraftError):
        ctx.services.plans.save_section(declined.id, ABOUT, actor)


def test_only_clinicians_change_plans(ctx: AppContext, actor: Actor) -> None:
    person_id = _person(ctx, actor)
    reader = ctx.services.users.create(
        username="reader", display_name="Read Only", role=UserRole.READ_ONLY, actor=actor
    )
    with pytest.raises(NotAllowedError):
        ctx.services.plans.start_draft(person_id, reader)


def test_every_change_is_audited_and_the_chain_verifies(ctx: AppContext, actor: Actor) -> None:
    person_id, _agreed = _agreed_plan(ctx, actor)
    entries = ctx.services.audit.entries(person_id=person_id)
    actions = [e.action for e in reversed(entries)]
    assert actions[:3] == ["person_created", "plan_started", "plan_changed"]
    assert actions[-1] == "plan_agreed"
    assert all("Quennell" not in e.detail for e in entries)
    assert ctx.services.audit.verify().ok
    # Tampering outside the app (dropping the guard, then editing) is detected.
    with ctx.store.engine.begin() as conn:
        # The guard's name differs: one plpgsql trigger for UPDATE and DELETE on the server.
        on_server = conn.dialect.name == "postgresql"
        conn.execute(
            text(
                "DROP TRIGGER audit_event_fixed ON audit_event"
                if on_server
                else "DROP TRIGGER audit_event_no_update"
            )
        )
        conn.execute(text("UPDATE audit_event SET action = 'person_opened' WHERE action = 'plan_agreed'"))
    report = ctx.services.audit.verify()
    assert not report.ok and "changed" in report.problem
