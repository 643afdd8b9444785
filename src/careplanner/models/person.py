"""The person: demographics, how to reach them and how to communicate with them (PRSB demographics)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careplanner.clinical.enums import CommunicationNeed, ContactMethod, Sex
from careplanner.models.base import Base, Row, db_enum


class Person(Row, Base):
    __tablename__ = "person"

    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(40), default="")
    first_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    preferred_name: Mapped[str] = mapped_column(String(200), default="")
    name_suffix: Mapped[str] = mapped_column(String(60), default="")
    aliases: Mapped[str] = mapped_column(Text, default="")
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[Sex] = mapped_column(db_enum(Sex, 20), default=Sex.NOT_KNOWN)
    gender: Mapped[str] = mapped_column(String(100), default="")
    ethnicity: Mapped[str] = mapped_column(String(200), default="")
    religion: Mapped[str] = mapped_column(String(200), default="")
    marital_status: Mapped[str] = mapped_column(String(60), default="")
    place_of_birth: Mapped[str] = mapped_column(String(200), default="")
    other_identifier: Mapped[str] = mapped_column(String(100), default="")
    preferred_contact_method: Mapped[ContactMethod | None] = mapped_column(db_enum(ContactMethod, 20))
    other_contact_information: Mapped[str] = mapped_column(Text, default="")
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    communication_other: Mapped[str] = mapped_column(Text, default="")
    gp_name: Mapped[str] = mapped_column(String(200), default="")
    gp_practice_name: Mapped[str] = mapped_column(String(200), default="")
    gp_practice_ods_code: Mapped[str] = mapped_column(String(10), default="")
    palliative_register: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lower-cased "first family preferred" so search-as-you-type is one indexed LIKE.
    search_name: Mapped[str] = mapped_column(String(700), default="", index=True)
    # Denormalised from the plans so the patient list never joins: the latest agreed version and its review.
    last_agreed_on: Mapped[date | None] = mapped_column(Date, index=True)
    review_due: Mapped[date | None] = mapped_column(Date, index=True)
    has_draft: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    declined_written_plan: Mapped[bool] = mapped_column(Boolean, default=False)

    addresses: Mapped[list[Address]] = relationship(
        cascade="all, delete-orphan", order_by="Address.position", lazy="selectin"
    )
    telecoms: Mapped[list[Telecom]] = relationship(
        cascade="all, delete-orphan", order_by="Telecom.position", lazy="selectin"
    )
    communication_needs: Mapped[list[CommunicationNeedRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    # The patient list is ordered by name: this index gives the first page without sorting 100,000 rows.
    __table_args__ = (Index("ix_person_list_order", "family_name", "first_name", "id"),)

    name_tokens: Mapped[list[PersonNameToken]] = relationship(cascade="all, delete-orphan", lazy="select")


class Address(Row, Base):
    __tablename__ = "person_address"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    line3: Mapped[str] = mapped_column(String(200), default="")
    line4: Mapped[str] = mapped_column(String(200), default="")
    line5: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    kind: Mapped[str] = mapped_column(String(30), default="main")


class Telecom(Row, Base):
    """A phone number or email address; `preference` 1 is tried first."""

    __tablename__ = "person_telecom"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    system: Mapped[str] = mapped_column(String(10))  # phone | email | other
    value: Mapped[str] = mapped_column(String(200))
    use: Mapped[str] = mapped_column(String(20), default="")  # home | mobile | work
    preference: Mapped[int | None] = mapped_column(Integer)


class CommunicationNeedRow(Row, Base):
    """One Accessible Information Standard need, with detail (e.g. the language for an interpreter)."""

    __tablename__ = "person_communication_need"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    need: Mapped[CommunicationNeed] = mapped_column(db_enum(CommunicationNeed, 20))
    detail: Mapped[str] = mapped_column(Text, default="")


class PersonNameToken(Base):
    """One searchable word of a person's names (case- and accent-folded), for indexed search as you type.

    A LIKE '%x%' over 100,000 encrypted rows cannot use an index; a prefix range on this table can.
    """

    __tablename__ = "person_name_token"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The person's place in the list, so a search is answered from this index alone, already in order.
    sort_key: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("ix_person_name_token_search", "token", "sort_key", "person_id"),)
