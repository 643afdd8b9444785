"""Applying a workstation's pushed operations on the practice server (called by server_side.push).

One transaction per batch. The workstation's row in sync_client is locked first (FOR UPDATE), so two
copies of one batch sent at once take turns, and the second finds every operation at or below
`last_op_seq` and skips it ("duplicate"). Each operation runs in a savepoint: one the server refuses
(a permission, a guard, a duplicate NHS number) is rolled back alone and answered "refused", and the batch
goes on: the refused operation is acknowledged like the others, and the workstation keeps the document as
"needs attention" (sync/parked.py) and sends it again later as a new operation, so it holds up nothing.

Nothing is overwritten that its writer had not seen: a document is replaced only when the server's copy is
still at the revision the workstation started from (`base_revision`), or every change to it since came
from this workstation's own earlier pushes (read from the audit trail: `source=sync ws=<id>`). Otherwise a
draft is kept twice (the pushed copy as a second draft, id uuid5 of the operation) with a `sync_conflict`
naming both, and an agreement is inserted as its own version beside the server's draft; people and
reference rows keep the server's copy (server_rules.py has the rules for each kind).

Every write is audited by the account pushing, at the server's time, as an ordinary save
(`source=sync ws=<short id>`), and agreed versions are sealed as `PlanService.agree` seals them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from careplanner.server.presence import CHANGES_CHANNEL
from careplanner.services import acting, audit
from careplanner.services.errors import NotAllowedError
from careplanner.services.users import Actor

if TYPE_CHECKING:
    from careplanner.sync.server_side import Op, OpOutcome

# Who may push which kind of document (the database's grants hold them to it too).
CLINICIAN_KINDS = frozenset({"plan", "person", "sync_conflict"})
ADMIN_KINDS = frozenset({"user", "practice"})
SHARED_KINDS = frozenset({"directory_service", "directory_leaflet", "contingency_template"})


class RefusedError(Exception):
    """An operation the server does not apply now; `detail` in plain words, never patient data."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Batch:
    """What one push is doing: the connection, who pushes, from where, and what it has written so far."""

    conn: Connection
    actor: Actor
    workstation_id: str
    now: datetime
    written: set[tuple[str, str]] = field(default_factory=set)  # documents this batch has written
    # (plan id, base revision) -> the second copy this batch made of it from that base.
    branches: dict[tuple[str, int | None], str] = field(default_factory=dict)
    # Audit entries, written together when the batch's changes are done (`write_audit`).
    pending: list[tuple[str, str | None, str | None, str]] = field(default_factory=list)

    @property
    def ws(self) -> str:
        return self.workstation_id[:8]

    @property
    def source(self) -> str:
        return f"source=sync ws={self.ws}"

    def record(
        self, action: str, *, person_id: str | None = None, plan_id: str | None = None, detail: str = ""
    ) -> None:
        """Note one audit entry, in the pushing account's name (written by `write_audit`)."""
        self.pending.append((action, person_id, plan_id, f"{detail} {self.source}".strip()))

    def write_audit(self) -> None:
        """Append the noted entries at the server's time. Last, so the audit chain's lock (which every
        writer takes in turn) is held only from here to the commit, as the plan services hold it."""
        if not self.pending:
            return
        # A savepoint of its own inside the batch's transaction, released (kept) by the commit below.
        session = Session(bind=self.conn, join_transaction_mode="create_savepoint")
        try:
            for action, person_id, plan_id, detail in self.pending:
                audit.record(
                    session,
                    action,
                    user_id=self.actor.id,
                    person_id=person_id,
                    plan_id=plan_id,
                    detail=detail,
                    now=lambda: server_now(self.conn),
                    check_actor=False,
                )
            session.commit()
        finally:
            session.close()
        self.pending.clear()


def server_now(conn: Connection) -> datetime:
    """The server's clock (never a workstation's), as an aware UTC time."""
    value = conn.execute(text("SELECT clock_timestamp() AT TIME ZONE 'UTC'")).scalar()
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC)


def _may_push(actor: Actor, kind: str) -> bool:
    if kind in CLINICIAN_KINDS:
        return actor.can_edit_plans
    if kind in ADMIN_KINDS:
        return actor.is_admin
    if kind in SHARED_KINDS:
        return actor.can_edit_plans or actor.is_admin
    return False


def _claim_workstation(conn: Connection, workstation_id: str, actor: Actor, now: datetime) -> int:
    conn.execute(
        text(
            "INSERT INTO sync_client (workstation_id, last_op_seq, user_name, last_seen) "
            "VALUES (:w, 0, :u, :t) ON CONFLICT (workstation_id) DO NOTHING"
        ),
        {"w": workstation_id, "u": actor.username, "t": now.replace(tzinfo=None)},
    )
    last = conn.execute(
        text("SELECT last_op_seq FROM sync_client WHERE workstation_id = :w FOR UPDATE"),
        {"w": workstation_id},
    ).scalar()
    return int(last or 0)


