"""The practice's own details, used on every printed plan. One row."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, Row


class Practice(Row, Base):
    __tablename__ = "practice"

    name: Mapped[str] = mapped_column(String(200), default="")
    ods_code: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone_in_hours: Mapped[str] = mapped_column(String(60), default="")
    phone_out_of_hours: Mapped[str] = mapped_column(String(60), default="")
    phone_nhs_111: Mapped[str] = mapped_column(String(20), default="111")
    phone_emergency: Mapped[str] = mapped_column(String(20), default="999")
    phone_crisis_team: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), default="")
