"""The consultation: opening a person for it, and the check list shown before a plan is agreed.

`ConsultationService.open_to_read` is what the app calls when someone opens a person from the list: the
"person opened" audit entry and the plan to show (a draft in progress, else the last agreed plan, read-only)
in one transaction; it never starts a draft. `open_for_consultation` ("Start review") also reopens or starts
the clinician's draft in the same transaction (one commit, one fsync), so the plan is on screen well within
100 ms. Someone who may not edit plans gets the plan to read from either.

The check list lists gaps a careful clinician looks for, each pointing at the field that would fix it. It
lives in services (not the UI) so exports and tests reach the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import CommunicationNeed, CprDecision
from careplanner.clinical.questionnaires import self_harm_answer
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.allergy_gaps import allergy_gaps
from careplanner.services.errors import NotFoundError
from careplanner.services.people import PersonRecord, record_of
from careplanner.services.plan_data import ContingencyData, PlanContent, PlanVersion
from careplanner.services.plan_gaps import (
    blank_gaps,
    code_gaps,
    medicine_gaps,
    need_gaps,
    red_zone_gaps,
    sick_day_gaps,
)
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

    def open_to_read(self, person_id: str, actor: Actor) -> OpenedPlan:
        """What opening a person from the list shows: a draft already in progress, to carry on (editable
        for a clinician), else their last agreed plan to read, else nothing yet. Writes only the "person
        opened" audit entry: no draft is started (that is `PlanService.start_draft`, "Start review")."""
        with self._sessions.begin() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            audit.record(
                session, audit.Action.PERSON_OPENED, user_id=actor.id, person_id=person_id, now=self._now
            )
            index = version_index(session, person_id)
            editable = actor.can_edit_plans and index.draft_id is not None
            shown_id = index.draft_id if editable else (index.latest_agreed_id or index.draft_id)
            shown = session.get(CarePlan, shown_id) if shown_id else None
            plan = version_of(session, shown, index.superseded) if shown is not None else None
            return OpenedPlan(record_of(person), plan, editable=editable)

    def open_version(self, plan_id: str, actor: Actor) -> PlanVersion:
        """One version of a person's plan to read (from the plan history), recorded as a view of that
        person naming the version; nothing else is written."""
        with self._sessions.begin() as session:
            plan = session.get(CarePlan, plan_id)
            if plan is None:
                raise NotFoundError("That plan is not in the store.")
            audit.record(
                session,
                audit.Action.PERSON_OPENED,
                user_id=actor.id,
                person_id=plan.person_id,
                plan_id=plan.id,
                detail="plan history",
                now=self._now,
            )
            return version_of(session, plan)


_EMERGENCY_WORDS = ("999", "ambulance", "a&e", "accident and emergency")
_OUT_OF_HOURS_WORDS = ("111", "out of hours", "out-of-hours", "ooh")


@dataclass(frozen=True)
class ChecklistItem:
    """One thing worth a second look before the plan is agreed, and where to fix it.

    `step` is a SECTION_TYPES key, `field` the field (or list) to go to, `index` the list item if any.
    `blocking`: the plan cannot be agreed until this is put right (the Agree button refuses, saying
    why, with a link to the field); otherwise it is a reminder the clinician may pass over.
    """

    message: str
    step: str
    field: str
    index: int | None = None
    blocking: bool = False


def blocking_items(items: list[ChecklistItem]) -> list[ChecklistItem]:
    """The items that stop the plan being agreed."""
    return [item for item in items if item.blocking]


def _self_harm_checks(content: PlanContent) -> list[ChecklistItem]:
    """PHQ-9 item 9 above 0, finished form or not: what was done must be on record before agreeing."""
    if not any(self_harm_answer(q.kind, q.answers) is not None for q in content.holistic.questionnaires):
        return []
    review = content.holistic.review
    checks: list[ChecklistItem] = []
    if not review.safety_action.strip():
        checks.append(
            ChecklistItem(
                "PHQ-9 question 9 (thoughts of self-harm) was answered above 'Not at all', and what "
                "was asked and done is not recorded yet.",
                "holistic",
                "safety_action",
                blocking=True,
            )
        )
    if not review.safety_told.strip():
        checks.append(
            ChecklistItem("PHQ-9 question 9: who was told is not recorded.", "holistic", "safety_told")
        )
    if not review.safety_numbers_given.strip():
        checks.append(
            ChecklistItem(
                "PHQ-9 question 9: the crisis numbers given to the person are not recorded.",
                "holistic",
                "safety_numbers_given",
            )
        )
    return checks


def has_phone_number(text: str) -> bool:
    """Whether a contact's phone field holds a number someone could ring: at least three digits (999
    and 111 are numbers; a blank, "TBC" or a name is not). Whether the number is right is the
    clinician's to check with the person."""
    return sum(ch.isdigit() for ch in text) >= 3


def _contact_checks(plans: tuple[ContingencyData, ...]) -> list[ChecklistItem]:
    """Every "who to contact" entry needs a number: a contact the person cannot ring is worse than
    none when things get worse. Blocking; each points at the contact's phone field."""
    checks: list[ChecklistItem] = []
    for i, plan in enumerate(plans):
        for j, contact in enumerate(plan.contacts):
            if has_phone_number(contact.phone):
                continue
            who = (contact.name or contact.role).strip()[:60] or "A contact"
            checks.append(
                ChecklistItem(
                    f'"{who}" in "{(plan.name or plan.condition).strip()[:60] or "a plan"}" has no phone '
                    "number. Add the number, or remove the contact.",
                    "contingency",
                    contact_phone_field(j),
                    i,
                    blocking=True,
                )
            )
    return checks


def contact_phone_field(contact: int) -> str:
    """The `ChecklistItem.field` of a contingency contact's phone (the item's index is the plan's)."""
    return f"contacts.{contact}.phone"


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.casefold()
    return any(w in lowered for w in words)


def plan_checklist(
    content: PlanContent,
    today: date,
    needs: tuple[tuple[CommunicationNeed, str], ...] = (),
) -> list[ChecklistItem]:
    """The gaps a careful clinician checks for before agreeing, blocking items first (see
    `ChecklistItem.blocking`). `needs`: the person's communication needs as (need, detail), for a
    reminder where the printed copy cannot meet them."""
    items: list[ChecklistItem] = _self_harm_checks(content)
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
    items.extend(_contact_checks(plans))
    gaps = (*red_zone_gaps(content), *blank_gaps(content), *code_gaps(content), *medicine_gaps(content))
    gaps = (*allergy_gaps(content), *gaps)  # a medicine matching a recorded allergy: must be checked
    for gap in (*gaps, *sick_day_gaps(content), *need_gaps(needs)):
        items.append(ChecklistItem(gap.message, gap.step, gap.field, gap.index, blocking=gap.blocking))
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
    medical = content.medical
    listed = [a for a in medical.allergies if a.substance.strip()]
    if medical.review.no_known_allergies and listed:
        items.append(
            ChecklistItem(
                '"No known allergies" is ticked, but allergies are listed: untick it or remove them.',
                "medical",
                "no_known_allergies",
                blocking=True,
            )
        )
    elif not medical.review.no_known_allergies and not listed:
        items.append(
            ChecklistItem(
                'Allergies are not recorded: list them, or tick "No known allergies" after asking.',
                "medical",
                "allergies",
            )
        )
    review = content.sharing.sharing.review_date
    if review is None:
        items.append(ChecklistItem("There is no review date yet.", "sharing", "review_date"))
    elif review < today:
        items.append(ChecklistItem("The review date is in the past.", "sharing", "review_date"))
    return sorted(items, key=lambda item: not item.blocking)
