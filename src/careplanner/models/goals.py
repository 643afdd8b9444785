"""Needs → goals (in the person's own words) → actions; referrals, signposting and information given."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careplanner.clinical.enums import ActionStatus, GoalStatus, ReferralKind, ReferralStatus
from careplanner.models.base import Base, PlanItem, db_enum


class Need(PlanItem, Base):
    __tablename__ = "need"

    text: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(20), default="")


class Goal(PlanItem, Base):
    __tablename__ = "goal"

    need_lineage_id: Mapped[str | None] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text, default="")  # "I want to…"
    code: Mapped[str] = mapped_column(String(20), default="")
    importance: Mapped[int | None] = mapped_column(Integer)  # 1-10
    status: Mapped[GoalStatus] = mapped_column(db_enum(GoalStatus, 20), default=GoalStatus.ACTIVE)
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_recorded_on: Mapped[date | None] = mapped_column(Date)

    actions: Mapped[list[GoalAction]] = relationship(
        order_by="GoalAction.position", cascade="all, delete-orphan", lazy="selectin"
    )


class GoalAction(PlanItem, Base):
    __tablename__ = "goal_action"

    goal_id: Mapped[str] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text, default="")
    who_name: Mapped[str] = mapped_column(String(200), default="")
    who_role: Mapped[str] = mapped_column(String(200), default="")
    who_contact: Mapped[str] = mapped_column(String(200), default="")
    when: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(db_enum(ActionStatus, 20), default=ActionStatus.PLANNED)
    confidence: Mapped[int | None] = mapped_column(Integer)  # 0-10
    strategies: Mapped[str] = mapped_column(Text, default="")
    review_on: Mapped[date | None] = mapped_column(Date)


class Referral(PlanItem, Base):
    __tablename__ = "referral"

    kind: Mapped[ReferralKind] = mapped_column(db_enum(ReferralKind, 20), default=ReferralKind.REFERRAL)
    service: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReferralStatus] = mapped_column(
        db_enum(ReferralStatus, 20), default=ReferralStatus.SUGGESTED
    )
    made_on: Mapped[date | None] = mapped_column(Date)


class InformationGiven(PlanItem, Base):
    __tablename__ = "information_given"

    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300), default="")
    given_on: Mapped[date | None] = mapped_column(Date)
