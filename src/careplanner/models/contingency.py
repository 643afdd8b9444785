"""If things get worse: per-condition contingency plans with green / amber / red zones (PRSB contingency)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careplanner.clinical.enums import Zone
from careplanner.models.base import Base, PlanItem, Row, db_enum


class ContingencyPlan(PlanItem, Base):
    __tablename__ = "contingency_plan"

    name: Mapped[str] = mapped_column(String(300), default="")
    condition: Mapped[str] = mapped_column(String(300), default="")
    # Lists of short first-person lines; trigger factors are mandatory in PRSB (checked before agreeing).
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    coping_strategies: Mapped[list[str]] = mapped_column(JSON, default=list)
    anticipatory_medicines: Mapped[list[str]] = mapped_column(JSON, default=list)
    green_what_i_do: Mapped[str] = mapped_column(Text, default="")
    amber_what_i_do: Mapped[str] = mapped_column(Text, default="")
    red_what_i_do: Mapped[str] = mapped_column(Text, default="")
    admission_wishes: Mapped[str] = mapped_column(Text, default="")
    avoid_hospital_admission: Mapped[bool] = mapped_column(default=False)
    ceiling_of_treatment: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    review_responsible: Mapped[str] = mapped_column(String(300), default="")

    contacts: Mapped[list[ContingencyContact]] = relationship(
        order_by="ContingencyContact.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ContingencyContact(Row, Base):
    """Who to call, in which zone. `role_key` (practice, out_of_hours, nhs_111, 999…) fills in the number."""

    __tablename__ = "contingency_contact"

    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plan.id", ondelete="CASCADE"), index=True)
    contingency_id: Mapped[str] = mapped_column(
        ForeignKey("contingency_plan.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    zone: Mapped[Zone] = mapped_column(db_enum(Zone, 10))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    role_key: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
