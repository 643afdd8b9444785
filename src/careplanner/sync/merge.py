"""The merge of two copies of one person's plan that sync kept side by side (a `sync_conflict` row).

Sync never overwrites a draft that someone else changed: it keeps both copies and records a conflict
(sync.md). A clinician then looks at the two copies section by section and chooses, for each section,
which copy's text to keep. The merge runs on this workstation's replica, in one local transaction:

- the copy that stays is a draft (the first one when both are drafts: the copy the practice server had);
  the sections chosen from the other copy are written into it through the plan services
  (`save_sections_in`: one new revision, one audit entry per section, `source=merge`);
- the other copy, when it is a draft, is discarded (audited); an agreed version is never changed;
- the conflict is marked resolved (who, when) and the merge itself is audited, naming ids only.

Everything goes through the replica's session factory, so the outbox captures the kept draft, the
discarded one and the resolved conflict in the same transaction and they are pushed like any other save.
Nothing is written when either copy changed since the clinician looked (StaleCopyError).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import PlanStatus
from careplanner.models import CarePlan, Person, User
from careplanner.models.sync import SyncConflict
from careplanner.services import audit
from careplanner.services.diff import SectionDiff, diff_plans
from careplanner.services.draft_copy import StaleCopyError
from careplanner.services.errors import NotAllowedError, NotFoundError, ServiceError
from careplanner.services.mapping import read_section
from careplanner.services.plan_data import SECTION_TITLES, SECTION_TYPES, PlanContent, PlanVersion
from careplanner.services.plans import save_sections_in, version_of
from careplanner.services.users import Actor

Side = Literal["first", "second"]

CHANGED_SINCE = (
    "One of the two copies changed since you opened the merge, so nothing was saved. Open the merge again "
    "to see the changes."
)
ALREADY_MERGED = "These two copies have already been merged, here or on another workstation."


@dataclass(frozen=True)
class Copy:
    """One of the two copies: the version (None when that copy was discarded on a workstation), who
    started it and when it last changed."""

    plan: PlanVersion | None
    started_by: str = ""

    @property
    def is_draft(self) -> bool:
        return self.plan is not None and self.plan.is_draft

    @property
    def content(self) -> PlanContent:
        return self.plan.content if self.plan is not None else PlanContent()


@dataclass(frozen=True)
class MergeCase:
    """What the merge dialog shows: both copies, and what differs between them, section by section."""

    conflict_id: str
    person_id: str
    person_name: str
    reason: str
    detected_at: datetime | None
    first: Copy
    second: Copy
    sections: tuple[SectionDiff, ...] = field(default=())
    differing: tuple[str, ...] = field(default=())  # keys of the sections whose content differs

    @property
    def kept(self) -> Side | None:
        """The copy that stays as the draft (None: neither copy is a draft, so there is nothing to edit)."""
        if self.first.is_draft:
            return "first"
        if self.second.is_draft:
            return "second"
        return None

    def copy(self, side: Side) -> Copy:
        return self.first if side == "first" else self.second

    def default_choices(self) -> dict[str, Side]:
        """Every section from the copy that stays, until the clinician chooses otherwise."""
        kept: Side = self.kept or "first"
        return {key: kept for key in SECTION_TYPES}


class MergeService:
    """Reads a kept conflict as a MergeCase and merges it, on the replica's session factory."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = sessions
        self._now = now

    def open_ids(self) -> list[str]:
        """The conflicts not yet merged, oldest first."""
        with self._sessions() as session:
            query = select(SyncConflict.id).where(SyncConflict.resolved_at.is_(None))
            return list(session.scalars(query.order_by(SyncConflict.detected_at, SyncConflict.id)))

    def case(self, conflict_id: str) -> MergeCase:
        with self._sessions() as session:
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None:
                raise NotFoundError("That conflict is not in this workstation's copy.")
            person = session.get(Person, conflict.person_id)
            first = _copy(session, conflict.plan_a_id)
            second = _copy(session, conflict.plan_b_id)
            differing = tuple(
                key for key in SECTION_TYPES if first.content.section(key) != second.content.section(key)
            )
            return MergeCase(
                conflict_id=conflict.id,
                person_id=conflict.person_id,
                person_name=_name(person),
                reason=conflict.reason,
                detected_at=conflict.detected_at,
                first=first,
                second=second,
                sections=tuple(diff_plans(first.content, second.content)),
                differing=differing,
            )

    def merge(self, case: MergeCase, choices: Mapping[str, Side], actor: Actor) -> PlanVersion | None:
        """Keep one draft with each section taken from the copy chosen for it; discard the other draft;
        resolve the conflict. Returns the draft that stays (None when neither copy is a draft)."""
        if not actor.can_edit_plans:
            raise NotAllowedError("Only clinicians can merge care plans.")
        unknown = set(choices) - set(SECTION_TYPES)
        if unknown or any(side not in ("first", "second") for side in choices.values()):
            raise ServiceError("The merge named a section or a copy that does not exist.")
        with self._sessions.begin() as session:
            conflict = session.get(SyncConflict, case.conflict_id)
            if conflict is None:
                raise NotFoundError("That conflict is not in this workstation's copy.")
            if conflict.resolved_at is not None:
                raise StaleCopyError(ALREADY_MERGED)
            rows = {
                "first": _current(session, conflict.plan_a_id, case.first),
                "second": _current(session, conflict.plan_b_id, case.second),
            }
            kept_side = case.kept
            now = self._now()
            kept = rows[kept_side] if kept_side is not None else None
            other_side: Side = "second" if kept_side == "first" else "first"
            other = rows[other_side]
            taken: list[str] = []
            if kept is not None and other is not None:
                taken = [
                    key
                    for key in SECTION_TYPES
                    if choices.get(key, kept_side) == other_side and key in case.differing
                ]
                sections = [read_section(other, SECTION_TYPES[key]) for key in taken]
                if sections:
                    save_sections_in(session, kept, sections, actor, self._now, source="merge")
            discarded = ""
            if other is not None and other.status is PlanStatus.DRAFT and kept is not None:
                discarded = other.id
                session.delete(other)
                session.flush()
                audit.record(
                    session,
                    audit.Action.PLAN_DISCARDED,
                    user_id=actor.id,
                    person_id=conflict.person_id,
                    plan_id=discarded,
                    detail=f"merged into={kept.id}",
                    now=self._now,
                )
            person = session.get(Person, conflict.person_id)
            if person is not None and kept is not None:
                person.has_draft = True
            conflict.resolved_at = now
            conflict.resolved_by_id = actor.id
            session.flush()
            audit.record(
                session,
                audit.Action.PLAN_CHANGED,
                user_id=actor.id,
                person_id=conflict.person_id,
                plan_id=kept.id if kept is not None else None,
                detail=(
                    f"merge conflict={conflict.id} discarded={discarded or '-'} "
                    f"sections_from_other={','.join(taken) or 'none'}"
                ),
                now=self._now,
            )
            return version_of(session, kept) if kept is not None else None


def _copy(session: Session, plan_id: str | None) -> Copy:
    plan = session.get(CarePlan, plan_id) if plan_id else None
    if plan is None:
        return Copy(None)
    user = session.get(User, plan.started_by_id) if plan.started_by_id else None
    return Copy(version_of(session, plan), user.display_name if user is not None else "")


def _current(session: Session, plan_id: str | None, seen: Copy) -> CarePlan | None:
    """The copy's row as it is now, refused (StaleCopyError) when it is not what the clinician saw."""
    plan = session.get(CarePlan, plan_id) if plan_id else None
    if seen.plan is None:
        if plan is not None:
            raise StaleCopyError(CHANGED_SINCE)
        return None
    if plan is None or plan.revision != seen.plan.revision or plan.status is not seen.plan.status:
        raise StaleCopyError(CHANGED_SINCE)
    return plan


def _name(person: Person | None) -> str:
    if person is None:
        return ""
    preferred = person.preferred_name
    extra = f" ({preferred})" if preferred and preferred != person.first_name else ""
    return f"{person.family_name.upper()}, {person.first_name}{extra}"


def section_title(key: str) -> str:
    return SECTION_TITLES[key]
