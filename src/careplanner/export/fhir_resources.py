"""FHIR R4 building blocks shared by the export and the import: systems, profiles, status maps, and the
Patient and record resources (conditions, medicines, allergies, results) that a round trip must keep.
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime
from typing import Any

from careplanner.clinical import snomed
from careplanner.clinical.enums import ActionStatus, GoalStatus, MedicineDecision, Sex
from careplanner.export.fhir_coded import (
    SNOMED_SYSTEM as SNOMED_SYSTEM,
)
from careplanner.export.fhir_coded import (
    blood_pressure,
    manifestations,
    medicine_concept,
    result_concept,
    result_value,
    snomed_concept,
)
from careplanner.export.fhir_status import (
    ALLERGY_CLINICAL,
    ALLERGY_CLINICAL_CODES,
    CONDITION_CLINICAL,
    CONDITION_CLINICAL_CODES,
)
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

Json = dict[str, Any]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
URI_SYSTEM = "urn:ietf:rfc:3986"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
# UK Core profile versions, from the StructureDefinitions of NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN
# (commit 3d2827e, June 2025). Claimed only for resources built to conform (Goal has no UK Core profile).
PROFILE_VERSIONS = {
    "Patient": "2.6.1",
    "Condition": "2.6.0",
    "MedicationStatement": "2.5.0",
    "AllergyIntolerance": "2.5.0",
    "Observation": "2.5.0",
    "CareTeam": "2.1.0",
    "CarePlan": "2.2.0",
    "DocumentReference": "2.2.0",
    "Consent": "2.4.0",
    "RelatedPerson": "2.5.0",
    "Practitioner": "2.4.0",
    "PractitionerRole": "2.4.0",
    "Organization": "2.5.1",
    "ServiceRequest": "2.5.1",
}
PROFILES = {kind: f"{UK_CORE}{kind}|{version}" for kind, version in PROFILE_VERSIONS.items()}
NHS_NUMBER_VERIFICATION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
NHS_NUMBER_VERIFICATION_SYSTEM = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)
_NS = uuid.UUID("6f1c2f0e-8d9b-4c55-9a8e-3b0d6a1c7e21")

GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.INDETERMINATE: "other", Sex.NOT_KNOWN: "unknown"}
MEDICATION_STATUS = {
    MedicineDecision.STOP: "stopped",
    MedicineDecision.START: "active",
    MedicineDecision.CHANGE: "active",
    MedicineDecision.CONTINUE: "active",
    MedicineDecision.NOT_REVIEWED: "active",
}
# GoalStatus -> (lifecycleStatus, achievementStatus code)
GOAL_STATUS = {
    GoalStatus.ACTIVE: ("active", "in-progress"),
    GoalStatus.ACHIEVED: ("completed", "achieved"),
    GoalStatus.PARTLY_ACHIEVED: ("active", "improving"),
    GoalStatus.NOT_ACHIEVED: ("completed", "not-achieved"),
    GoalStatus.NO_LONGER_WANTED: ("cancelled", "not-attainable"),
}
ACTIVITY_STATUS = {
    ActionStatus.PLANNED: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.NOT_DONE: "stopped",
    ActionStatus.REFUSED: "cancelled",
}
TELECOM_USES = {"home", "work", "temp", "old", "mobile"}
SEVERITIES = {"mild", "moderate", "severe"}


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def ref(resource_id: str) -> Json:
    return {"reference": f"urn:uuid:{resource_id}"}


def snomed_coding(code: str, display: str) -> Json:
    return {"system": SNOMED_SYSTEM, "code": code, "display": display}


def condition_coding(code: str) -> Json | None:
    """A condition's SNOMED CT coding, or None when the code fails the checks (a typo is never
    exported). The display is the concept's own term from the verified list, never the name typed in
    the plan; a well-formed code the app cannot check goes without a display, not with a guessed one."""
    code = code.strip()
    check = snomed.check_code(code)
    term = snomed.display_term(code)
    if check is snomed.CodeCheck.KNOWN and term is not None:
        return snomed_coding(code, term)
    if check is snomed.CodeCheck.NOT_CHECKED:
        return {"system": SNOMED_SYSTEM, "code": code}
    return None


def clinical_status(system: str, code: str, known: tuple[str, ...]) -> Json:
    """The clinicalStatus the app holds (history stays history); "active" for anything unknown."""
    return {"coding": [{"system": system, "code": code if code in known else "active"}]}


def no_known_allergy(plan_id: str, subject: Json) -> Json:
    """The "No known allergy" statement (SNOMED CT 716186003), as UK Core records it."""
    return resource(
        "AllergyIntolerance",
        stable_id("allergy", plan_id, "no-known-allergy"),
        {
            "clinicalStatus": clinical_status(ALLERGY_CLINICAL, "active", ALLERGY_CLINICAL_CODES),
            "code": {"coding": [snomed_coding("716186003", "No known allergy")], "text": "No known allergy"},
            "patient": subject,
        },
    )


def fhir_datetime(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _meta(kind: str) -> Json:
    return {"profile": [PROFILES[kind]]} if kind in PROFILES else {}


def resource(kind: str, rid: str, body: Json) -> Json:
    res: Json = {"resourceType": kind, "id": rid}
    meta = _meta(kind)
    if meta:
        res["meta"] = meta
    res.update({k: v for k, v in body.items() if v not in (None, "", [], {})})
    return res


def nhs_number_identifier(nhs_number: str) -> Json:
    """The NHS number with its verification status. Care Planner checks the number's check digit but
    never traces it against the national spine (PDS), so it says so: "02", present but not traced."""
    status = {
        "system": NHS_NUMBER_VERIFICATION_SYSTEM,
        "code": "02",
        "display": "Number present but not traced",
    }
    return {
        "extension": [{"url": NHS_NUMBER_VERIFICATION, "valueCodeableConcept": {"coding": [status]}}],
        "system": NHS_NUMBER_SYSTEM,
        "value": nhs_number,
    }


def org_identifier(value: str, ods_code: str, organisation: str) -> Json:
    """An identifier this practice gave (a plan version, a document, a bundle): globally unique, and
    scoped to the practice by its ODS code as assigner, so a receiver knows whose number it is."""
    out: Json = {"system": URI_SYSTEM, "value": f"urn:uuid:{value}"}
    assigner = {
        k: v
        for k, v in {
            "identifier": {"system": ODS_SYSTEM, "value": ods_code} if ods_code else None,
            "display": organisation,
        }.items()
        if v
    }
    if assigner:
        out["assigner"] = assigner
    return out


def narrative(*lines: str) -> Json:
    """A generated narrative: the lines a person reading the resource needs, escaped."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def patient_resource(person: PersonRecord) -> Json:
    d = person.details
    names: list[Json] = [
        {
            "use": "official",
            "family": d.family_name,
            "given": [d.first_name],
            "prefix": [d.title] if d.title else None,
        }
    ]
    names[0] = {k: v for k, v in names[0].items() if v}
    if d.preferred_name and d.preferred_name != d.first_name:
        names.append({"use": "usual", "given": [d.preferred_name]})
    telecom = [
        {
            k: v
            for k, v in {
                "system": t.system if t.system in ("phone", "email") else "other",
                "value": t.value,
                "use": t.use if t.use in TELECOM_USES else None,
                "rank": t.preference,
            }.items()
            if v
        }
        for t in d.telecoms
        if t.value.strip()
    ]
    addresses = [
        {
            k: v
            for k, v in {
                "use": "home" if a.kind == "main" else None,
                "line": [x for x in (a.line1, a.line2, a.line3, a.line4, a.line5) if x.strip()],
                "postalCode": a.postcode,
            }.items()
            if v
        }
        for a in d.addresses
    ]
    gp = None
    if d.gp_practice_ods_code or d.gp_practice_name:
        gp = [
            {
                k: v
                for k, v in {
                    "identifier": {"system": ODS_SYSTEM, "value": d.gp_practice_ods_code}
                    if d.gp_practice_ods_code
                    else None,
                    "display": d.gp_practice_name,
                }.items()
                if v
            }
        ]
    return resource(
        "Patient",
        stable_id("patient", person.id),
        {
            "identifier": [nhs_number_identifier(d.nhs_number)] if d.nhs_number else None,
            "name": names,
            "gender": GENDER[d.sex],
            "birthDate": d.date_of_birth.isoformat(),
            "telecom": telecom,
            "address": addresses,
            "generalPractitioner": gp,
        },
    )


