"""Presence on the practice server: which workstation has a person's draft open for editing.

Written only on the practice server (PostgreSQL), by `server/presence.py`, with the server's clock; the
local store has the table (one schema) and leaves it empty. Not plan content: no link to `care_plan`
rows, so it is neither sealed nor guarded as a plan's content is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, Row, UTCDateTime


class PlanPresence(Row, Base):
    __tablename__ = "plan_presence"

    person_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("person.id", ondelete="CASCADE"), unique=True
    )
    draft_id: Mapped[str | None] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("app_user.id"))
    workstation: Mapped[str] = mapped_column(String(100))
    # A random token per open editor: tells this editor's row from another's by the same user.
    holder: Mapped[str] = mapped_column(String(36))
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
