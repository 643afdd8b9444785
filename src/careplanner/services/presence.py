"""Two people, one plan: who is editing a person's draft on the practice server, and taking it over.

On the practice server, a clinician who opens a person's draft claims its presence (`claim_opened`); a
colleague who opens the same person while that presence is fresh gets the plan to read, with who has it and
where ("being edited by Jo Brennan on ROOM-3"), and may take it over explicitly (audited). The editing
workstation renews its presence every half minute (`heartbeat`) and lets go when it closes the plan
(`release`). Changes are announced by PostgreSQL NOTIFY (`listener`), so other workstations hear at once.

On the local store (one workstation) presence is simply absent: every call is a no-op, nothing is blocked.

Also here: the practice server's change announcements (`announce_changes`), which keep every workstation's
patient list and recall list current, and `unreachable`, which tells a lost server from any other failure.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, lazyload, sessionmaker

from careplanner.clinical.enums import PlanStatus
from careplanner.models import CarePlan
from careplanner.services import audit
from careplanner.services.consultation import OpenedPlan
from careplanner.services.errors import NotAllowedError
from careplanner.services.plans import version_of
from careplanner.services.users import Actor

if TYPE_CHECKING:
    from careplanner.server.notify import ChangeListener as ChangeListener
    from careplanner.server.notify import ListenerEvent as ListenerEvent

PLAN_TAKEN_OVER = "plan_taken_over"
WORKSTATION_VARIABLE = "CAREPLANNER_WORKSTATION"
HEARTBEAT_SECONDS = 30


def workstation_name() -> str:
    """This computer's name as colleagues see it: CAREPLANNER_WORKSTATION if set (e.g. "ROOM-3"), else
    the host name."""
    return (os.environ.get(WORKSTATION_VARIABLE) or socket.gethostname() or "this workstation")[:100]


def new_holder() -> str:
    """A token for one running editor: tells its presence from another's by the same clinician."""
    return str(uuid.uuid4())


def unreachable(exc: BaseException) -> bool:
    """True when `exc` means the practice server cannot be reached (stopped, restarting, network down)."""
    from careplanner.server.errors import ServerUnreachableError
    from careplanner.server.store import classify

    if isinstance(exc, ServerUnreachableError):
        return True
    return isinstance(exc, DBAPIError) and isinstance(classify(exc), ServerUnreachableError)


@dataclass(frozen=True)
class Presence:
    """Someone editing a person's draft: their display name, workstation, and since when (server time)."""

    person_id: str
    display_name: str
    workstation: str
    holder: str
    since: datetime


@dataclass(frozen=True)
class ClaimedOpen:
    """A person opened for editing, after presence: `opened.editable` is False when `editing_by` holds the
    draft; `taken_from` is whom a take-over took it from (None when nobody had it)."""

    opened: OpenedPlan
    editing_by: Presence | None = None
    taken_from: Presence | None = None


def _presence(row: Any) -> Presence:
    return Presence(row.person_id, row.display_name, row.workstation, row.holder, row.since)


