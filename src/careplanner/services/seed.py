"""Synthetic people with realistic plans, for the demo, benchmarks and tests. The same seed, the same data.

Every NHS number is in the 999 range used for test data, names are drawn from lists of common names,
phone numbers are Ofcom drama numbers: nothing here can be a real person.
"""

from __future__ import annotations

import random
import typing
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import (
    ActionStatus,
    AgreedWith,
    CarerStatus,
    CommunicationNeed,
    CprDecision,
    GoalStatus,
    MedicineDecision,
    PlanStatus,
    QuestionnaireKind,
    ReferralKind,
    ReferralStatus,
    Sex,
    WellbeingArea,
    Zone,
)
from careplanner.clinical.name_search import name_tokens, sort_key
from careplanner.clinical.nhs_number import make_valid_nhs_number
from careplanner.models import (
    AboutMe,
    Address,
    CarePlan,
    CareTeamMember,
    CommunicationNeedRow,
    Condition,
    ContingencyContact,
    ContingencyPlan,
    FutureWishes,
    Goal,
    GoalAction,
    HolisticReview,
    InformationGiven,
    MedicalReview,
    Medicine,
    Person,
    PersonalContact,
    PersonNameToken,
    QuestionnaireResult,
    Referral,
    Strength,
    Telecom,
    WellbeingRating,
)
from careplanner.models.base import new_id
from careplanner.services import audit
from careplanner.services.bulk import Pending, insert_graphs
from careplanner.services.seed_data import (
    CONDITIONS,
    CONTINGENCY,
    FAMILY,
    FIRST_F,
    FIRST_M,
    GOALS,
    MEDICINES,
    STREETS,
    TEAM,
    TOWNS,
)
from careplanner.services.users import Actor


def _new(model: type[Any], **values: Any) -> Any:
    """A not-yet-mapped row: plain attributes, no ORM instrumentation, for `bulk.insert_graphs`."""
    return Pending(model, values)


def _phone(rng: random.Random) -> str:
    return f"0113 496 {rng.randint(0, 999):04d}"


def _dt(day: date) -> datetime:
    return datetime.combine(day, time(10, 30), tzinfo=UTC)


