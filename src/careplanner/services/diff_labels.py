"""Plain labels for the fields a change summary or a comparison names ("role_key" reads "Kind of contact").

The change summary, the plan comparison and the merge all name a changed field. Most field names read well
once their underscores are spaces ("what matters" → "What matters"); the ones below do not, because they hold
an abbreviation, a code or a flag.
"""

from __future__ import annotations

_LABELS: dict[str, str] = {
    "role_key": "Kind of contact",
    "snomed_code": "SNOMED CT code",
    "dmd_code": "Medicine code (dm+d)",
    "acb_checked": "Checked: not on the ACB scale",
    "substance_code": "Substance code (SNOMED CT)",
    "reaction_code": "Reaction code (SNOMED CT)",
    "code_system": "Code system",
    "unit_code": "Unit code (UCUM)",
    "code": "Code",
    "need_lineage_id": "Linked need",
    "lineage_id": "Link to the same item in earlier versions",
    "plain_name": "Name in plain words",
    "is_history": "Past condition",
    "no_known_allergies": "No known allergies",
    "frailty_score": "Clinical Frailty Scale score",
    "frailty_assessed_on": "Frailty assessed on",
    "safety_flag": "Safety question answered yes",
    "safety_action": "Action taken on the safety question",
    "safety_told": "Told about urgent help",
    "safety_numbers_given": "Urgent numbers given",
    "green_what_i_do": "Green: what I do",
    "amber_what_i_do": "Amber: what I do",
    "red_what_i_do": "Red: what I do",
    "avoid_hospital_admission": "Wishes to avoid hospital admission",
    "lpa_health_welfare_exists": "Health and welfare LPA in place",
    "lpa_health_welfare_name": "Health and welfare attorney",
    "lpa_health_welfare_registered": "Health and welfare LPA registered",
    "lpa_health_welfare_location": "Where the health and welfare LPA is kept",
    "lpa_property_finance_exists": "Property and financial affairs LPA in place",
    "lpa_property_finance_name": "Property and financial affairs attorney",
    "lpa_property_finance_registered": "Property and financial affairs LPA registered",
    "lpa_property_finance_location": "Where the property and financial affairs LPA is kept",
    "adrt_exists": "Advance decision to refuse treatment in place",
    "adrt_summary": "Advance decision to refuse treatment",
    "adrt_location": "Where the advance decision is kept",
    "adrt_date": "Date of the advance decision",
    "advance_statement_exists": "Advance statement in place",
    "advance_statement_location": "Where the advance statement is kept",
    "advance_statement_date": "Date of the advance statement",
    "cpr_decision": "CPR decision",
    "cpr_decision_date": "Date of the CPR decision",
    "cpr_decision_by": "CPR decision made by",
    "cpr_discussed_with_person": "CPR decision discussed with the person",
    "cpr_form_location": "Where the CPR form is kept",
    "cpr_review_date": "CPR decision review date",
    "respect_form_location": "Where the ReSPECT form is kept",
    "performing_professional_name": "Plan written with",
    "performing_professional_role": "Role of the clinician who wrote the plan",
    "performing_professional_id": "Registration number of the clinician who wrote the plan",
    "review_responsible_name": "Review led by",
    "review_responsible_role": "Role of who leads the review",
    "review_responsible_contact": "Contact of who leads the review",
    "lead_coordinator_name": "Care coordinator",
    "lead_coordinator_role": "Care coordinator's role",
    "lead_coordinator_contact": "Care coordinator's contact",
    "organisation_code": "Organisation code (ODS)",
    "is_key_worker": "Key worker",
    "is_carer": "Carer",
    "is_next_of_kin": "Next of kin",
    "is_emergency_contact": "Emergency contact",
    "is_lpa_holder": "Holds a lasting power of attorney",
    "relationship_to_person": "Relationship",
    "who_name": "Who",
    "who_role": "Who (role)",
    "who_contact": "Who (contact)",
    "due_on": "Due on",
    "taken_on": "Taken on",
    "made_on": "Made on",
    "given_on": "Given on",
    "outcome_recorded_on": "Outcome recorded on",
    "review_on": "Review on",
    "email": "Email",
}


def field_label(name: str) -> str:
    """The plain label of a plan field: from the table, else its words with a capital letter."""
    if name in _LABELS:
        return _LABELS[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