class PresenceService:
    def __init__(
        self, sessions: sessionmaker[Session], *, on_server: bool, now: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self._now = now
        self.enabled = on_server
        self.workstation = workstation_name()

    def editing(self, person_id: str) -> Presence | None:
        """Who has this person's draft open now (fresh heartbeat), or None; always None locally."""
        if not self.enabled:
            return None
        from careplanner.server import presence as sql

        with self._sessions() as session:
            row = sql.holder_of(session, person_id)
            return None if row is None else _presence(row)

    def claim_opened(
        self, opened: OpenedPlan, actor: Actor, holder: str, *, take_over: bool = False
    ) -> ClaimedOpen:
        """After `ConsultationService.open_for_consultation`: claim the draft for `holder`, or, when a
        colleague's presence is fresh, hand back the draft to read and who has it. `take_over` claims it
        anyway, and the take-over is audited (the colleague is told by NOTIFY)."""
        if not self.enabled or not opened.editable or opened.plan is None:
            return ClaimedOpen(opened)
        if not actor.can_edit_plans:
            raise NotAllowedError("Only clinicians can change care plans.")
        from careplanner.server import presence as sql

        person_id, plan_id = opened.person.id, opened.plan.id
        with self._sessions.begin() as session:
            draft = None
            if take_over:
                # The draft's row first (the order saves take: no deadlock). A save the old holder has in
                # flight finishes before this, and is in the copy re-read below; one after is refused.
                lock = {"key_share": True}
                draft = session.get(CarePlan, plan_id, options=[lazyload("*")], with_for_update=lock)
            claimed, other = sql.claim(
                session,
                person_id,
                opened.plan.id,
                user_id=actor.id,
                workstation=self.workstation,
                holder=holder,
                force=take_over,
            )
            if not claimed:
                assert other is not None
                return ClaimedOpen(dataclasses.replace(opened, editable=False), editing_by=_presence(other))
            if other is not None and draft is not None and draft.status is PlanStatus.DRAFT:
                # Every copy the old holder has is stale now: its next save or agreement is checked.
                draft.revision += 1
                session.flush()
                opened = dataclasses.replace(opened, plan=version_of(session, draft))
            if other is not None:
                audit.record(
                    session,
                    PLAN_TAKEN_OVER,
                    user_id=actor.id,
                    person_id=person_id,
                    plan_id=plan_id,
                    detail=f"from_user={other.user_id}",
                    now=self._now,
                )
            return ClaimedOpen(opened, taken_from=None if other is None else _presence(other))

    def heartbeat(self, person_id: str, holder: str) -> bool:
        """Renew this editor's presence; False when someone has taken the plan over. Always True locally."""
        if not self.enabled:
            return True
        from careplanner.server import presence as sql

        with self._sessions.begin() as session:
            return sql.heartbeat(session, person_id, holder)

    def release(self, holder: str) -> None:
        """This editor closed its plan: colleagues may edit it now."""
        if not self.enabled:
            return
        from careplanner.server import presence as sql

        with self._sessions.begin() as session:
            sql.release(session, holder)

    def listener(self, on_event: Callable[[ListenerEvent], None]) -> ChangeListener | None:
        """A background listener for presence and change announcements (None on the local store).
        `on_event` runs on the listener's thread: hand the event to the UI thread, do nothing else there."""
        if not self.enabled:
            return None
        from careplanner.server.notify import ChangeListener

        engine = self._sessions.kw["bind"]
        return ChangeListener(engine, on_event)


def announce_changes(sessions: sessionmaker[Session]) -> None:
    """On the practice server: every transaction that adds or changes a person or a plan sends a NOTIFY
    (on commit, by PostgreSQL), so other workstations refresh their patient and recall lists."""
    from sqlalchemy import text

    from careplanner.models import Person
    from careplanner.server.presence import CHANGES_CHANNEL

    def touches_lists(session: Session) -> bool:
        # The lists show people's own fields (draft, last agreed, review due): a person added or changed,
        # or a plan started or discarded. Autosaving a draft's content changes neither.
        if any(isinstance(o, (Person, CarePlan)) for o in (*session.new, *session.deleted)):
            return True
        return any(isinstance(o, Person) and session.is_modified(o) for o in session.dirty)

    def plans_touched(session: Session) -> set[str]:
        # A draft saved, agreed, declined or started: readers of that person's plan refresh their view,
        # and an editor of it hears that it is no longer a draft. The person's record id only, never a name.
        touched = (*session.new, *session.deleted, *session.dirty)
        return {o.person_id for o in touched if isinstance(o, CarePlan) and o.person_id}

    def after_flush(session: Session, _context: Any) -> None:
        if not session.info.get("announce") and touches_lists(session):
            session.info["announce"] = True
            session.connection().execute(
                text("SELECT pg_notify(:channel, 'people')"), {"channel": CHANGES_CHANNEL}
            )
        announced: set[str] = session.info.setdefault("announced_plans", set())
        for person_id in sorted(plans_touched(session) - announced):
            announced.add(person_id)
            session.connection().execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANGES_CHANNEL, "payload": f"plan {person_id}"},
            )

    def after_end(session: Session, *_args: Any) -> None:
        session.info.pop("announce", None)
        session.info.pop("announced_plans", None)

    event.listen(sessions, "after_flush", after_flush)
    event.listen(sessions, "after_commit", after_end)
    event.listen(sessions, "after_soft_rollback", after_end)
