"""Agree and share: professional contacts (care team), personal contacts, additional support plans."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, PlanItem


class CareTeamMember(PlanItem, Base):
    __tablename__ = "care_team_member"

    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    speciality: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    organisation_code: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_key_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class PersonalContact(PlanItem, Base):
    __tablename__ = "personal_contact"

    name: Mapped[str] = mapped_column(String(200))
    relationship_to_person: Mapped[str] = mapped_column(String(200), default="")
    is_carer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_next_of_kin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_emergency_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    is_lpa_holder: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    comments: Mapped[str] = mapped_column(Text, default="")


class AdditionalSupportPlan(PlanItem, Base):
    __tablename__ = "additional_support_plan"

    name: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    review_responsible: Mapped[str] = mapped_column(String(300), default="")
