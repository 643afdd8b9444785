"""The audit trail: every view, change, print and export, chained by SHA-256 so edits are detectable.

Entries are written in the same transaction as the change they describe. `detail` must never hold patient
data (names, NHS numbers, dates of birth, free text): it names sections, formats, counts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.models import AuditEvent
from careplanner.models.base import new_id

GENESIS = "0" * 64


class Action:
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    LOCK = "lock"
    UNLOCK = "unlock"
    PERSON_CREATED = "person_created"
    PERSON_UPDATED = "person_updated"
    PERSON_OPENED = "person_opened"
    PLAN_STARTED = "plan_started"
    PLAN_CHANGED = "plan_changed"
    PLAN_AGREED = "plan_agreed"
    PLAN_DECLINED = "plan_declined"
    PLAN_DISCARDED = "plan_discarded"
    PRINTED = "printed"
    EXPORTED = "exported"
    IMPORTED = "imported"
    BACKUP = "backup"
    RESTORE = "restore"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    SETTINGS_CHANGED = "settings_changed"
    REKEY = "rekey"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    user_id: str | None
    action: str
    person_id: str | None
    plan_id: str | None
    detail: str


def _digest(
    prev_hash: str,
    event_id: str,
    at: datetime,
    user_id: str | None,
    action: str,
    person_id: str | None,
    plan_id: str | None,
    detail: str,
) -> str:
    payload = json.dumps(
        [prev_hash, event_id, at.astimezone(UTC).isoformat(), user_id, action, person_id, plan_id, detail],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    user_id: str | None,
    person_id: str | None = None,
    plan_id: str | None = None,
    detail: str = "",
    now: Callable[[], datetime] | None = None,
) -> None:
    """Append one entry inside the caller's transaction."""
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = (now or (lambda: datetime.now(UTC)))().replace(microsecond=0)
    event_id = new_id()
    session.add(
        AuditEvent(
            id=event_id,
            at=at,
            user_id=user_id,
            action=action,
            person_id=person_id,
            plan_id=plan_id,
            detail=detail,
            prev_hash=prev,
            hash=_digest(prev, event_id, at, user_id, action, person_id, plan_id, detail),
        )
    )
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str


class AuditService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def entries(
        self,
        *,
        person_id: str | None = None,
        user_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[AuditEntry]:
        stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
        if person_id:
            stmt = stmt.where(AuditEvent.person_id == person_id)
        if user_id:
            stmt = stmt.where(AuditEvent.user_id == user_id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        if since:
            stmt = stmt.where(AuditEvent.at >= since)
        if until:
            stmt = stmt.where(AuditEvent.at <= until)
        with self._sessions() as session:
            return [
                AuditEntry(e.seq, e.at, e.user_id, e.action, e.person_id, e.plan_id, e.detail)
                for e in session.scalars(stmt)
            ]

    def verify(self) -> ChainReport:
        """Recompute every hash in order; the first mismatch or gap is where the trail was tampered with."""
        prev = GENESIS
        count = 0
        last_seq = 0
        with self._sessions() as session:
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
                count += 1
                if e.seq != last_seq + 1:
                    return ChainReport(False, count, e.seq, f"entry {last_seq + 1} is missing")
                if e.prev_hash != prev:
                    return ChainReport(False, count, e.seq, f"entry {e.seq} does not follow the one before")
                expected = _digest(
                    e.prev_hash, e.id, e.at, e.user_id, e.action, e.person_id, e.plan_id, e.detail
                )
                if e.hash != expected:
                    return ChainReport(False, count, e.seq, f"entry {e.seq} has been changed")
                prev = e.hash
                last_seq = e.seq
        return ChainReport(True, count, None, "")

    def to_csv(self, entries: list[AuditEntry]) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["seq", "at", "user_id", "action", "person_id", "plan_id", "detail"])
        for e in entries:
            writer.writerow(
                [
                    e.seq,
                    e.at.isoformat(),
                    e.user_id or "",
                    e.action,
                    e.person_id or "",
                    e.plan_id or "",
                    e.detail,
                ]
            )
        return out.getvalue()
