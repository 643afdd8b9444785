"""The consultation: opening a person for it, and the check list shown before a plan is agreed.

`ConsultationService.open_for_consultation` is what the app calls when someone opens a person: the
"person opened" audit entry and, for a clinician, reopening or starting the draft happen in one
transaction (one commit, one fsync), so the plan is on screen well within 100 ms. Someone who may not
edit plans gets the plan to read instead.

The check list lists gaps a careful clinician looks for, each pointing at the field that would fix it. It
lives in services (not the UI) so exports and tests reach the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import CprDecision
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.errors import NotFoundError
from careplanner.services.people import PersonRecord, record_of
from careplanner.services.plan_data import PlanContent, PlanVersion
from careplanner.services.plans import start_draft_in, version_index, version_of
from careplanner.services.users import Actor


@dataclass(frozen=True)
class OpenedPlan:
    """A person opened for a consultation.

    `editable`: the actor may change plans, and `plan` is their draft (reopened, or just started and
    carried forward from the last agreed version). Otherwise `plan` is the one to read: the latest agreed
    version, else the draft, else None when nothing has been written for this person yet.
    """

    person: PersonRecord
    plan: PlanVersion | None
    editable: bool


class ConsultationService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._now = now

    def open_for_consultation(self, person_id: str, actor: Actor) -> OpenedPlan:
        """Record that `actor` opened this person and give back what they may see, in one transaction."""
        with self._sessions.begin() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            audit.record(
                session, audit.Action.PERSON_OPENED, user_id=actor.id, person_id=person_id, now=self._now
            )
            if actor.can_edit_plans:
                draft = start_draft_in(session, person, actor, self._now)
                return OpenedPlan(record_of(person), draft, editable=True)
            index = version_index(session, person_id)
            shown_id = index.latest_agreed_id or index.draft_id
            shown = session.get(CarePlan, shown_id) if shown_id else None
            plan = version_of(session, shown, index.superseded) if shown is not None else None
            return OpenedPlan(record_of(person), plan, editable=False)


_EMERGENCY_WORDS = ("999", "ambulance", "a&e", "accident and emergency")
_OUT_OF_HOURS_WORDS = ("111", "out of hours", "out-of-hours", "ooh")


@dataclass(frozen=True)
class ChecklistItem:
    """One thing worth a second look before the plan is agreed, and where to fix it.

    `step` is a SECTION_TYPES key, `field` the field (or list) to go to, `index` the list item if any.
    """

    message: str
    step: str
    field: str
    index: int | None = None


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.casefold()
    return any(w in lowered for w in words)


def plan_checklist(content: PlanContent, today: date) -> list[ChecklistItem]:
    """The gaps a careful clinician checks for before agreeing; none of them blocks agreement."""
    items: list[ChecklistItem] = []
    for i, goal in enumerate(content.goals.goals):
        if goal.text.strip() and not goal.actions:
            items.append(
                ChecklistItem(f'The goal "{goal.text.strip()[:60]}" has no actions yet.', "goals", "goals", i)
            )
    wishes = content.future_wishes.wishes
    if wishes.cpr_decision is not CprDecision.NOT_DISCUSSED:
        if wishes.cpr_review_date is None:
            items.append(
                ChecklistItem("The CPR decision has no review date.", "future_wishes", "cpr_review_date")
            )
        if not wishes.cpr_form_location.strip():
            items.append(
                ChecklistItem(
                    "The CPR decision does not say where the form is kept.",
                    "future_wishes",
                    "cpr_form_location",
                )
            )
    plans = content.contingency.plans
    for i, plan in enumerate(plans):
        red = " ".join([plan.red_what_i_do, *(c.phone + " " + c.role_key for c in plan.contacts)])
        if plan.avoid_hospital_admission and _mentions(red, _EMERGENCY_WORDS):
            items.append(
                ChecklistItem(
                    f'"{plan.name or plan.condition or "A plan"}" says to call 999, but the person '
                    "wishes to avoid hospital admission. Check these agree.",
                    "contingency",
                    "plans",
                    i,
                )
            )
    if plans and not any(
        _mentions(
            " ".join(
                [
                    p.amber_what_i_do,
                    p.red_what_i_do,
                    *(c.role_key + " " + c.role + " " + c.phone for c in p.contacts),
                ]
            ),
            _OUT_OF_HOURS_WORDS,
        )
        for p in plans
    ):
        items.append(
            ChecklistItem(
                "No contact is given for when the practice is closed (out of hours or NHS 111).",
                "contingency",
                "plans",
                0,
            )
        )
    review = content.sharing.sharing.review_date
    if review is None:
        items.append(ChecklistItem("There is no review date yet.", "sharing", "review_date"))
    elif review < today:
        items.append(ChecklistItem("The review date is in the past.", "sharing", "review_date"))
    return items
