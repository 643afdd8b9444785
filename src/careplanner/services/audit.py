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

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from careplanner.models import AuditEvent
from careplanner.models.base import new_id
from careplanner.services import acting
from careplanner.store import version_seal

GENESIS = "0" * 64
# Changes no row (so no trigger fires) but makes SQLite begin a write transaction and take the write lock.
_TAKE_WRITE_LOCK = text("UPDATE audit_event SET seq = seq WHERE 0")
# On the practice server every workstation appends to one chain: a transaction-scoped advisory lock makes
# them take turns, and read-committed then shows each the entry its predecessor committed.
_TAKE_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(4346500001)")


def take_chain_lock(conn: Connection | Session) -> None:
    """Hold the lock that orders appends to the audit chain until the transaction ends."""
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    conn.execute(_TAKE_CHAIN_LOCK if dialect == "postgresql" else _TAKE_WRITE_LOCK)


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
    # A version's content hash written by an upgrade, for versions agreed before hashes were kept.
    CONTENT_RECORDED = "content_hash_recorded"


# Entries that carry a version's content seal (see store/version_seal.py).
SEALING_ACTIONS = (Action.PLAN_AGREED, Action.PLAN_DECLINED, Action.CONTENT_RECORDED)


# Not the account acting on records, so no check that it is still active: a failed sign-in (nobody is
# signed in), the sign-out and lock that follow a switch-off, and a restore (authorised against the
# store it replaces; the restored store may not hold that account at all).
_NOT_ACTING = frozenset({Action.SIGN_IN_FAILED, Action.SIGN_OUT, Action.LOCK, Action.RESTORE})


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
    check_actor: bool = True,
) -> None:
    """Append one entry inside the caller's transaction.

    The acting account must still be active (see `acting`): otherwise AccountInactiveError, and the
    caller's whole transaction rolls back. `check_actor=False` only where the caller checked it first.
    """
    if check_actor and user_id is not None and action not in _NOT_ACTING:
        acting.require_active(session, user_id)
    # Take the store's write lock before reading the newest entry: a scheduled backup beside the open app
    # (another process) may append its own entries, and reading first would chain two entries from one.
    take_chain_lock(session)
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    last_seq, prev = last.one_or_none() or (0, GENESIS)
    at = (now or (lambda: datetime.now(UTC)))().replace(microsecond=0)
    event_id = new_id()
    session.add(
        AuditEvent(
            # Numbered here, under the chain lock, never by a PostgreSQL sequence: a sequence hands out
            # numbers that a rolled-back transaction never uses, and the gap reads as a removed entry.
            seq=last_seq + 1,
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


# How SQLAlchemy stores a DateTime in SQLite; entries appended with plain SQL use the same form.
_STORED_AT = "%Y-%m-%d %H:%M:%S.%f"


def record_seals(
    conn: Connection,
    plan_ids: list[str],
    *,
    action: str,
    user_id: str | None,
    note: str,
    now: Callable[[], datetime] | None = None,
    revision: str | None = None,
) -> int:
    """Append one entry per version, carrying its content seal; returns how many were written.

    Plain SQL on the caller's connection (and transaction), so the seed's bulk insert and an upgrade
    (which must not rely on today's ORM models) can both use it. The entries chain as `record` does.
    `revision` is the schema the seals describe (by default, the store's current one)."""
    if not plan_ids:
        return 0
    revision = revision or version_seal.current_revision(conn)
    hashes = version_seal.content_hashes(conn, dict.fromkeys(plan_ids, revision))
    heads: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(plan_ids), 400):
        chunk = plan_ids[start : start + 400]
        sql = text("SELECT id, person_id, version_number FROM care_plan WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        for pid, person_id, number in conn.execute(sql, {"ids": chunk}):
            heads[str(pid)] = (str(person_id), number)
    take_chain_lock(conn)
    last = conn.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one_or_none()
    seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    sqlite = conn.dialect.name == "sqlite"
    at = (now or (lambda: datetime.now(UTC)))().astimezone(UTC).replace(microsecond=0)
    rows: list[dict[str, object]] = []
    for pid in plan_ids:
        person_id, number = heads[pid]
        version = f"version={number} " if number is not None else ""
        detail = f"{version}{note} {version_seal.seal_text(hashes[pid], revision)}".strip()
        event_id = new_id()
        digest = _digest(prev, event_id, at, user_id, action, person_id, pid, detail)
        naive = at.replace(tzinfo=None)
        stored_at: object = naive.strftime(_STORED_AT) if sqlite else naive
        seq += 1
        rows.append(
            {
                "seq": seq,
                "id": event_id,
                "at": stored_at,
                "user_id": user_id,
                "action": action,
                "person_id": person_id,
                "plan_id": pid,
                "detail": detail,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(
        text(
            "INSERT INTO audit_event (seq, id, at, user_id, action, person_id, plan_id, detail, "
            "prev_hash, hash) VALUES (:seq, :id, :at, :user_id, :action, :person_id, :plan_id, :detail, "
            ":prev_hash, :hash)"
        ),
        rows,
    )
    return len(rows)


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
        try:
            return self._verify_rows()
        except (TypeError, ValueError, OverflowError):
            # A value the driver cannot even read (e.g. a time that is not a time): damage, not a bug.
            return ChainReport(False, 0, None, "an audit entry cannot be read: the store is damaged")

    def _verify_rows(self) -> ChainReport:
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
