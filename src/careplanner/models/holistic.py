"""Holistic needs: questionnaire results, wellbeing ratings, carer status and social context."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.clinical.enums import CarerStatus, QuestionnaireKind, WellbeingArea
from careplanner.models.base import Base, PlanItem, db_enum


class HolisticReview(PlanItem, Base):
    __tablename__ = "holistic_review"

    carer_status: Mapped[CarerStatus] = mapped_column(db_enum(CarerStatus, 20), default=CarerStatus.NOT_KNOWN)
    carer_details: Mapped[str] = mapped_column(Text, default="")
    social_context: Mapped[str] = mapped_column(Text, default="")
    loneliness_notes: Mapped[str] = mapped_column(Text, default="")
    # After PHQ-9 item 9 above "Not at all": what was asked and done, who was told, which crisis
    # numbers the person was given (the text as given, so the record keeps the numbers of that day).
    safety_action: Mapped[str] = mapped_column(Text, default="", server_default="")
    safety_told: Mapped[str] = mapped_column(Text, default="", server_default="")
    safety_numbers_given: Mapped[str] = mapped_column(Text, default="", server_default="")


class QuestionnaireResult(PlanItem, Base):
    __tablename__ = "questionnaire_result"

    kind: Mapped[QuestionnaireKind] = mapped_column(db_enum(QuestionnaireKind, 20))
    answers: Mapped[list[int | None]] = mapped_column(JSON, default=list)
    total: Mapped[int | None] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(60), default="")
    safety_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    taken_on: Mapped[date | None] = mapped_column(Date)


class WellbeingRating(PlanItem, Base):
    __tablename__ = "wellbeing_rating"

    area: Mapped[WellbeingArea] = mapped_column(db_enum(WellbeingArea, 30))
    score: Mapped[int | None] = mapped_column(Integer)  # 1-10
    note: Mapped[str] = mapped_column(Text, default="")
