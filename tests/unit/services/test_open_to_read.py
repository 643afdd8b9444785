"""`ConsultationService.open_to_read`: what opening a person from the list shows, writing nothing but the
"person opened" audit entry (issue 12: opening a person is not starting a review)."""

from __future__ import annotations

from datetime import timedelta

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus, UserRole
from careplanner.services.audit import Action
from careplanner.services.users import Actor
from tests.conftest import make_person


def test_a_clinician_opening_an_agreed_plan_reads_it_and_nothing_is_started(
    ctx: AppContext, actor: Actor
) -> None:
    services = ctx.services
    person = services.people.create(make_person(), actor)
    draft = services.plans.start_draft(person.id, actor)
    agreed = services.plans.agree(draft.id, actor, review_date=services.clock.today() + timedelta(days=90))
    started = len(services.audit.entries(person_id=person.id, action=Action.PLAN_STARTED))

    opened = services.consultation.open_to_read(person.id, actor)

    assert not opened.editable and opened.plan is not None and opened.plan.id == agreed.id
    assert services.plans.draft_of(person.id) is None
    assert len(services.audit.entries(person_id=person.id, action=Action.PLAN_STARTED)) == started
    assert [e.user_id for e in services.audit.entries(person_id=person.id, action=Action.PERSON_OPENED)] == [
        actor.id
    ]
    assert not services.people.get(person.id).summary.has_draft


def test_a_draft_in_progress_is_given_to_a_clinician_to_carry_on_and_to_a_reader_to_read(
    ctx: AppContext, actor: Actor
) -> None:
    services = ctx.services
    person = services.people.create(make_person(), actor)
    draft = services.plans.start_draft(person.id, actor)
    reader = services.users.create(username="rory", display_name="Rory", role=UserRole.READ_ONLY, actor=actor)

    mine = services.consultation.open_to_read(person.id, actor)
    theirs = services.consultation.open_to_read(person.id, reader)

    assert mine.editable and mine.plan is not None and mine.plan.id == draft.id
    assert not theirs.editable and theirs.plan is not None and theirs.plan.status is PlanStatus.DRAFT
    assert len(services.plans.history(person.id)) == 1


def test_a_person_with_no_plan_opens_to_nothing(ctx: AppContext, actor: Actor) -> None:
    services = ctx.services
    person = services.people.create(make_person(), actor)
    opened = services.consultation.open_to_read(person.id, actor)
    assert opened.plan is None and not opened.editable
    assert services.plans.history(person.id) == []


def test_an_earlier_version_opened_from_the_history_is_recorded_as_a_view(
    ctx: AppContext, actor: Actor
) -> None:
    services = ctx.services
    person = services.people.create(make_person(), actor)
    review = services.clock.today() + timedelta(days=90)
    first = services.plans.agree(services.plans.start_draft(person.id, actor).id, actor, review_date=review)
    services.plans.agree(services.plans.start_draft(person.id, actor).id, actor, review_date=review)

    shown = services.consultation.open_version(first.id, actor)

    assert shown.id == first.id and shown.superseded and shown.version_number == 1
    viewed = services.audit.entries(person_id=person.id, action=Action.PERSON_OPENED)
    assert [(e.plan_id, e.user_id) for e in viewed] == [(first.id, actor.id)]
    assert services.plans.draft_of(person.id) is None
