"""Plain, frozen objects that carry a plan between the services and the UI or the exports.

Field names match the model attributes they come from, so one generic mapper (`mapping.py`) moves them
in and out of the database. Items carry `lineage_id`, which follows an item from one version to the next
so reviews can say what changed. A new item gets its lineage when it is made (so the editor can link to it,
e.g. a goal to the need it meets, before the first save); an item that arrives with an empty one gets one
from the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from careplanner.clinical.enums import (
    ActionStatus,
    AgreedWith,
    CarerStatus,
    CprDecision,
    GoalStatus,
    MedicineDecision,
    PlanStatus,
    QuestionnaireKind,
    ReferralKind,
    ReferralStatus,
    WellbeingArea,
    Zone,
)
from careplanner.services.plan_provenance import PlanProvenance


def new_lineage() -> str:
    return str(uuid.uuid4())


# ---- About me -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AboutMeData:
    what_matters: str = ""
    people_important: str = ""
    how_i_communicate: str = ""
    my_wellness: str = ""
    please_do: str = ""
    please_dont: str = ""
    how_to_support_me: str = ""
    also_worth_knowing: str = ""
    supported_to_write_by: str = ""


@dataclass(frozen=True)
class StrengthData:
    text: str = ""
    code: str = ""
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class AboutMeSection:
    about: AboutMeData = field(default_factory=AboutMeData)
    strengths: tuple[StrengthData, ...] = ()


# ---- Medical review -------------------------------------------------------------------------------------


# FHIR R4 clinicalStatus codes (condition-clinical, allergyintolerance-clinical) that mean "no longer
# current". A condition or allergy with one of them is history: kept and exported as it is, not current.
HISTORY_STATUSES = frozenset({"inactive", "resolved", "remission"})


@dataclass(frozen=True)
class MedicalReviewData:
    frailty_score: int | None = None
    frailty_assessed_on: date | None = None
    notes: str = ""
    no_known_allergies: bool = False  # checked with the person: none known (not the same as none recorded)


@dataclass(frozen=True)
class ConditionData:
    term: str = ""
    snomed_code: str = ""
    plain_name: str = ""
    diagnosed: str = ""
    notes: str = ""
    clinical_status: str = "active"  # FHIR code; see HISTORY_STATUSES
    lineage_id: str = field(default_factory=new_lineage)

    @property
    def is_history(self) -> bool:
        """Past, not a current problem: keep it for the record, never show or count it as current."""
        return self.clinical_status in HISTORY_STATUSES


@dataclass(frozen=True)
class MedicineData:
    name: str = ""
    dose: str = ""
    how_taken: str = ""
    purpose: str = ""
    decision: MedicineDecision = MedicineDecision.NOT_REVIEWED
    decision_reason: str = ""  # the clinician's reason: never printed on the person's copy
    person_note: str = ""  # "What this means for me", in plain words, printed on the person's copy
    lineage_id: str = field(default_factory=new_lineage)
    dmd_code: str = ""  # dm+d code from a GP record (import); "" when typed in
    acb_checked: bool = False  # the clinician checked it by hand: not on the ACB scale (adds 0, no score)


@dataclass(frozen=True)
class AllergyData:
    substance: str = ""
    reaction: str = ""
    severity: str = ""
    clinical_status: str = "active"  # FHIR code; see HISTORY_STATUSES
    lineage_id: str = field(default_factory=new_lineage)
    substance_code: str = ""  # SNOMED CT code of the substance from a GP record (import); "" when typed
    reaction_code: str = ""  # SNOMED CT code of the (first) reaction from a GP record

    @property
    def is_history(self) -> bool:
        return self.clinical_status in HISTORY_STATUSES


@dataclass(frozen=True)
class ResultData:
    name: str = ""
    value: str = ""
    unit: str = ""
    taken_on: date | None = None
    plain_note: str = ""
    lineage_id: str = field(default_factory=new_lineage)
    code_system: str = ""  # the code's system (SNOMED CT or LOINC) from a GP record; "" when typed
    code: str = ""
    unit_code: str = ""  # the UCUM code of the unit (e.g. "mmol/mol"), from a GP record


@dataclass(frozen=True)
class MedicalSection:
    review: MedicalReviewData = field(default_factory=MedicalReviewData)
    conditions: tuple[ConditionData, ...] = ()
    medicines: tuple[MedicineData, ...] = ()
    allergies: tuple[AllergyData, ...] = ()
    results: tuple[ResultData, ...] = ()


# ---- Holistic needs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolisticData:
    carer_status: CarerStatus = CarerStatus.NOT_KNOWN
    carer_details: str = ""
    social_context: str = ""
    loneliness_notes: str = ""
    safety_action: str = ""  # PHQ-9 item 9: what was asked and what was done
    safety_told: str = ""  # who was told (name and role)
    safety_numbers_given: str = ""  # the crisis numbers given, as given


@dataclass(frozen=True)
class QuestionnaireData:
    kind: QuestionnaireKind = QuestionnaireKind.PHQ2
    answers: tuple[int | None, ...] = ()
    total: int | None = None
    band: str = ""
    safety_flag: bool = False
    taken_on: date | None = None
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class WellbeingData:
    area: WellbeingArea = WellbeingArea.LIFESTYLE
    score: int | None = None
    note: str = ""
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class HolisticSection:
    review: HolisticData = field(default_factory=HolisticData)
    questionnaires: tuple[QuestionnaireData, ...] = ()
    wellbeing: tuple[WellbeingData, ...] = ()


# ---- Goals and actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedData:
    text: str = ""
    code: str = ""
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class ActionData:
    what: str = ""
    who_name: str = ""
    who_role: str = ""
    who_contact: str = ""
    when: str = ""
    due_on: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    confidence: int | None = None
    strategies: str = ""
    review_on: date | None = None
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class GoalData:
    text: str = ""
    code: str = ""
    need_lineage_id: str | None = None
    importance: int | None = None
    status: GoalStatus = GoalStatus.ACTIVE
    outcome: str = ""
    outcome_recorded_on: date | None = None
    actions: tuple[ActionData, ...] = ()
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class ReferralData:
    service: str = ""
    kind: ReferralKind = ReferralKind.REFERRAL
    contact: str = ""
    reason: str = ""
    status: ReferralStatus = ReferralStatus.SUGGESTED
    made_on: date | None = None
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class InformationData:
    title: str = ""
    source: str = ""
    given_on: date | None = None
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class GoalsSection:
    needs: tuple[NeedData, ...] = ()
    goals: tuple[GoalData, ...] = ()
    referrals: tuple[ReferralData, ...] = ()
    information_given: tuple[InformationData, ...] = ()


# ---- If things get worse --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContingencyContactData:
    zone: Zone = Zone.AMBER
    name: str = ""
    role: str = ""
    role_key: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ContingencyData:
    name: str = ""
    condition: str = ""
    triggers: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    coping_strategies: tuple[str, ...] = ()
    anticipatory_medicines: tuple[str, ...] = ()
    green_what_i_do: str = ""
    amber_what_i_do: str = ""
    red_what_i_do: str = ""
    admission_wishes: str = ""
    avoid_hospital_admission: bool = False
    ceiling_of_treatment: str = ""
    review_date: date | None = None
    review_responsible: str = ""
    contacts: tuple[ContingencyContactData, ...] = ()
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class ContingencySection:
    plans: tuple[ContingencyData, ...] = ()


# ---- Future wishes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FutureWishesData:
    wishes_to_discuss: bool = False
    lpa_health_welfare_exists: bool | None = None
    lpa_health_welfare_name: str = ""
    lpa_health_welfare_registered: bool | None = None
    lpa_health_welfare_location: str = ""
    lpa_property_finance_exists: bool | None = None
    lpa_property_finance_name: str = ""
    lpa_property_finance_registered: bool | None = None
    lpa_property_finance_location: str = ""
    adrt_exists: bool | None = None
    adrt_summary: str = ""
    adrt_location: str = ""
    adrt_date: date | None = None
    advance_statement_exists: bool | None = None
    advance_statement_summary: str = ""
    advance_statement_location: str = ""
    advance_statement_date: date | None = None
    mental_capacity_notes: str = ""
    preferred_place_of_care: str = ""
    preferred_place_of_death: str = ""
    cpr_decision: CprDecision = CprDecision.NOT_DISCUSSED
    cpr_decision_date: date | None = None
    cpr_decision_by: str = ""
    cpr_discussed_with_person: bool | None = None
    cpr_form_location: str = ""
    cpr_review_date: date | None = None
    respect_form_location: str = ""
    organ_donation: str = ""
    people_to_inform: str = ""
    spiritual_needs: str = ""
    other_wishes: str = ""


@dataclass(frozen=True)
class FutureWishesSection:
    wishes: FutureWishesData = field(default_factory=FutureWishesData)


# ---- Agree and share ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CareTeamData:
    name: str = ""
    role: str = ""
    speciality: str = ""
    team: str = ""
    organisation: str = ""
    organisation_code: str = ""
    phone: str = ""
    email: str = ""
    is_key_worker: bool = False
    start_date: date | None = None
    end_date: date | None = None
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class PersonalContactData:
    name: str = ""
    relationship_to_person: str = ""
    is_carer: bool = False
    is_next_of_kin: bool = False
    is_emergency_contact: bool = False
    is_lpa_holder: bool = False
    phone: str = ""
    email: str = ""
    comments: str = ""
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class AdditionalPlanData:
    name: str = ""
    content: str = ""
    review_date: date | None = None
    review_responsible: str = ""
    lineage_id: str = field(default_factory=new_lineage)


@dataclass(frozen=True)
class SharingData:
    """Plan-level fields edited in the "Agree and share" step (they live on the plan row itself)."""

    review_date: date | None = None
    review_responsible_name: str = ""
    review_responsible_role: str = ""
    review_responsible_contact: str = ""
    lead_coordinator_name: str = ""
    lead_coordinator_role: str = ""
    lead_coordinator_contact: str = ""
    performing_professional_name: str = ""
    performing_professional_role: str = ""
    performing_professional_id: str = ""
    location: str = ""
    care_funding: str = ""
    consent_to_share: bool | None = None
    consent_shared_with: str = ""
    other_documents: str = ""
    copies_given_to: str = ""


@dataclass(frozen=True)
class SharingSection:
    sharing: SharingData = field(default_factory=SharingData)
    care_team: tuple[CareTeamData, ...] = ()
    personal_contacts: tuple[PersonalContactData, ...] = ()
    additional_plans: tuple[AdditionalPlanData, ...] = ()


Section = (
    AboutMeSection
    | MedicalSection
    | HolisticSection
    | GoalsSection
    | ContingencySection
    | FutureWishesSection
    | SharingSection
)

# The steps of the appointment, in order, with the section type each one saves.
SECTION_TYPES: dict[str, type[Section]] = {
    "about_me": AboutMeSection,
    "medical": MedicalSection,
    "holistic": HolisticSection,
    "goals": GoalsSection,
    "contingency": ContingencySection,
    "future_wishes": FutureWishesSection,
    "sharing": SharingSection,
}
SECTION_TITLES: dict[str, str] = {
    "about_me": "About me",
    "medical": "Medical review",
    "holistic": "Holistic needs",
    "goals": "Goals and actions",
    "contingency": "If things get worse",
    "future_wishes": "Future wishes",
    "sharing": "Agree and share",
}


def section_key(section: Section) -> str:
    for key, kind in SECTION_TYPES.items():
        if isinstance(section, kind):
            return key
    raise TypeError(f"not a plan section: {type(section).__name__}")


@dataclass(frozen=True)
class PlanContent:
    about_me: AboutMeSection = field(default_factory=AboutMeSection)
    medical: MedicalSection = field(default_factory=MedicalSection)
    holistic: HolisticSection = field(default_factory=HolisticSection)
    goals: GoalsSection = field(default_factory=GoalsSection)
    contingency: ContingencySection = field(default_factory=ContingencySection)
    future_wishes: FutureWishesSection = field(default_factory=FutureWishesSection)
    sharing: SharingSection = field(default_factory=SharingSection)

    def section(self, key: str) -> Section:
        value: Section = getattr(self, key)
        return value


@dataclass(frozen=True)
class PlanVersion:
    """One version of a person's plan, with everything in it."""

    id: str
    person_id: str
    status: PlanStatus
    version_number: int | None
    base_id: str | None
    replaces_id: str | None
    revision: int
    title: str
    created_at: datetime
    last_updated: datetime | None
    agreed_at: datetime | None
    agreed_by_name: str
    agreed_by_role: str
    agreed_with: AgreedWith | None
    representative_name: str
    representative_role: str
    declined_reason: str
    superseded: bool
    content: PlanContent
    replaced_by_version: int | None = None  # superseded: the number of the agreed version that replaced it
    provenance: PlanProvenance | None = None  # imported from another organisation (plan_provenance.py)

    @property
    def is_draft(self) -> bool:
        return self.status is PlanStatus.DRAFT


@dataclass(frozen=True)
class PlanSummary:
    id: str
    status: PlanStatus
    version_number: int | None
    created_at: datetime
    agreed_at: datetime | None
    agreed_by_name: str
    review_date: date | None
    superseded: bool
