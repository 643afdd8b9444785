"""The audit trail: append-only, each entry chained to the one before by a hash.

Entries name the person by id, never by name or NHS number, so the trail itself carries no patient data.
Triggers in the first migration refuse UPDATE and DELETE on this table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadMark(Base):
    """The store's own note of the newest audit entry noted so far (one row, id 1; see audit_head.py).

    Its presence says the store has had a head note beside it, so a missing note is a finding, not
    "nothing to check". Triggers refuse deleting it or winding it back to an earlier entry.
    """

    __tablename__ = "audit_head_mark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
