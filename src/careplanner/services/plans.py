"""Plan versions: start or reopen a draft, autosave one section, agree, decline, history and diff."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, sessionmaker

from careplanner.clinical.enums import AgreedWith, PlanStatus
from careplanner.models import CarePlan, Person, User
from careplanner.services import audit
from careplanner.services.carry_forward import carried_forward
from careplanner.services.draft_copy import (
    AGREED_ELSEWHERE,
    StaleCopyError,
    refuse_if_taken,
    refusing_stale,
    who_changed,
)
from careplanner.services.errors import NotADraftError, NotAllowedError, NotFoundError, ValidationError
from careplanner.services.mapping import read_content, read_section, write_section
from careplanner.services.plan_data import SECTION_TYPES, PlanSummary, PlanVersion, Section, section_key
from careplanner.services.plan_provenance import imported_by_line, provenance_of
from careplanner.services.users import Actor
from careplanner.store.version_seal import seal_for


@dataclass(frozen=True)
class SaveResult:
    plan_id: str
    revision: int
    saved_at: datetime


@dataclass(frozen=True)
class VersionIndex:
    """Which of a person's versions is the draft, which the latest agreed, and which are superseded."""

    draft_id: str | None
    latest_agreed_id: str | None
    superseded: frozenset[str]


def version_index(session: Session, person_id: str) -> VersionIndex:
    """Read the headers of every version of one person, and pick in Python.

    Filtering on status in SQL made SQLite choose the status index (thousands of agreed plans) over the
    person index: about 12 ms a query at 10,000 people, three times on every open. A person has a few
    versions, so reading them all by person is a fraction of a millisecond.
    """
    plan = CarePlan
    columns = (plan.id, plan.status, plan.version_number, plan.created_at, plan.replaces_id)
    rows = session.execute(select(*columns).where(CarePlan.person_id == person_id)).all()
    drafts = [r for r in rows if r.status is PlanStatus.DRAFT]
    agreed = [r for r in rows if r.status is PlanStatus.AGREED]
    draft = max(drafts, key=lambda r: r.created_at, default=None)
    latest = max(agreed, key=lambda r: r.version_number or 0, default=None)
    return VersionIndex(
        draft.id if draft else None,
        latest.id if latest else None,
        frozenset(r.replaces_id for r in agreed if r.replaces_id),
    )


def _superseded_ids(session: Session, person_id: str) -> frozenset[str]:
    return version_index(session, person_id).superseded


def _user_names(session: Session, *ids: str | None) -> dict[str, tuple[str, str]]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {
        u.id: (u.display_name, u.role.value) for u in session.scalars(select(User).where(User.id.in_(wanted)))
    }


def version_of(session: Session, plan: CarePlan, superseded: frozenset[str] | None = None) -> PlanVersion:
    """The frozen view of `plan`; pass `superseded` when the caller has already read the version index."""
    if superseded is None:
        superseded = _superseded_ids(session, plan.person_id)
    names = _user_names(session, plan.agreed_by_id)
    agreed_by = names.get(plan.agreed_by_id or "", ("", ""))
    return PlanVersion(
        id=plan.id,
        person_id=plan.person_id,
        status=plan.status,
        version_number=plan.version_number,
        base_id=plan.base_id,
        replaces_id=plan.replaces_id,
        revision=plan.revision,
        title=plan.title,
        created_at=plan.created_at,
        last_updated=plan.last_updated,
        agreed_at=plan.agreed_at,
        agreed_by_name=agreed_by[0],
        agreed_by_role=agreed_by[1],
        agreed_with=plan.agreed_with,
        representative_name=plan.representative_name,
        representative_role=plan.representative_role,
        declined_reason=plan.declined_reason,
        superseded=plan.id in superseded,
        content=read_content(plan),
        replaced_by_version=_replaced_by(session, plan) if plan.id in superseded else None,
        provenance=provenance_of(plan),
    )


def _replaced_by(session: Session, plan: CarePlan) -> int | None:
    """The number of the agreed version that replaced `plan`, so its printed copy can say so (read by
    person, which is indexed, then by what each version replaces: a person has a few versions)."""
    later = select(CarePlan.version_number).where(
        CarePlan.person_id == plan.person_id,
        CarePlan.replaces_id == plan.id,
        CarePlan.status == PlanStatus.AGREED,
    )
    return session.scalar(later.limit(1))


