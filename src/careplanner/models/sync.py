"""Tables of offline sync (issue 15, migration 0014). Both back ends carry all of them (one schema).

On the practice server:
- `sync_change`: one row per (transaction, document) changed, written only by the server's change-log
  triggers (sync/change_log.py) and numbered in commit order, so a workstation's pull cursor never skips a
  slow transaction's change;
- `sync_client`: each workstation's newest pushed operation, so a replayed push is applied once;
- `sync_epoch`: one row; a new value after `server init` and after `server restore` tells workstations
  the server's history is not the one they followed;
- `sync_conflict`: two copies of one person's plan that sync kept side by side for a clinician to merge
  (a reference document: pulled to every replica, resolved there, pushed back).
On a workstation's replica: `sync_outbox` (the documents each local change touched, to push),
`sync_state` (workstation id, epoch, cursor, times) and `sync_doc` (the revision the server last gave).

No foreign keys here: a replica applies documents one at a time, and a conflict may name a copy that a
later pull brings.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, Row, UTCDateTime, utcnow


class SyncChange(Base):
    __tablename__ = "sync_change"
    __table_args__ = (UniqueConstraint("txid", "kind", "doc_id", name="uq_sync_change_txid"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    txid: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[str] = mapped_column(String(36))


class SyncClient(Base):
    __tablename__ = "sync_client"

    workstation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_op_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    user_name: Mapped[str] = mapped_column(String(200), default="")
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SyncEpoch(Base):
    __tablename__ = "sync_epoch"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[str] = mapped_column(String(36))
    # Migration 0016: when this epoch began, and the newest time the server's history then held (after a
    # restore: agreements made between the two were lost, and may come back with their own times).
    began_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lost_after: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SyncConflict(Row, Base):
    """Two copies of one person's plan kept side by side: `plan_a_id` the server's, `plan_b_id` the one a
    workstation pushed (a second draft, or an agreed version). `reason` in plain words, no patient data."""

    __tablename__ = "sync_conflict"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_a_id: Mapped[str] = mapped_column(String(36))
    plan_b_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text, default="")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[str | None] = mapped_column(String(36))
    # A conflict about a person's details (plan ids empty): JSON of each clashing field's workstation and
    # server values, so a clinician can choose either (sync/person_choice.py; migration 0020). "" otherwise.
    details: Mapped[str] = mapped_column(Text, default="", server_default="")


class SyncOutbox(Base):
    """AUTOINCREMENT: an op_seq is never used twice, even after every row is pushed and deleted (the
    server skips any op_seq at or below the last one it applied)."""

    __tablename__ = "sync_outbox"
    __table_args__ = ({"sqlite_autoincrement": True},)

    op_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[str] = mapped_column(String(36), index=True)
    base_revision: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SyncState(Base):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class SyncDoc(Base):
    __tablename__ = "sync_doc"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_revision: Mapped[int | None] = mapped_column(Integer)
