"""Where each field the clinician collects goes on the person's copy, or why it is kept internal.

`tests/export/test_person_copy_fields.py` walks every dataclass of `PlanContent` and fails on a field
that is in neither list, so a field added to the plan must be placed on the copy or kept back on purpose.
"""

from __future__ import annotations

IDS = "identifiers used to link and sync records; they mean nothing to the person"
CODE = "a SNOMED CT code: coded on the clinician summary, never on the person's copy"
CLINICAL = "clinician-facing: belongs on the clinician summary, not the person's copy"
SCORE = "a questionnaire or score: on the clinician summary; the person's copy keeps to plain words"

PRINTED: dict[str, str] = {
    "AboutMeData": "what_matters people_important how_i_communicate my_wellness please_do please_dont "
    "how_to_support_me also_worth_knowing supported_to_write_by",
    "StrengthData": "text",
    "ConditionData": "term plain_name",
    "MedicineData": "name dose how_taken purpose decision person_note",
    "AllergyData": "substance reaction severity clinical_status",
    "MedicalReviewData": "no_known_allergies",
    "HolisticData": "carer_status carer_details",
    "ActionData": "what who_name when due_on confidence strategies review_on",
    "GoalData": "text importance status outcome outcome_recorded_on actions",
    "ReferralData": "service kind contact reason",
    "InformationData": "title source",
    "ContingencyContactData": "zone name role role_key phone",
    "ContingencyData": "name condition triggers warning_signs coping_strategies anticipatory_medicines "
    "green_what_i_do amber_what_i_do red_what_i_do admission_wishes avoid_hospital_admission "
    "ceiling_of_treatment review_date review_responsible contacts",
    "FutureWishesData": "wishes_to_discuss lpa_health_welfare_exists lpa_health_welfare_name "
    "lpa_health_welfare_registered lpa_health_welfare_location lpa_property_finance_exists "
    "lpa_property_finance_name lpa_property_finance_registered lpa_property_finance_location adrt_exists "
    "adrt_summary adrt_location adrt_date advance_statement_exists advance_statement_summary "
    "advance_statement_location advance_statement_date preferred_place_of_care preferred_place_of_death "
    "cpr_decision cpr_decision_date cpr_decision_by cpr_discussed_with_person cpr_form_location "
    "cpr_review_date respect_form_location organ_donation people_to_inform spiritual_needs other_wishes",
    "CareTeamData": "name role speciality team organisation phone email is_key_worker",
    "PersonalContactData": "name relationship_to_person is_carer is_next_of_kin is_emergency_contact "
    "is_lpa_holder phone email comments",
    "AdditionalPlanData": "name content review_date review_responsible",
    "SharingData": "review_date review_responsible_name lead_coordinator_name lead_coordinator_role "
    "lead_coordinator_contact consent_to_share consent_shared_with other_documents copies_given_to",
}

INTERNAL: dict[str, dict[str, str]] = {
    "StrengthData": {"code": CODE, "lineage_id": IDS},
    "ConditionData": {
        "snomed_code": CODE,
        "diagnosed": CLINICAL,
        "notes": CLINICAL,
        "clinical_status": "past conditions are left off; only current ones print",
        "lineage_id": IDS,
    },
    "MedicineData": {
        "dmd_code": CODE,
        "acb_checked": "the clinician's own ACB check (not on the scale): for clinicians, not the copy",
        "decision_reason": "the clinician's reason, never printed (clinical safety)",
        "lineage_id": IDS,
    },
    "AllergyData": {"lineage_id": IDS, "substance_code": CODE, "reaction_code": CODE},
    "MedicalReviewData": {"frailty_score": SCORE, "frailty_assessed_on": SCORE, "notes": CLINICAL},
    "ResultData": {
        **{
            f: "results are explained in the preparation letter"
            for f in ("name", "value", "unit", "taken_on", "plain_note", "lineage_id")
        },
        **{
            f: "a result's code (SNOMED CT or LOINC) and UCUM unit code, for other systems"
            for f in ("code_system", "code", "unit_code")
        },
    },
    "HolisticData": {
        "social_context": CLINICAL,
        "loneliness_notes": CLINICAL,
        "safety_action": "PHQ-9 item 9 follow-up: clinical, on the clinician summary",
        "safety_told": "PHQ-9 item 9 follow-up: clinical, on the clinician summary",
        "safety_numbers_given": "given to the person at the time; on the clinician summary",
    },
    "QuestionnaireData": {
        f: SCORE for f in ("kind", "answers", "total", "band", "safety_flag", "taken_on", "lineage_id")
    },
    "WellbeingData": {f: SCORE for f in ("area", "score", "note", "lineage_id")},
    "NeedData": {
        "text": "the needs are met by the goals printed in my words",
        "code": CODE,
        "lineage_id": IDS,
    },
    "ActionData": {
        "who_role": "the person named in Who is printed",
        "who_contact": "contacts print in Who is involved in my care",
        "status": "progress is printed with the goal's outcome",
        "lineage_id": IDS,
    },
    "GoalData": {"code": CODE, "need_lineage_id": IDS, "lineage_id": IDS},
    "ReferralData": {"status": CLINICAL, "made_on": CLINICAL, "lineage_id": IDS},
    "InformationData": {"given_on": "given on the day of the plan", "lineage_id": IDS},
    "ContingencyData": {"lineage_id": IDS},
    "FutureWishesData": {"mental_capacity_notes": CLINICAL},
    "CareTeamData": {
        "organisation_code": IDS,
        "start_date": CLINICAL,
        "end_date": "members who have left are for the record",
        "lineage_id": IDS,
    },
    "PersonalContactData": {"lineage_id": IDS},
    "AdditionalPlanData": {"lineage_id": IDS},
    "SharingData": {
        "review_responsible_role": "the named person is printed",
        "review_responsible_contact": "the coordinator's number is printed",
        "performing_professional_name": "printed as who I made the plan with (who agreed it)",
        "performing_professional_role": "printed as who I made the plan with (who agreed it)",
        "performing_professional_id": IDS,
        "location": CLINICAL,
        "care_funding": CLINICAL,
    },
}


def printed(kind: str) -> frozenset[str]:
    return frozenset(PRINTED.get(kind, "").split())