def record_resources(plan: PlanVersion, subject: Json) -> list[Json]:
    """Conditions, medicines, allergies and results: the parts of the record the import reads back."""
    med = plan.content.medical
    out: list[Json] = []
    for i, c in enumerate(med.conditions):
        code: Json = {"text": c.plain_name or c.term}
        coding = condition_coding(c.snomed_code)
        if coding is not None:
            code["coding"] = [coding]
        out.append(
            resource(
                "Condition",
                stable_id("condition", plan.id, str(i)),
                {
                    "clinicalStatus": clinical_status(
                        CONDITION_CLINICAL, c.clinical_status, CONDITION_CLINICAL_CODES
                    ),
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                    "code": "problem-list-item",
                                }
                            ]
                        }
                    ],
                    "code": code,
                    "subject": subject,
                    "onsetString": c.diagnosed,
                    "note": [{"text": c.notes}] if c.notes.strip() else None,
                },
            )
        )
    for i, m in enumerate(med.medicines):
        dosage = {
            k: v
            for k, v in {"text": m.dose, "route": {"text": m.how_taken} if m.how_taken else None}.items()
            if v
        }
        review = "" if m.decision is MedicineDecision.NOT_REVIEWED else f"Review: {m.decision.value}"
        if review and m.decision_reason.strip():
            review += f" ({m.decision_reason.strip()})"
        out.append(
            resource(
                "MedicationStatement",
                stable_id("medicine", plan.id, str(i)),
                {
                    "status": MEDICATION_STATUS[m.decision],
                    "medicationCodeableConcept": medicine_concept(m.name, m.dmd_code),
                    "subject": subject,
                    "dosage": [dosage] if dosage else None,
                    "reasonCode": [{"text": m.purpose}] if m.purpose.strip() else None,
                    "note": [{"text": review}] if review else None,
                },
            )
        )
    for i, a in enumerate(med.allergies):
        reaction = None
        if a.reaction.strip():
            r: Json = {"manifestation": manifestations(a.reaction, a.reaction_code)}
            if a.severity in SEVERITIES:
                r["severity"] = a.severity
            reaction = [r]
        out.append(
            resource(
                "AllergyIntolerance",
                stable_id("allergy", plan.id, str(i)),
                {
                    "clinicalStatus": clinical_status(
                        ALLERGY_CLINICAL, a.clinical_status, ALLERGY_CLINICAL_CODES
                    ),
                    "code": snomed_concept(a.substance, a.substance_code),
                    "patient": subject,
                    "reaction": reaction,
                },
            )
        )
    if med.review.no_known_allergies and not any(not a.is_history for a in med.allergies):
        out.append(no_known_allergy(plan.id, subject))
    for i, res in enumerate(med.results):
        value = blood_pressure(res.name, res.value, res.unit, res.code_system, res.code, res.unit_code) or {
            "code": result_concept(res.name, res.code_system, res.code),
            **result_value(res.value, res.unit, res.unit_code),
        }
        out.append(
            resource(
                "Observation",
                stable_id("result", plan.id, str(i)),
                {
                    "status": "final",
                    "subject": subject,
                    "effectiveDateTime": res.taken_on.isoformat() if res.taken_on else None,
                    **value,
                    "note": [{"text": res.plain_note}] if res.plain_note.strip() else None,
                },
            )
        )
    return out
