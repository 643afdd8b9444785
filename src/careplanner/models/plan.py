"""A care plan version: a draft, an agreed version (immutable), or a declined record.

Versions of one person's plan form a chain: an agreed version `replaces` the agreed one before it; a draft
records the agreed version it started from (`base_id`) and counts its saves (`revision`), so two drafts made
offline from the same base can both be kept and merged by a clinician later. "Superseded" is not stored:
an agreed version is superseded when a later agreed version replaces it, so nothing ever updates it.
Database triggers (see the first migration) refuse any change to a version once it is not a draft.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careplanner.clinical.enums import AgreedWith, PlanStatus
from careplanner.models.base import Base, Row, UTCDateTime, db_enum

if TYPE_CHECKING:
    from careplanner.models.about_me import AboutMe, Strength
    from careplanner.models.contingency import ContingencyPlan
    from careplanner.models.future_wishes import FutureWishes
    from careplanner.models.goals import Goal, InformationGiven, Need, Referral
    from careplanner.models.holistic import HolisticReview, QuestionnaireResult, WellbeingRating
    from careplanner.models.medical import Allergy, Condition, MedicalReview, Medicine, TestResult
    from careplanner.models.sharing import AdditionalSupportPlan, CareTeamMember, PersonalContact


class CarePlan(Row, Base):
    __tablename__ = "care_plan"
    # One number per version of a person's plan, even when two workstations agree at once (0012).
    __table_args__ = (Index("uq_care_plan_person_version", "person_id", "version_number", unique=True),)

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    status: Mapped[PlanStatus] = mapped_column(db_enum(PlanStatus, 20), index=True)
    version_number: Mapped[int | None] = mapped_column(Integer)  # 1, 2, 3… for agreed versions
    base_id: Mapped[str | None] = mapped_column(String(36))  # the agreed version a draft started from
    replaces_id: Mapped[str | None] = mapped_column(String(36))  # the agreed version this one replaces
    revision: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="My care and support plan")
    started_by_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    last_updated: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Agreement (PRSB "Agreed with person or legitimate representative").
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreed_by_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    agreed_with: Mapped[AgreedWith | None] = mapped_column(db_enum(AgreedWith, 20))
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_role: Mapped[str] = mapped_column(String(200), default="")
    declined_reason: Mapped[str] = mapped_column(Text, default="")

    # Provenance of a version imported from another organisation's export (0018; services/plan_provenance):
    # an imported agreed version keeps the sender's agreement date in agreed_at and no agreed_by_id here.
    origin_organisation: Mapped[str] = mapped_column(String(200), default="")
    origin_ods_code: Mapped[str] = mapped_column(String(20), default="")
    origin_identifier: Mapped[str] = mapped_column(String(200), default="")
    origin_status: Mapped[str] = mapped_column(String(20), default="")
    origin_author: Mapped[str] = mapped_column(String(200), default="")
    origin_author_role: Mapped[str] = mapped_column(String(200), default="")
    origin_digest: Mapped[str] = mapped_column(String(64), default="")
    origin_replaces: Mapped[str] = mapped_column(Text, default="")  # one a line
    imported_by_id: Mapped[str | None] = mapped_column(String(36))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Review and coordination.
    review_date: Mapped[date | None] = mapped_column(Date)
    review_responsible_name: Mapped[str] = mapped_column(String(200), default="")
    review_responsible_role: Mapped[str] = mapped_column(String(200), default="")
    review_responsible_contact: Mapped[str] = mapped_column(String(200), default="")
    lead_coordinator_name: Mapped[str] = mapped_column(String(200), default="")
    lead_coordinator_role: Mapped[str] = mapped_column(String(200), default="")
    lead_coordinator_contact: Mapped[str] = mapped_column(String(200), default="")
    performing_professional_name: Mapped[str] = mapped_column(String(200), default="")
    performing_professional_role: Mapped[str] = mapped_column(String(200), default="")
    performing_professional_id: Mapped[str] = mapped_column(String(60), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    care_funding: Mapped[str] = mapped_column(String(200), default="")

    # Sharing.
    consent_to_share: Mapped[bool | None] = mapped_column(Boolean)
    consent_shared_with: Mapped[str] = mapped_column(Text, default="")
    other_documents: Mapped[str] = mapped_column(Text, default="")
    copies_given_to: Mapped[str] = mapped_column(Text, default="")

    about_me: Mapped[AboutMe | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    strengths: Mapped[list[Strength]] = relationship(
        order_by="Strength.position", cascade="all, delete-orphan", lazy="selectin"
    )
    medical_review: Mapped[MedicalReview | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    conditions: Mapped[list[Condition]] = relationship(
        order_by="Condition.position", cascade="all, delete-orphan", lazy="selectin"
    )
    medicines: Mapped[list[Medicine]] = relationship(
        order_by="Medicine.position", cascade="all, delete-orphan", lazy="selectin"
    )
    allergies: Mapped[list[Allergy]] = relationship(
        order_by="Allergy.position", cascade="all, delete-orphan", lazy="selectin"
    )
    results: Mapped[list[TestResult]] = relationship(
        order_by="TestResult.position", cascade="all, delete-orphan", lazy="selectin"
    )
    holistic: Mapped[HolisticReview | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    questionnaires: Mapped[list[QuestionnaireResult]] = relationship(
        order_by="QuestionnaireResult.position", cascade="all, delete-orphan", lazy="selectin"
    )
    wellbeing: Mapped[list[WellbeingRating]] = relationship(
        order_by="WellbeingRating.position", cascade="all, delete-orphan", lazy="selectin"
    )
    needs: Mapped[list[Need]] = relationship(
        order_by="Need.position", cascade="all, delete-orphan", lazy="selectin"
    )
    goals: Mapped[list[Goal]] = relationship(
        order_by="Goal.position", cascade="all, delete-orphan", lazy="selectin"
    )
    referrals: Mapped[list[Referral]] = relationship(
        order_by="Referral.position", cascade="all, delete-orphan", lazy="selectin"
    )
    information_given: Mapped[list[InformationGiven]] = relationship(
        order_by="InformationGiven.position", cascade="all, delete-orphan", lazy="selectin"
    )
    contingency_plans: Mapped[list[ContingencyPlan]] = relationship(
        order_by="ContingencyPlan.position", cascade="all, delete-orphan", lazy="selectin"
    )
    future_wishes: Mapped[FutureWishes | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    care_team: Mapped[list[CareTeamMember]] = relationship(
        order_by="CareTeamMember.position", cascade="all, delete-orphan", lazy="selectin"
    )
    personal_contacts: Mapped[list[PersonalContact]] = relationship(
        order_by="PersonalContact.position", cascade="all, delete-orphan", lazy="selectin"
    )
    additional_plans: Mapped[list[AdditionalSupportPlan]] = relationship(
        order_by="AdditionalSupportPlan.position", cascade="all, delete-orphan", lazy="selectin"
    )