def _refusal_of(exc: sa_exc.DBAPIError) -> str | None:
    """Plain words for a database error that refuses this one operation (None: a fault to raise)."""
    import psycopg.errors as pg

    orig = exc.orig
    if isinstance(orig, pg.UniqueViolation):
        return (
            "the server already has a record with the same identifying details (for example the NHS number)"
        )
    if isinstance(orig, pg.ForeignKeyViolation):
        return "it refers to something the server does not have yet"
    if isinstance(orig, pg.RaiseException):
        return "the server's protective checks refused it"
    if isinstance(orig, pg.InsufficientPrivilege):
        return "this account may not make that change on the server"
    if isinstance(orig, pg.CheckViolation | pg.NotNullViolation):
        return "the server's checks found it incomplete"
    return None


def _lock_rows_first(conn: Connection, ops: Sequence[Op]) -> None:
    """Lock every plan and person row the batch will change, in id order, before changing anything; the
    audit chain's lock comes last (`Batch.write_audit`): the order the plan services take them in (the
    version's row, the person's, then the chain), so two pushes, or a push and a save, wait for each
    other instead of deadlocking."""
    plans = sorted({op.document.id for op in ops if op.document.kind == "plan"})
    if plans:  # the second copies a later operation may go on to (server_plans._our_branch) too
        branches = conn.execute(
            text("SELECT plan_b_id FROM sync_conflict WHERE plan_a_id = ANY(:ids) AND resolved_at IS NULL"),
            {"ids": plans},
        ).scalars()
        plans = sorted(set(plans) | {str(b) for b in branches})
    people = {op.document.id for op in ops if op.document.kind == "person"}
    for op in ops:
        root = op.document.root()
        if op.document.kind == "plan" and root is not None and isinstance(root.get("person_id"), str):
            people.add(str(root["person_id"]))
    if plans:
        found = conn.execute(
            text("SELECT id, person_id FROM care_plan WHERE id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE"),
            {"ids": plans},
        ).all()
        people.update(str(r[1]) for r in found)
    if people:
        conn.execute(
            text("SELECT id FROM person WHERE id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE"),
            {"ids": sorted(people)},
        ).all()


def apply_batch(
    conn: Connection, workstation_id: str, ops: Sequence[Op], actor: Actor
) -> tuple[int, list[OpOutcome]]:
    """Apply `ops` in op_seq order in the caller's transaction; returns (last_op_seq, outcomes)."""
    from careplanner.sync.server_rules import apply_op
    from careplanner.sync.server_side import OpOutcome

    if not (actor.can_edit_plans or actor.is_admin):
        raise NotAllowedError("A read-only account cannot send changes to the practice server.")
    session = Session(bind=conn)
    try:
        acting.require_active(session, actor.id)
    finally:
        session.close()
    now = server_now(conn)
    last = _claim_workstation(conn, workstation_id, actor, now)
    _lock_rows_first(conn, [op for op in ops if op.op_seq > last])
    batch = Batch(conn, actor, workstation_id, now)
    outcomes: list[OpOutcome] = []
    for op in sorted(ops, key=lambda o: o.op_seq):
        doc = op.document
        if op.op_seq <= last:
            outcomes.append(OpOutcome(op.op_seq, "duplicate", doc.id, "already applied"))
            continue
        if not _may_push(actor, doc.kind):
            outcomes.append(OpOutcome(op.op_seq, "refused", doc.id, "this account may not send that change"))
            last = op.op_seq
            continue
        savepoint, noted = conn.begin_nested(), len(batch.pending)
        try:
            result, detail = apply_op(batch, op)
        except RefusedError as refused:
            savepoint.rollback()
            del batch.pending[noted:]
            outcomes.append(OpOutcome(op.op_seq, "refused", doc.id, refused.detail))
            last = op.op_seq  # answered: the workstation keeps it as needing attention
            continue
        except sa_exc.DBAPIError as exc:
            reason = _refusal_of(exc)
            savepoint.rollback()
            del batch.pending[noted:]
            if reason is None:
                raise
            outcomes.append(OpOutcome(op.op_seq, "refused", doc.id, reason))
            last = op.op_seq
            continue
        savepoint.commit()
        outcomes.append(OpOutcome(op.op_seq, result, doc.id, detail))
        last = op.op_seq
    batch.write_audit()
    conn.execute(
        text(
            "UPDATE sync_client SET last_op_seq = :n, user_name = :u, last_seen = :t "
            "WHERE workstation_id = :w"
        ),
        {"n": last, "u": actor.username, "t": now.replace(tzinfo=None), "w": workstation_id},
    )
    if any(o.result in ("applied", "branched") for o in outcomes):
        # Other workstations (online and replicas) hear of it when this commits.
        conn.execute(text("SELECT pg_notify(:c, 'people')"), {"c": CHANGES_CHANNEL})
    return last, outcomes
