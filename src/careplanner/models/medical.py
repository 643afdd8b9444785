"""Medical review: conditions, medicines with their review decision, allergies, results, frailty."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from careplanner.clinical.enums import MedicineDecision
from careplanner.models.base import Base, PlanItem, db_enum


class MedicalReview(PlanItem, Base):
    __tablename__ = "medical_review"

    frailty_score: Mapped[int | None] = mapped_column(Integer)  # Clinical Frailty Scale 1-9
    frailty_assessed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The clinician checked with the person and there are no known allergies (not the same as none recorded).
    no_known_allergies: Mapped[bool] = mapped_column(Boolean, default=False)


class Condition(PlanItem, Base):
    __tablename__ = "condition"

    snomed_code: Mapped[str] = mapped_column(String(20), default="")
    term: Mapped[str] = mapped_column(String(300))
    plain_name: Mapped[str] = mapped_column(String(300), default="")
    diagnosed: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # FHIR clinicalStatus code: active/recurrence/relapse are current; inactive/resolved/remission history.
    clinical_status: Mapped[str] = mapped_column(String(20), default="active")


class Medicine(PlanItem, Base):
    __tablename__ = "medicine"

    name: Mapped[str] = mapped_column(String(300))
    dose: Mapped[str] = mapped_column(String(200), default="")
    how_taken: Mapped[str] = mapped_column(String(300), default="")
    purpose: Mapped[str] = mapped_column(String(300), default="")  # what it is for, in plain words
    decision: Mapped[MedicineDecision] = mapped_column(
        db_enum(MedicineDecision, 20), default=MedicineDecision.NOT_REVIEWED
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")  # for clinicians: never printed on my copy
    person_note: Mapped[str] = mapped_column(Text, default="")  # "What this means for me", printed on my copy
    # dm+d code (SNOMED CT UK drug extension) when the medicine came coded from a GP record; "" when typed.
    dmd_code: Mapped[str] = mapped_column(String(20), default="")
    # Checked by the clinician: not on the ACB scale (migration 0019). Clears "not recognised"; never a score.
    acb_checked: Mapped[bool] = mapped_column(Boolean, default=False)


class Allergy(PlanItem, Base):
    __tablename__ = "allergy"

    substance: Mapped[str] = mapped_column(String(300))
    reaction: Mapped[str] = mapped_column(String(300), default="")
    severity: Mapped[str] = mapped_column(String(40), default="")
    # FHIR clinicalStatus code: "active" is current; inactive/resolved is history.
    clinical_status: Mapped[str] = mapped_column(String(20), default="active")
    # SNOMED CT codes a GP record sends (migration 0017); "" when typed in.
    substance_code: Mapped[str] = mapped_column(String(20), default="")
    reaction_code: Mapped[str] = mapped_column(String(20), default="")


class TestResult(PlanItem, Base):
    __tablename__ = "test_result"
    __test__ = False  # not a pytest class

    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    taken_on: Mapped[date | None] = mapped_column(Date)
    plain_note: Mapped[str] = mapped_column(Text, default="")  # what it means, in plain English
    # The result's code (SNOMED CT or LOINC) and UCUM unit code from a GP record (migration 0017).
    code_system: Mapped[str] = mapped_column(String(60), default="")
    code: Mapped[str] = mapped_column(String(40), default="")
    unit_code: Mapped[str] = mapped_column(String(40), default="")
