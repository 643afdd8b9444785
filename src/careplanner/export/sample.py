"""A synthetic person with every section of the plan filled in, for layout previews, the PDF benchmark
and the export tests. Nothing here is a real person: the NHS number is in the 999 test range and the
phone numbers are Ofcom drama numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from careplanner.clinical.enums import (
    ActionStatus,
    AgreedWith,
    CarerStatus,
    CommunicationNeed,
    CprDecision,
    MedicineDecision,
    PlanStatus,
    QuestionnaireKind,
    ReferralKind,
    ReferralStatus,
    Sex,
    Zone,
)
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.people import (
    AddressData,
    NeedEntry,
    PersonInput,
    PersonRecord,
    PersonSummary,
    TelecomData,
)

SAMPLE_PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery",
    ods_code="B86999",
    in_hours_phone="0113 496 0123",
    out_of_hours_phone="0113 496 0777",
    address="1 Mill Lane, Leeds LS1 1XY",
)


def sample_person(
    *, first_name: str = "Siobhán", family_name: str = "Nguyễn", large_print: bool = False
) -> PersonRecord:
    needs = (NeedEntry(CommunicationNeed.LARGE_PRINT),) if large_print else ()
    details = PersonInput(
        first_name=first_name,
        family_name=family_name,
        date_of_birth=date(1944, 6, 2),
        nhs_number="9990001235",
        title="Mrs",
        sex=Sex.FEMALE,
        gp_practice_name="Riverside Surgery",
        gp_practice_ods_code="B86999",
        addresses=(AddressData("12 Church Street", "Leeds", postcode="LS6 2XY"),),
        telecoms=(TelecomData("phone", "0113 496 0456", "home", 1),),
        communication_needs=needs,
    )
    summary = PersonSummary(
        "sample-person",
        details.nhs_number,
        details.title,
        first_name,
        family_name,
        "",
        details.date_of_birth,
        date(2026, 11, 22),
        date(2027, 5, 22),
        False,
        False,
    )
    return PersonRecord("sample-person", details, summary, frozenset(n.need for n in needs))


def sample_content() -> d.PlanContent:
    contacts = (
        d.ContingencyContactData(
            Zone.GREEN, role="My practice nurse", role_key="named_nurse", phone="0113 496 0555"
        ),
        d.ContingencyContactData(
            Zone.AMBER, role="My GP practice", role_key="practice", phone="0113 496 0000"
        ),
        d.ContingencyContactData(Zone.AMBER, role="Out of hours", role_key="out_of_hours", phone=""),
        d.ContingencyContactData(Zone.AMBER, role="NHS 111", role_key="nhs_111"),
        d.ContingencyContactData(Zone.RED, role="Emergency", role_key="999"),
    )
    return d.PlanContent(
        about_me=d.AboutMeSection(
            d.AboutMeData(
                what_matters="Staying in my own home and getting back to my allotment in the spring.",
                people_important="My daughter Aoife, who visits every Sunday.",
                how_i_communicate="I hear better on my left side. Please write things down for me.",
                my_wellness="On a good day I cook for myself and walk to the shop.",
                please_do="Talk to me, not my daughter.",
                please_dont="Don't rush me.",
            ),
            (d.StrengthData("I am good at keeping to a routine"),),
        ),
        medical=d.MedicalSection(
            d.MedicalReviewData(frailty_score=5, frailty_assessed_on=date(2026, 11, 22)),
            (
                d.ConditionData(
                    "Chronic obstructive pulmonary disease", "13645005", "COPD (a long-term lung condition)"
                ),
                d.ConditionData("Diabetes mellitus type 2", "44054006", "Type 2 diabetes"),
            ),
            (
                d.MedicineData(
                    "Metformin 500mg tablets",
                    "1 tablet twice a day",
                    "by mouth with food",
                    "to keep my blood sugar steady",
                    MedicineDecision.CONTINUE,
                ),
                d.MedicineData(
                    "Salbutamol 100micrograms inhaler",
                    "2 puffs when needed",
                    "inhaled",
                    "to ease breathlessness",
                    MedicineDecision.CONTINUE,
                ),
                d.MedicineData(
                    "Oxybutynin 5mg tablets",
                    "1 tablet twice a day",
                    "by mouth",
                    "for an overactive bladder",
                    MedicineDecision.STOP,
                    "it can cause confusion",
                ),
                d.MedicineData(
                    "Ramipril 5mg capsules",
                    "1 capsule once a day",
                    "by mouth",
                    "for my blood pressure",
                    MedicineDecision.CHANGE,
                    "dose lowered because I felt dizzy",
                ),
            ),
            (d.AllergyData("Penicillin", "rash", "moderate"),),
            (
                d.ResultData(
                    "HbA1c", "52", "mmol/mol", date(2026, 11, 1), "my average blood sugar is a little high"
                ),
            ),
        ),
        holistic=d.HolisticSection(
            d.HolisticData(carer_status=CarerStatus.HAS_A_CARER),
            (
                d.QuestionnaireData(
                    QuestionnaireKind.PHQ9,
                    (1, 1, 0, 1, 0, 0, 1, 0, 0),
                    4,
                    "minimal",
                    False,
                    date(2026, 11, 22),
                ),
            ),
        ),
        goals=d.GoalsSection(
            goals=(
                d.GoalData(
                    "I want to walk to the shop and back without stopping",
                    actions=(
                        d.ActionData(
                            "Walk for 10 minutes every day",
                            "me",
                            when="over the next month",
                            confidence=7,
                            status=ActionStatus.PLANNED,
                        ),
                        d.ActionData(
                            "Go to the breathing exercise class",
                            "me and Aoife",
                            when="on Tuesdays",
                            confidence=6,
                        ),
                    ),
                ),
                d.GoalData(
                    "I want to feel less lonely",
                    actions=(
                        d.ActionData("Go to the lunch club", "me", when="every Wednesday", confidence=8),
                    ),
                ),
            ),
            referrals=(
                d.ReferralData(
                    "Pulmonary rehabilitation",
                    ReferralKind.REFERRAL,
                    "0113 496 0888",
                    "to help with my breathing",
                    ReferralStatus.REFERRED,
                    date(2026, 11, 22),
                ),
                d.ReferralData(
                    "Walking for health group", ReferralKind.SIGNPOSTING, "", "to get more active with others"
                ),
            ),
            information_given=(
                d.InformationData("Living well with COPD", "Practice leaflet", date(2026, 11, 22)),
            ),
        ),
        contingency=d.ContingencySection(
            (
                d.ContingencyData(
                    "My COPD",
                    "COPD",
                    triggers=("chest infections", "cold damp weather"),
                    warning_signs=("more breathless than usual", "phlegm changes colour"),
                    anticipatory_medicines=("Rescue pack: antibiotics and steroid tablets",),
                    green_what_i_do="I take my inhalers as usual and keep active.",
                    amber_what_i_do="I start my rescue pack and ring the practice the same day.",
                    red_what_i_do="I ring 999 if I cannot speak in full sentences.",
                    contacts=contacts,
                ),
            )
        ),
        future_wishes=d.FutureWishesSection(
            d.FutureWishesData(
                wishes_to_discuss=True,
                preferred_place_of_care="At home",
                preferred_place_of_death="At home, with my family",
                cpr_decision=CprDecision.NOT_FOR_CPR,
                cpr_decision_date=date(2026, 11, 22),
                cpr_decision_by="Dr A Shah",
                cpr_discussed_with_person=True,
                cpr_form_location="ReSPECT form in the kitchen drawer",
                lpa_health_welfare_exists=True,
                lpa_health_welfare_name="Aoife Nguyễn",
                spiritual_needs="I would like the priest to visit.",
            )
        ),
        sharing=d.SharingSection(
            d.SharingData(
                review_date=date(2027, 5, 22),
                review_responsible_name="Jane Doyle",
                lead_coordinator_name="Jane Doyle",
                lead_coordinator_role="Practice nurse",
                lead_coordinator_contact="0113 496 0555",
                consent_to_share=True,
                consent_shared_with="District nurses, out-of-hours service",
                copies_given_to="Me; my daughter Aoife",
            ),
            care_team=(
                d.CareTeamData(
                    "Jane Doyle",
                    "Practice nurse",
                    organisation="Riverside Surgery",
                    phone="0113 496 0555",
                    is_key_worker=True,
                ),
                d.CareTeamData("Dr A Shah", "GP", organisation="Riverside Surgery", phone="0113 496 0123"),
            ),
            personal_contacts=(
                d.PersonalContactData("Aoife Nguyễn", "Daughter", is_next_of_kin=True, phone="0113 496 0999"),
            ),
        ),
    )


def sample_plan(*, draft: bool = False, content: d.PlanContent | None = None) -> d.PlanVersion:
    agreed_at = None if draft else datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    return d.PlanVersion(
        id="sample-plan-2",
        person_id="sample-person",
        status=PlanStatus.DRAFT if draft else PlanStatus.AGREED,
        version_number=None if draft else 2,
        base_id=None,
        replaces_id=None if draft else "sample-plan-1",
        revision=4,
        title="My care and support plan",
        created_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        last_updated=datetime(2026, 11, 22, 10, 45, tzinfo=UTC),
        agreed_at=agreed_at,
        agreed_by_name="" if draft else "Jane Doyle",
        agreed_by_role="" if draft else "nurse",
        agreed_with=None if draft else AgreedWith.PERSON,
        representative_name="",
        representative_role="",
        declined_reason="",
        superseded=False,
        content=content or sample_content(),
    )