def _fill(plan: Any, rng: random.Random, person: Any, frail: bool) -> None:
    pid = plan.id
    plan.about_me = _new(
        AboutMe,
        plan_id=pid,
        what_matters=rng.choice(
            [
                "Staying in my own home",
                "Seeing my grandchildren",
                "Getting back to my allotment",
                "Going to church on Sundays",
            ]
        ),
        people_important=rng.choice(["My daughter, who visits each week", "My husband", "My neighbour Pat"]),
        how_i_communicate=rng.choice(
            ["I hear better on my left side", "Please speak slowly", "I like things written down"]
        ),
        my_wellness="On a good day I can cook for myself; on a bad day I stay in my chair.",
        please_do="Talk to me, not my carer.",
        please_dont="Don't rush me.",
        how_to_support_me="Remind me about appointments by text.",
        also_worth_knowing=rng.choice(["I worked as a bus driver for 30 years", "I used to teach music", ""]),
    )
    plan.strengths = [_new(Strength, plan_id=pid, position=0, text="I have a supportive family")]
    chosen = rng.sample(CONDITIONS, rng.randint(1, 3))
    plan.conditions = [
        _new(Condition, plan_id=pid, position=i, snomed_code=c[0], term=c[1], plain_name=c[2])
        for i, c in enumerate(chosen)
    ]
    meds = rng.sample(MEDICINES, rng.randint(2, 5))
    plan.medicines = [
        _new(
            Medicine,
            plan_id=pid,
            position=i,
            name=mname,
            dose=dose,
            how_taken=how,
            purpose=purpose,
            decision=rng.choice(
                [MedicineDecision.CONTINUE, MedicineDecision.CONTINUE, MedicineDecision.CHANGE]
            ),
        )
        for i, (mname, dose, how, purpose) in enumerate(meds)
    ]
    plan.medical_review = _new(
        MedicalReview, plan_id=pid, frailty_score=rng.randint(5, 7) if frail else rng.randint(2, 4)
    )
    plan.holistic = _new(
        HolisticReview,
        plan_id=pid,
        carer_status=rng.choice(list(CarerStatus)),
        social_context="Lives alone; daughter nearby" if rng.random() < 0.5 else "Lives with partner",
    )
    phq = [rng.randint(0, 1), rng.randint(0, 2)]
    plan.questionnaires = [
        _new(
            QuestionnaireResult,
            plan_id=pid,
            kind=QuestionnaireKind.PHQ2,
            answers=phq,
            total=sum(phq),
            band="positive" if sum(phq) >= 3 else "negative",
            taken_on=plan.created_at.date(),
        )
    ]
    plan.wellbeing = [
        _new(WellbeingRating, plan_id=pid, position=i, area=a, score=rng.randint(3, 9))
        for i, a in enumerate(WellbeingArea)
    ]
    goals = rng.sample(GOALS, rng.randint(1, 3))
    plan.goals = []
    for i, (text, action, who) in enumerate(goals):
        goal = _new(
            Goal, plan_id=pid, position=i, text=text, importance=rng.randint(5, 10), status=GoalStatus.ACTIVE
        )
        goal.actions = [
            _new(
                GoalAction,
                plan_id=pid,
                position=0,
                what=action,
                who_name=who,
                when="over the next month",
                status=ActionStatus.PLANNED,
                confidence=rng.randint(4, 10),
            )
        ]
        plan.goals.append(goal)
    plan.referrals = [
        _new(
            Referral,
            plan_id=pid,
            position=0,
            kind=ReferralKind.SIGNPOSTING,
            service="Walking for health group",
            reason="to get more active with others",
            status=ReferralStatus.SUGGESTED,
        )
    ]
    plan.information_given = [
        _new(
            InformationGiven,
            plan_id=pid,
            position=0,
            title="Looking after yourself this winter",
            source="Practice leaflet",
        )
    ]
    cont = rng.choice(CONTINGENCY)
    cp = _new(
        ContingencyPlan,
        plan_id=pid,
        position=0,
        name=cont[0],
        condition=cont[1],
        triggers=cont[2],
        warning_signs=cont[3],
        green_what_i_do=cont[4],
        amber_what_i_do=cont[5],
        red_what_i_do=cont[6],
    )
    cp.contacts = [
        _new(
            ContingencyContact,
            plan_id=pid,
            position=0,
            zone=Zone.AMBER,
            role="My practice",
            role_key="practice",
            phone="0113 496 0000",
        ),
        _new(
            ContingencyContact,
            plan_id=pid,
            position=1,
            zone=Zone.AMBER,
            role="Out of hours",
            role_key="out_of_hours",
            phone="111",
        ),
        _new(
            ContingencyContact,
            plan_id=pid,
            position=2,
            zone=Zone.RED,
            role="Emergency",
            role_key="999",
            phone="999",
        ),
    ]
    plan.contingency_plans = [cp]
    if frail or person.palliative_register:
        plan.future_wishes = _new(
            FutureWishes,
            plan_id=pid,
            wishes_to_discuss=True,
            preferred_place_of_care="At home",
            preferred_place_of_death="At home, with my family",
            cpr_decision=CprDecision.NOT_FOR_CPR if person.palliative_register else CprDecision.NOT_DISCUSSED,
            cpr_decision_date=plan.created_at.date() if person.palliative_register else None,
            cpr_decision_by="Dr A Shah" if person.palliative_register else "",
            cpr_discussed_with_person=True if person.palliative_register else None,
            cpr_form_location="ReSPECT form in the kitchen drawer" if person.palliative_register else "",
            spiritual_needs="I would like the vicar to visit.",
        )
    team = rng.sample(TEAM, 2)
    plan.care_team = [
        _new(
            CareTeamMember,
            plan_id=pid,
            position=i,
            name=n,
            role=r,
            organisation=o,
            phone=_phone(rng),
            is_key_worker=i == 0,
        )
        for i, (n, r, o) in enumerate(team)
    ]
    plan.personal_contacts = [
        _new(
            PersonalContact,
            plan_id=pid,
            position=0,
            name=f"{rng.choice(FIRST_F)} {person.family_name}",
            relationship_to_person="Daughter",
            is_next_of_kin=True,
            is_emergency_contact=True,
            phone=_phone(rng),
        )
    ]
    plan.lead_coordinator_name, plan.lead_coordinator_role = team[0][0], team[0][1]
    plan.consent_to_share = True
    plan.consent_shared_with = "District nurses, out-of-hours service"


