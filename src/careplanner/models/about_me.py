"""About me: the seven PRSB items in the person's own words, and their strengths."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.models.base import Base, PlanItem


class AboutMe(PlanItem, Base):
    __tablename__ = "about_me"

    what_matters: Mapped[str] = mapped_column(Text, default="")
    people_important: Mapped[str] = mapped_column(Text, default="")
    how_i_communicate: Mapped[str] = mapped_column(Text, default="")
    my_wellness: Mapped[str] = mapped_column(Text, default="")
    please_do: Mapped[str] = mapped_column(Text, default="")
    please_dont: Mapped[str] = mapped_column(Text, default="")
    how_to_support_me: Mapped[str] = mapped_column(Text, default="")
    also_worth_knowing: Mapped[str] = mapped_column(Text, default="")
    supported_to_write_by: Mapped[str] = mapped_column(String(300), default="")


class Strength(PlanItem, Base):
    __tablename__ = "strength"

    text: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(20), default="")
