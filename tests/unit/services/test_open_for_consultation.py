"""Opening a person for a consultation: the audit entry and the draft in one call, or the plan to read."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus, UserRole
from careplanner.services import plan_data as d
from careplanner.services.audit import Action
from careplanner.services.errors import NotFoundError
from careplanner.services.users import Actor
from tests.conftest import make_person


def _agreed_twice(ctx: AppContext, actor: Actor) -> str:
    plans = ctx.services.plans
    person = ctx.services.people.create(make_person(), actor)
    for words in ("First", "Second"):
        draft = plans.start_draft(person.id, actor)
        plans.save_section(draft.id, d.AboutMeSection(about=d.AboutMeData(what_matters=words)), actor)
        plans.agree(draft.id, actor, review_date=date(2027, 1, 1))
    return person.id


def test_a_clinician_gets_a_draft_carried_forward_in_one_transaction(ctx: AppContext, actor: Actor) -> None:
    person_id = _agreed_twice(ctx, actor)
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    event.listen(ctx.store.engine, "commit", committed)
    try:
        opened = ctx.services.consultation.open_for_consultation(person_id, actor)
    finally:
        event.remove(ctx.store.engine, "commit", committed)
    assert len(commits) == 1
    assert opened.editable and opened.plan is not None and opened.plan.status is PlanStatus.DRAFT
    assert opened.plan.content.about_me.about.what_matters == "Second"
    assert opened.person.id == person_id
    actions = [e.action for e in ctx.services.audit.entries(person_id=person_id, limit=2)]
    assert actions == [Action.PLAN_STARTED, Action.PERSON_OPENED]
    again = ctx.services.consultation.open_for_consultation(person_id, actor)
    assert again.plan is not None and again.plan.id == opened.plan.id  # reopened, not a second draft


@pytest.mark.parametrize("role", [UserRole.READ_ONLY, UserRole.ADMIN])
def test_someone_who_may_not_edit_gets_the_latest_agreed_version(
    ctx: AppContext, actor: Actor, role: UserRole
) -> None:
    person_id = _agreed_twice(ctx, actor)
    ctx.services.plans.start_draft(person_id, actor)  # a draft in progress is not what they see
    viewer = ctx.services.users.create(username="v", display_name="Viewer", role=role, actor=actor)
    opened = ctx.services.consultation.open_for_consultation(person_id, viewer)
    assert not opened.editable
    assert opened.plan is not None and opened.plan.version_number == 2 and not opened.plan.superseded
    assert opened.plan.agreed_by_name == actor.display_name
    latest = ctx.services.audit.entries(person_id=person_id, limit=1)[0]
    assert (latest.action, latest.user_id) == (Action.PERSON_OPENED, viewer.id)


def test_without_an_agreed_version_a_viewer_gets_the_draft_or_nothing(ctx: AppContext, actor: Actor) -> None:
    viewer = ctx.services.users.create(
        username="v", display_name="Viewer", role=UserRole.READ_ONLY, actor=actor
    )
    person = ctx.services.people.create(make_person(), actor)
    nothing = ctx.services.consultation.open_for_consultation(person.id, viewer)
    assert nothing.plan is None and not nothing.editable
    assert ctx.services.plans.history(person.id) == []
    draft = ctx.services.plans.start_draft(person.id, actor)
    seen = ctx.services.consultation.open_for_consultation(person.id, viewer)
    assert seen.plan is not None and seen.plan.id == draft.id


def test_an_unknown_person_is_refused_and_nothing_is_recorded(ctx: AppContext, actor: Actor) -> None:
    before = len(ctx.services.audit.entries())
    with pytest.raises(NotFoundError):
        ctx.services.consultation.open_for_consultation("no-such-person", actor)
    assert len(ctx.services.audit.entries()) == before
