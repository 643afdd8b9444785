"""Future wishes (advance care planning, PRSB Palliative and End of Life Care), only if the person wishes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.clinical.enums import CprDecision
from careplanner.models.base import Base, PlanItem, db_enum


class FutureWishes(PlanItem, Base):
    __tablename__ = "future_wishes"

    wishes_to_discuss: Mapped[bool] = mapped_column(Boolean, default=False)

    lpa_health_welfare_exists: Mapped[bool | None] = mapped_column(Boolean)
    lpa_health_welfare_name: Mapped[str] = mapped_column(String(300), default="")
    lpa_health_welfare_registered: Mapped[bool | None] = mapped_column(Boolean)
    lpa_health_welfare_location: Mapped[str] = mapped_column(String(300), default="")
    lpa_property_finance_exists: Mapped[bool | None] = mapped_column(Boolean)
    lpa_property_finance_name: Mapped[str] = mapped_column(String(300), default="")
    lpa_property_finance_registered: Mapped[bool | None] = mapped_column(Boolean)
    lpa_property_finance_location: Mapped[str] = mapped_column(String(300), default="")

    adrt_exists: Mapped[bool | None] = mapped_column(Boolean)
    adrt_summary: Mapped[str] = mapped_column(Text, default="")
    adrt_location: Mapped[str] = mapped_column(String(300), default="")
    adrt_date: Mapped[date | None] = mapped_column(Date)
    advance_statement_exists: Mapped[bool | None] = mapped_column(Boolean)
    advance_statement_summary: Mapped[str] = mapped_column(Text, default="")
    advance_statement_location: Mapped[str] = mapped_column(String(300), default="")
    advance_statement_date: Mapped[date | None] = mapped_column(Date)
    mental_capacity_notes: Mapped[str] = mapped_column(Text, default="")

    preferred_place_of_care: Mapped[str] = mapped_column(String(300), default="")
    preferred_place_of_death: Mapped[str] = mapped_column(String(300), default="")

    cpr_decision: Mapped[CprDecision] = mapped_column(
        db_enum(CprDecision, 20), default=CprDecision.NOT_DISCUSSED
    )
    cpr_decision_date: Mapped[date | None] = mapped_column(Date)
    cpr_decision_by: Mapped[str] = mapped_column(String(300), default="")
    cpr_discussed_with_person: Mapped[bool | None] = mapped_column(Boolean)
    cpr_form_location: Mapped[str] = mapped_column(String(300), default="")
    cpr_review_date: Mapped[date | None] = mapped_column(Date)
    respect_form_location: Mapped[str] = mapped_column(String(300), default="")

    organ_donation: Mapped[str] = mapped_column(Text, default="")
    people_to_inform: Mapped[str] = mapped_column(Text, default="")
    spiritual_needs: Mapped[str] = mapped_column(Text, default="")
    other_wishes: Mapped[str] = mapped_column(Text, default="")
