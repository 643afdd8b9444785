"""Enumerations shared by the clinical logic, the models and the UI.

They live here because `clinical/` imports nothing of ours, and `models/` may import only these.
Values are stable strings: they are stored in the database and written to exports.
"""

from __future__ import annotations

from enum import StrEnum


class PlanStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    SUPERSEDED = "superseded"
    DECLINED = "declined"


class AgreedWith(StrEnum):
    PERSON = "person"
    REPRESENTATIVE = "representative"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INDETERMINATE = "indeterminate"
    NOT_KNOWN = "not_known"


class CommunicationNeed(StrEnum):
    """Accessible Information Standard needs."""

    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    BRAILLE = "braille"
    BSL = "bsl"
    INTERPRETER = "interpreter"
    HEARING_LOOP = "hearing_loop"
    OTHER = "other"


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"


class MedicineDecision(StrEnum):
    CONTINUE = "continue"
    CHANGE = "change"
    STOP = "stop"
    START = "start"
    NOT_REVIEWED = "not_reviewed"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PARTLY_ACHIEVED = "partly_achieved"
    NOT_ACHIEVED = "not_achieved"
    NO_LONGER_WANTED = "no_longer_wanted"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_DONE = "not_done"
    REFUSED = "refused"


class ReferralKind(StrEnum):
    REFERRAL = "referral"
    SIGNPOSTING = "signposting"


class ReferralStatus(StrEnum):
    SUGGESTED = "suggested"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"


class Zone(StrEnum):
    """Traffic-light zones of a contingency plan."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class QuestionnaireKind(StrEnum):
    PHQ2 = "phq2"
    PHQ9 = "phq9"
    GAD2 = "gad2"
    GAD7 = "gad7"
    UCLA3 = "ucla3"
    ONS_LONELINESS = "ons_loneliness"


class CarerStatus(StrEnum):
    NOT_A_CARER = "not_a_carer"
    IS_A_CARER = "is_a_carer"
    HAS_A_CARER = "has_a_carer"
    BOTH = "both"
    NOT_KNOWN = "not_known"


class CprDecision(StrEnum):
    NOT_DISCUSSED = "not_discussed"
    FOR_CPR = "for_cpr"
    NOT_FOR_CPR = "not_for_cpr"


class LpaKind(StrEnum):
    HEALTH_AND_WELFARE = "health_and_welfare"
    PROPERTY_AND_FINANCE = "property_and_finance"


class UserRole(StrEnum):
    GP = "gp"
    NURSE = "nurse"
    HCA = "hca"
    ADMIN = "admin"
    READ_ONLY = "read_only"

    @property
    def is_clinician(self) -> bool:
        return self in (UserRole.GP, UserRole.NURSE, UserRole.HCA)


class WellbeingArea(StrEnum):
    """The eight wellbeing areas rated 1-10 in the holistic conversation."""

    LIFESTYLE = "lifestyle"
    LOOKING_AFTER_YOURSELF = "looking_after_yourself"
    MANAGING_SYMPTOMS = "managing_symptoms"
    WORK_AND_ACTIVITIES = "work_and_activities"
    MONEY = "money"
    WHERE_YOU_LIVE = "where_you_live"
    FAMILY_AND_FRIENDS = "family_and_friends"
    FEELING_POSITIVE = "feeling_positive"


class ContactRole(StrEnum):
    """Who to contact in a contingency plan; the app fills in the practice's numbers for each."""

    PRACTICE = "practice"
    OUT_OF_HOURS = "out_of_hours"
    NHS_111 = "nhs_111"
    EMERGENCY_999 = "999"
    NAMED_NURSE = "named_nurse"
    COMMUNITY_NURSES = "community_nurses"
    PALLIATIVE_CARE_TEAM = "palliative_care_team"
    SPECIALIST_TEAM = "specialist_team"
    CARER = "carer"

    @property
    def label(self) -> str:
        """The kind of contact in plain words, for the clinician's pick-list (the value is stored)."""
        return _CONTACT_ROLE_LABELS[self]


_CONTACT_ROLE_LABELS = {
    ContactRole.PRACTICE: "GP practice",
    ContactRole.OUT_OF_HOURS: "Out-of-hours GP service",
    ContactRole.NHS_111: "NHS 111",
    ContactRole.EMERGENCY_999: "999 (emergency)",
    ContactRole.NAMED_NURSE: "Named nurse",
    ContactRole.COMMUNITY_NURSES: "Community (district) nurses",
    ContactRole.PALLIATIVE_CARE_TEAM: "Palliative care team",
    ContactRole.SPECIALIST_TEAM: "Specialist team",
    ContactRole.CARER: "Carer",
}


class ServiceCategory(StrEnum):
    """Categories of the practice's local directory of services."""

    SOCIAL_PRESCRIBING = "social_prescribing"
    VOLUNTARY_SECTOR = "voluntary_sector"
    EXERCISE = "exercise"
    EDUCATION = "education"
    CARERS = "carers"
    DEBT_AND_MONEY = "debt_and_money"
    HOUSING = "housing"
    OTHER = "other"
