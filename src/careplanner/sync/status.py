"""What the window and `careplanner sync status` show: connected or not, what waits, what needs a merge.

Read from the replica only (sync_state, sync_outbox, sync_conflict), so it answers at once with the
server down. Plain words and counts; a person's name is shown in the window's lists only, never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.models.person import Person
from careplanner.models.plan import CarePlan
from careplanner.models.sync import SyncConflict, SyncOutbox, SyncState
from careplanner.sync import parked

# The replica's own tables (migration 0014), read with Core so status reads stay light.
SYNC_OUTBOX = cast(Table, SyncOutbox.__table__)
SYNC_STATE = cast(Table, SyncState.__table__)
SYNC_CONFLICT = cast(Table, SyncConflict.__table__)

# What a waiting document is, in plain words.
KIND_WORDS = {
    "plan": "care plan",
    "person": "person's details",
    "user": "user account",
    "practice": "practice details",
    "directory_service": "local service",
    "directory_leaflet": "leaflet",
    "contingency_template": "contingency template",
    "sync_conflict": "merge",
}


@dataclass(frozen=True)
class SyncStatus:
    connected: bool
    offline_since: datetime | None
    waiting: int  # documents with changes not yet on the server
    conflicts: int  # unresolved conflicts: plans that need a merge
    last_sync: datetime | None
    problem: str | None  # plain words when sync has stopped (e.g. the server runs another version)
    attention: int = 0  # of those waiting: refused by the server, kept here as needing attention


@dataclass(frozen=True)
class WaitingItem:
    kind: str
    doc_id: str
    what: str  # "care plan", "person's details"…
    person_name: str  # "" when the document is not about one person
    changes: int  # saves waiting for this document
    first_made_at: datetime
    last_made_at: datetime
    attention: str = ""  # the server refused it: its reason in plain words (sync/parked.py); "" otherwise


@dataclass(frozen=True)
class ConflictItem:
    conflict_id: str
    person_id: str
    person_name: str
    plan_a_id: str
    plan_b_id: str
    reason: str
    detected_at: datetime | None


def read_state(session: Session) -> dict[str, str]:
    return {str(k): str(v) for k, v in session.execute(select(SYNC_STATE.c.key, SYNC_STATE.c.value))}


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _name(first: str | None, family: str | None) -> str:
    return " ".join(p for p in (first or "", family or "") if p)


class SyncService:
    """Reads the replica's sync bookkeeping for the status bar, the Sync dialog and the command line."""

    def __init__(self, sessions: sessionmaker[Session] | Callable[[], Session]) -> None:
        self._sessions = sessions

    def waiting(self) -> list[WaitingItem]:
        """Documents with saves not yet acknowledged by the server, oldest first."""
        o = SYNC_OUTBOX.c
        stmt = (
            select(
                o.kind, o.doc_id, func.count(), func.min(o.made_at), func.max(o.made_at), func.min(o.op_seq)
            )
            .group_by(o.kind, o.doc_id)
            .order_by(func.min(o.op_seq))
        )
        with self._sessions() as session:
            rows = session.execute(stmt).all()
            names = self._names(session, [(str(r[0]), str(r[1])) for r in rows])
            refused = parked.reasons(session.connection())
        return [
            WaitingItem(
                kind=str(kind),
                doc_id=str(doc_id),
                what=KIND_WORDS.get(str(kind), str(kind)),
                person_name=names.get((str(kind), str(doc_id)), ""),
                changes=int(count),
                first_made_at=first,
                last_made_at=last,
                attention=refused.get((str(kind), str(doc_id)), ""),
            )
            for kind, doc_id, count, first, last, _seq in rows
        ]

    def conflicts(self) -> list[ConflictItem]:
        """Conflicts not yet resolved by a merge, oldest first."""
        c = SYNC_CONFLICT.c
        stmt = (
            select(
                c.id,
                c.person_id,
                c.plan_a_id,
                c.plan_b_id,
                c.reason,
                c.detected_at,
                Person.first_name,
                Person.family_name,
            )
            .select_from(SYNC_CONFLICT.outerjoin(Person.__table__, Person.id == c.person_id))
            .where(c.resolved_at.is_(None))
            .order_by(c.detected_at, c.id)
        )
        with self._sessions() as session:
            rows = session.execute(stmt).all()
        return [
            ConflictItem(
                conflict_id=str(cid),
                person_id=str(pid or ""),
                person_name=_name(first, family),
                plan_a_id=str(a or ""),
                plan_b_id=str(b or ""),
                reason=str(reason or ""),
                detected_at=detected,
            )
            for cid, pid, a, b, reason, detected, first, family in rows
        ]

    def status(self, connected: bool, problem: str | None = None) -> SyncStatus:
        """The replica's side of the status; `connected` and `problem` come from the last sync attempt."""
        o, c = SYNC_OUTBOX.c, SYNC_CONFLICT.c
        with self._sessions() as session:
            state = read_state(session)
            waiting = int(
                session.execute(
                    select(func.count()).select_from(select(o.kind, o.doc_id).distinct().subquery())
                ).scalar_one()
            )
            attention = len(parked.reasons(session.connection()))
            conflicts = int(
                session.execute(
                    select(func.count()).where(c.resolved_at.is_(None)).select_from(SYNC_CONFLICT)
                ).scalar_one()
            )
        pulled, pushed = parse_time(state.get("last_pull_at")), parse_time(state.get("last_push_at"))
        last = max((t for t in (pulled, pushed) if t is not None), default=None)
        return SyncStatus(
            connected=connected,
            offline_since=None if connected else parse_time(state.get("offline_since")),
            waiting=waiting,
            conflicts=conflicts,
            last_sync=last,
            problem=problem if problem is not None else (state.get("problem") or None),
            attention=attention,
        )

    @staticmethod
    def _names(session: Session, docs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        people = [d for k, d in docs if k == "person"]
        plans = [d for k, d in docs if k == "plan"]
        out: dict[tuple[str, str], str] = {}
        if people:
            for pid, first, family in session.execute(
                select(Person.id, Person.first_name, Person.family_name).where(Person.id.in_(people))
            ):
                out[("person", pid)] = _name(first, family)
        if plans:
            for plan_id, first, family in session.execute(
                select(CarePlan.id, Person.first_name, Person.family_name)
                .join(Person, Person.id == CarePlan.person_id)
                .where(CarePlan.id.in_(plans))
            ):
                out[("plan", plan_id)] = _name(first, family)
        return out