def draft_row_in(
    session: Session, person: Person, actor: Actor, now: Callable[[], datetime]
) -> tuple[CarePlan, frozenset[str]]:
    """Inside the caller's transaction: the person's draft row, reopened or started (audited) carried
    forward from their last agreed plan, with the ids of superseded versions. The caller has checked that
    `actor` may edit plans. Today's measurements (scores, frailty, review notes) start blank: see
    `carry_forward.py`."""
    index = version_index(session, person.id)
    if index.draft_id is None:
        # On the practice server another workstation may be starting (or agreeing) this person's draft at
        # this moment. Take turns on the audit chain's lock (every write here takes it anyway), then look
        # again with their commit in view: one draft, and the person row as it is now (not a stale copy).
        audit.take_chain_lock(session)
        session.flush()  # nothing the caller changed is lost by the refresh
        session.refresh(person)
        index = version_index(session, person.id)
    if index.draft_id is not None:
        existing = session.get(CarePlan, index.draft_id)
        assert existing is not None
        return existing, index.superseded
    base = session.get(CarePlan, index.latest_agreed_id) if index.latest_agreed_id else None
    draft = CarePlan(
        person_id=person.id,
        status=PlanStatus.DRAFT,
        base_id=base.id if base else None,
        started_by_id=actor.id,
        last_updated=now(),
    )
    session.add(draft)
    session.flush()
    if base is not None:
        start = carried_forward(read_content(base))
        for key in SECTION_TYPES:
            write_section(draft, start.section(key))
    person.has_draft = True
    session.flush()
    audit.record(
        session,
        audit.Action.PLAN_STARTED,
        user_id=actor.id,
        person_id=person.id,
        plan_id=draft.id,
        detail="carried forward" if base else "new",
        now=now,
    )
    return draft, index.superseded


def save_sections_in(
    session: Session,
    plan: CarePlan,
    sections: Sequence[Section],
    actor: Actor,
    now: Callable[[], datetime],
    source: str = "",
) -> None:
    """Inside the caller's transaction: write sections of a draft as one revision, one audit entry each
    (naming the section, never its content)."""
    for section in sections:
        write_section(plan, section)
    plan.revision += 1
    plan.last_updated = now()
    session.flush()
    for section in sections:
        audit.record(
            session,
            audit.Action.PLAN_CHANGED,
            user_id=actor.id,
            person_id=plan.person_id,
            plan_id=plan.id,
            detail=f"section={section_key(section)}" + (f" source={source}" if source else ""),
            now=now,
        )


def start_draft_in(
    session: Session, person: Person, actor: Actor, now: Callable[[], datetime]
) -> PlanVersion:
    """As `draft_row_in`, returned as a plain PlanVersion."""
    draft, superseded = draft_row_in(session, person, actor, now)
    return version_of(session, draft, superseded)


