"""The practice's own lists: local services to refer or signpost to, leaflets, and contingency templates."""

from __future__ import annotations

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, Row


class DirectoryService(Row, Base):
    __tablename__ = "directory_service"

    name: Mapped[str] = mapped_column(String(300), unique=True)
    category: Mapped[str] = mapped_column(String(40), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    referral_kind: Mapped[str] = mapped_column(String(20), default="signposting")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Leaflet(Row, Base):
    __tablename__ = "directory_leaflet"

    title: Mapped[str] = mapped_column(String(300), unique=True)
    topic: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ContingencyTemplateRow(Row, Base):
    """A practice-edited contingency template, kept as JSON that `clinical.contingency_templates` reads."""

    __tablename__ = "contingency_template"

    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    body_json: Mapped[str] = mapped_column(Text)