def seed_people(
    sessions: sessionmaker[Session], *, count: int, seed: int, actor: Actor, today: date, batch: int = 500
) -> int:
    """Add `count` synthetic people; returns how many were added.

    Objects are built whole in memory (no lazy loads) and inserted a batch at a time; versions are inserted
    as drafts and then marked agreed in one statement, which is the one change the triggers allow.
    """
    rng = random.Random(seed)
    made = 0
    with sessions() as session:
        taken = set(session.scalars(select(Person.nhs_number)))
    while made < count:
        people: list[Any] = []
        plans: list[Any] = []
        agreed: list[dict[str, object]] = []
        for _ in range(min(batch, count - made)):
            made += 1
            person = _make_person(rng, taken)
            people.append(person)
            frail = rng.random() < 0.2
            versions = rng.choice([0, 1, 1, 1, 2, 2, 3])
            day = today - timedelta(days=rng.randint(30, 400) + 365 * max(0, versions - 1))
            previous: str | None = None
            for number in range(1, versions + 1):
                plan = _new(
                    CarePlan,
                    id=new_id(),
                    person_id=person.id,
                    status=PlanStatus.DRAFT,
                    started_by_id=actor.id,
                    created_at=_dt(day),
                    last_updated=_dt(day),
                    version_number=number,
                )
                _fill(plan, rng, person, frail)
                plan.review_date = day + timedelta(days=30 * (3 if frail else rng.choice([6, 12])))
                plans.append(plan)
                agreed.append({"pid": plan.id, "at": _dt(day), "replaces": previous})
                previous = plan.id
                person.last_agreed_on = day
                person.review_due = plan.review_date
                day = min(day + timedelta(days=rng.randint(150, 365)), today - timedelta(days=1))
            if versions and rng.random() < 0.15:
                draft = _new(
                    CarePlan,
                    id=new_id(),
                    person_id=person.id,
                    status=PlanStatus.DRAFT,
                    started_by_id=actor.id,
                    created_at=_dt(today),
                    last_updated=_dt(today),
                    revision=3,
                    base_id=previous,
                )
                _fill(draft, rng, person, frail)
                plans.append(draft)
                person.has_draft = True
        with sessions.begin() as session:
            # Plans are inserted as drafts (the triggers allow content only in drafts), then marked agreed.
            insert_graphs(session, [*people, *plans])
            if agreed:
                if session.get_bind().dialect.name == "postgresql":
                    # The practice server accepts an agreement only in the present (store/guards.py): the
                    # versions keep their synthetic dates everywhere else.
                    present = datetime.now(UTC)
                    agreed = [{**a, "at": present} for a in agreed]
                table = typing.cast(Table, CarePlan.__table__)
                session.execute(
                    update(table)
                    .where(table.c.id == bindparam("pid"))
                    .values(
                        status=PlanStatus.AGREED.value,
                        agreed_at=bindparam("at"),
                        agreed_by_id=actor.id,
                        agreed_with=AgreedWith.PERSON.value,
                        replaces_id=bindparam("replaces"),
                        row_version=table.c.row_version + 1,
                    ),
                    agreed,
                )
                # Each agreed version's content seal, as agreeing in the app writes it (see version_seal.py).
                audit.record_seals(
                    session.connection(),
                    [str(a["pid"]) for a in agreed],
                    action=audit.Action.PLAN_AGREED,
                    user_id=actor.id,
                    note="seeded",
                )
            audit.record(
                session, audit.Action.PERSON_CREATED, user_id=actor.id, detail=f"seeded={len(people)}"
            )
    return made


def _make_person(rng: random.Random, taken: set[str | None]) -> Any:
    female = rng.random() < 0.55
    first = rng.choice(FIRST_F if female else FIRST_M)
    family = rng.choice(FAMILY)
    nhs = make_valid_nhs_number(rng)
    while nhs in taken:
        nhs = make_valid_nhs_number(rng)
    taken.add(nhs)
    town, area = rng.choice(TOWNS)
    person = _new(
        Person,
        id=new_id(),
        nhs_number=nhs,
        title=("Mrs" if female else "Mr"),
        first_name=first,
        family_name=family,
        date_of_birth=date(rng.randint(1930, 1990), rng.randint(1, 12), rng.randint(1, 28)),
        sex=Sex.FEMALE if female else Sex.MALE,
        search_name=f"{first} {family}".casefold(),
        gp_practice_name="Riverside Surgery",
        gp_practice_ods_code="B86999",
        palliative_register=rng.random() < 0.05,
        has_draft=False,
    )
    key = sort_key(family, first, person.id)
    person.name_tokens = [
        _new(PersonNameToken, token=t, sort_key=key) for t in sorted(name_tokens(first, family))
    ]
    person.addresses = [
        _new(
            Address,
            line1=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            line2=town,
            postcode=f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}XY",
        )
    ]
    person.telecoms = [_new(Telecom, system="phone", value=_phone(rng), use="home", preference=1)]
    if rng.random() < 0.1:
        person.communication_needs = [_new(CommunicationNeedRow, need=CommunicationNeed.LARGE_PRINT)]
    return person