class PlanService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._now = now

    # ---- reading ----------------------------------------------------------------------------------------

    def get(self, plan_id: str) -> PlanVersion:
        with self._sessions() as session:
            plan = session.get(CarePlan, plan_id)
            if plan is None:
                raise NotFoundError("That plan is not in the store.")
            return version_of(session, plan)

    def draft_of(self, person_id: str) -> PlanVersion | None:
        with self._sessions() as session:
            plan = self._draft(session, person_id)
            return None if plan is None else version_of(session, plan)

    def latest_agreed(self, person_id: str) -> PlanVersion | None:
        with self._sessions() as session:
            plan = self._latest_agreed(session, person_id)
            return None if plan is None else version_of(session, plan)

    def history(self, person_id: str) -> list[PlanSummary]:
        """Every version, newest first."""
        with self._sessions() as session:
            plans = list(
                session.scalars(
                    select(CarePlan)
                    .where(CarePlan.person_id == person_id)
                    .order_by(CarePlan.created_at.desc())
                )
            )
            superseded = _superseded_ids(session, person_id)
            names = _user_names(session, *(p.agreed_by_id for p in plans))
            return [
                PlanSummary(
                    p.id,
                    p.status,
                    p.version_number,
                    p.created_at,
                    p.agreed_at,
                    names.get(p.agreed_by_id or "", ("", ""))[0] or imported_by_line(p),
                    p.review_date,
                    p.id in superseded,
                )
                for p in plans
            ]

    @staticmethod
    def _draft(session: Session, person_id: str) -> CarePlan | None:
        draft_id = version_index(session, person_id).draft_id
        return None if draft_id is None else session.get(CarePlan, draft_id)

    @staticmethod
    def _latest_agreed(session: Session, person_id: str) -> CarePlan | None:
        agreed_id = version_index(session, person_id).latest_agreed_id
        return None if agreed_id is None else session.get(CarePlan, agreed_id)

    # ---- writing ----------------------------------------------------------------------------------------

    @staticmethod
    def _require_clinician(actor: Actor) -> None:
        if not actor.can_edit_plans:
            raise NotAllowedError("Only clinicians can change care plans.")

    def start_draft(self, person_id: str, actor: Actor) -> PlanVersion:
        """Reopen this person's draft, or start one carried forward from their last agreed plan."""
        self._require_clinician(actor)
        with self._sessions.begin() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            return start_draft_in(session, person, actor, self._now)

    def _editable(self, session: Session, plan_id: str, *, one_section: bool = False) -> CarePlan:
        """The draft, for changing. `one_section`: load its sections only as they are touched (an autosave
        changes one of about twenty; loading all of them cost a round trip each, twice the autosave's
        budget on the practice server). A section loaded as it is touched may be written before the plan's
        own row, so the plan's row is locked first (FOR NO KEY UPDATE on the server; SQLite has one
        writer): a save never writes into a version agreed meanwhile, and saves and agreements of one
        plan take turns in one order (no deadlock)."""
        if not one_section:
            plan = session.get(CarePlan, plan_id)
            # Then the same row lock (before an agreement seals the content, and before a discard deletes
            # sections): the server's content guard reads the version FOR SHARE, so two writers of one
            # plan would otherwise each hold that and wait for the other. Taken after reading, so a change
            # committed while waiting still makes this copy stale (refused when it is written).
            session.execute(select(CarePlan.id).where(CarePlan.id == plan_id).with_for_update(key_share=True))
        else:
            lock = {"key_share": True}
            plan = session.get(CarePlan, plan_id, options=[lazyload("*")], with_for_update=lock)
        if plan is None:
            raise NotFoundError("That plan is not in the store.")
        if plan.status is not PlanStatus.DRAFT:
            raise NotADraftError(
                "This version has been agreed and cannot be changed. Start a review instead."
            )
        return plan

    def save_section(
        self,
        plan_id: str,
        section: Section,
        actor: Actor,
        *,
        seen_revision: int | None = None,
        seen_section: Section | None = None,
        holder: str | None = None,
    ) -> SaveResult:
        """Autosave one step of the draft. One transaction; the audit says which section, never what.

        `seen_revision` / `seen_section`: what the saving copy last saw (see draft_copy.py). When the draft
        has moved on since and this section is no longer what was seen, StaleCopyError: never overwrite.
        `holder`: the saving editor's presence token; on the practice server a save from an editor that no
        longer holds the person's draft (taken over) is refused, naming who has it."""
        self._require_clinician(actor)
        with refusing_stale(), self._sessions.begin() as session:
            plan = self._editable(session, plan_id, one_section=True)
            refuse_if_taken(session, plan.person_id, holder)
            if seen_revision is not None and plan.revision != seen_revision:
                stored = read_section(plan, type(section))
                if stored == section:  # already there (a retry after a lost reply)
                    return SaveResult(plan.id, plan.revision, plan.last_updated or self._now())
                if stored != seen_section:
                    raise who_changed(session, plan.id, section_key(section))
            save_sections_in(session, plan, [section], actor, self._now)
            assert plan.last_updated is not None
            return SaveResult(plan.id, plan.revision, plan.last_updated)

    def agree(
        self,
        plan_id: str,
        actor: Actor,
        *,
        agreed_with: AgreedWith = AgreedWith.PERSON,
        representative_name: str = "",
        representative_role: str = "",
        review_date: date | None = None,
        seen_revision: int | None = None,
        holder: str | None = None,
    ) -> PlanVersion:
        """The draft becomes the next agreed version; from here on nothing may change it. One transaction:
        two workstations agreeing the same draft at once make one version, and the other is told plainly
        (StaleCopyError). `seen_revision`: refuse when the draft changed since the agreeing copy saw it."""
        self._require_clinician(actor)
        if agreed_with is AgreedWith.REPRESENTATIVE and not representative_name.strip():
            raise ValidationError({"representative_name": "Enter the name of the person's representative."})
        # Another workstation agreeing (or saving) the same draft in the same moment: StaleDataError.
        with refusing_stale(AGREED_ELSEWHERE), self._sessions.begin() as session:
            plan = self._editable(session, plan_id, one_section=holder is not None)
            refuse_if_taken(session, plan.person_id, holder, agreeing=True)
            if seen_revision is not None and plan.revision != seen_revision:
                raise StaleCopyError(AGREED_ELSEWHERE)
            if review_date is not None:
                plan.review_date = review_date
            if plan.review_date is None:
                raise ValidationError({"review_date": "Set a review date before agreeing the plan."})
            previous = self._latest_agreed(session, plan.person_id)
            number = session.scalar(
                select(func.max(CarePlan.version_number)).where(CarePlan.person_id == plan.person_id)
            )
            now = self._now()
            plan.status = PlanStatus.AGREED
            plan.version_number = (number or 0) + 1
            plan.replaces_id = previous.id if previous else None
            plan.agreed_at = now
            plan.agreed_by_id = actor.id
            plan.agreed_with = agreed_with
            plan.representative_name = representative_name.strip()
            plan.representative_role = representative_role.strip()
            plan.last_updated = now
            person = session.get(Person, plan.person_id)
            assert person is not None
            person.last_agreed_on = now.date()
            person.review_due = plan.review_date
            person.has_draft = False
            person.declined_written_plan = False
            session.flush()
            audit.record(
                session,
                audit.Action.PLAN_AGREED,
                user_id=actor.id,
                person_id=plan.person_id,
                plan_id=plan.id,
                # The content seal: the audit chain now vouches for exactly what was agreed.
                detail=f"version={plan.version_number} {seal_for(session.connection(), plan.id)}",
                now=self._now,
            )
            return version_of(session, plan)

    def decline(
        self,
        plan_id: str,
        actor: Actor,
        *,
        reason: str,
        review_date: date | None = None,
        holder: str | None = None,
    ) -> PlanVersion:
        """The person did not want a written plan: record that (with the reason), as its own version."""
        self._require_clinician(actor)
        with self._sessions.begin() as session:
            plan = self._editable(session, plan_id, one_section=holder is not None)
            refuse_if_taken(session, plan.person_id, holder, agreeing=True)
            now = self._now()
            plan.status = PlanStatus.DECLINED
            plan.declined_reason = reason.strip()
            plan.agreed_by_id = actor.id
            plan.agreed_at = now
            if review_date is not None:
                plan.review_date = review_date
            plan.last_updated = now
            person = session.get(Person, plan.person_id)
            assert person is not None
            person.has_draft = False
            person.declined_written_plan = True
            if plan.review_date is not None:
                person.review_due = plan.review_date
            session.flush()
            audit.record(
                session,
                audit.Action.PLAN_DECLINED,
                user_id=actor.id,
                person_id=plan.person_id,
                plan_id=plan.id,
                detail=seal_for(session.connection(), plan.id),
                now=self._now,
            )
            return version_of(session, plan)

    def discard_draft(self, plan_id: str, actor: Actor) -> None:
        self._require_clinician(actor)
        with self._sessions.begin() as session:
            plan = self._editable(session, plan_id)
            person = session.get(Person, plan.person_id)
            assert person is not None
            person.has_draft = False
            person_id = plan.person_id
            session.delete(plan)
            audit.record(
                session,
                audit.Action.PLAN_DISCARDED,
                user_id=actor.id,
                person_id=person_id,
                plan_id=plan_id,
                now=self._now,
            )
