"""SQLAlchemy models, one module per area of the plan. Importing this package registers every table."""

from careplanner.models.about_me import AboutMe, Strength
from careplanner.models.audit import AuditEvent, AuditHeadMark
from careplanner.models.base import Base, PlanItem, Row
from careplanner.models.contingency import ContingencyContact, ContingencyPlan
from careplanner.models.directory import ContingencyTemplateRow, DirectoryService, Leaflet
from careplanner.models.future_wishes import FutureWishes
from careplanner.models.goals import Goal, GoalAction, InformationGiven, Need, Referral
from careplanner.models.holistic import HolisticReview, QuestionnaireResult, WellbeingRating
from careplanner.models.medical import Allergy, Condition, MedicalReview, Medicine, TestResult
from careplanner.models.person import Address, CommunicationNeedRow, Person, PersonNameToken, Telecom
from careplanner.models.plan import CarePlan
from careplanner.models.practice import Practice
from careplanner.models.presence import PlanPresence
from careplanner.models.sharing import AdditionalSupportPlan, CareTeamMember, PersonalContact
from careplanner.models.sync import (
    SyncChange,
    SyncClient,
    SyncConflict,
    SyncDoc,
    SyncEpoch,
    SyncOutbox,
    SyncState,
)
from careplanner.models.users import User

__all__ = [
    "AboutMe",
    "AdditionalSupportPlan",
    "Address",
    "Allergy",
    "AuditEvent",
    "AuditHeadMark",
    "Base",
    "CarePlan",
    "CareTeamMember",
    "CommunicationNeedRow",
    "Condition",
    "ContingencyContact",
    "ContingencyPlan",
    "ContingencyTemplateRow",
    "DirectoryService",
    "FutureWishes",
    "Goal",
    "GoalAction",
    "HolisticReview",
    "InformationGiven",
    "Leaflet",
    "MedicalReview",
    "Medicine",
    "Need",
    "Person",
    "PersonNameToken",
    "PersonalContact",
    "PlanItem",
    "PlanPresence",
    "Practice",
    "QuestionnaireResult",
    "Referral",
    "Row",
    "Strength",
    "SyncChange",
    "SyncClient",
    "SyncConflict",
    "SyncDoc",
    "SyncEpoch",
    "SyncOutbox",
    "SyncState",
    "Telecom",
    "TestResult",
    "User",
    "WellbeingRating",
]
