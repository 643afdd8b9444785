"""Two copies of one person's plan and the conflict that names them, as a replica holds them after a pull:
the draft this workstation had, a second draft that another workstation pushed while apart, and the
server's sync_conflict row. Only synthetic people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.models import CarePlan
from careplanner.models.sync import SyncConflict
from careplanner.services import plan_data as d
from careplanner.services.mapping import write_section
from careplanner.services.users import Actor
from tests.conftest import make_person

ABOUT_FIRST = d.AboutMeSection(about=d.AboutMeData(what_matters="Getting back to my allotment"))
ABOUT_SECOND = d.AboutMeSection(about=d.AboutMeData(what_matters="Seeing my grandchildren at Christmas"))
GOALS_FIRST = d.GoalsSection(goals=(d.GoalData(text="I want to walk to the shop"),))
GOALS_SECOND = d.GoalsSection(goals=(d.GoalData(text="I want to swim once a week"),))
FUTURE_BOTH = d.FutureWishesSection(wishes=d.FutureWishesData(preferred_place_of_care="At home"))
REASON = "changed on two workstations while they could not reach each other"


@dataclass(frozen=True)
class TwoCopies:
    person_id: str
    first_id: str
    second_id: str
    conflict_id: str


def second_draft(ctx: AppContext, person_id: str, sections: list[d.Section]) -> str:
    """A second draft of the person's plan, written as a pull writes one (no service makes two drafts)."""
    with ctx.store.sessions.begin() as session:
        plan = CarePlan(
            person_id=person_id, status=PlanStatus.DRAFT, revision=3, last_updated=datetime.now(UTC)
        )
        session.add(plan)
        session.flush()
        for section in sections:
            write_section(plan, section)
        return plan.id


def conflict(ctx: AppContext, person_id: str, first_id: str, second_id: str) -> str:
    with ctx.store.sessions.begin() as session:
        row = SyncConflict(person_id=person_id, plan_a_id=first_id, plan_b_id=second_id, reason=REASON)
        session.add(row)
        session.flush()
        return row.id


def two_copies(ctx: AppContext, actor: Actor, *, first_name: str = "Ada") -> TwoCopies:
    plans = ctx.services.plans
    person = ctx.services.people.create(make_person(first_name=first_name, family_name="Mergewell"), actor)
    first = plans.start_draft(person.id, actor)
    for section in (ABOUT_FIRST, GOALS_FIRST, FUTURE_BOTH):
        plans.save_section(first.id, section, actor)
    second_id = second_draft(ctx, person.id, [ABOUT_SECOND, GOALS_SECOND, FUTURE_BOTH])
    return TwoCopies(person.id, first.id, second_id, conflict(ctx, person.id, first.id, second_id))
