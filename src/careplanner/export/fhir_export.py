"""A person's plan as a FHIR R4 Bundle (a "collection"), for other services to read.

Patient, Condition (SNOMED CT), MedicationStatement, AllergyIntolerance, Observation (results), Goal,
CareTeam, CarePlan and the printed copy as a DocumentReference. UK Core profile URLs go in `meta`
where UK Core has a profile (it has none for Goal). Resource ids are derived from the plan's own ids, so
exporting the same version twice gives the same ids and a receiver can tell it has seen them before.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from careplanner.clinical import snomed
from careplanner.clinical.enums import (
    ActionStatus,
    GoalStatus,
    MedicineDecision,
    PlanStatus,
    ReferralKind,
    Sex,
)
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import GoalData, PlanVersion

Json = dict[str, Any]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED_SYSTEM = "http://snomed.info/sct"
URI_SYSTEM = "urn:ietf:rfc:3986"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
PROFILES = {
    "Patient": UK_CORE + "Patient",
    "Condition": UK_CORE + "Condition",
    "MedicationStatement": UK_CORE + "MedicationStatement",
    "AllergyIntolerance": UK_CORE + "AllergyIntolerance",
    "Observation": UK_CORE + "Observation",
    "CareTeam": UK_CORE + "CareTeam",
    "CarePlan": UK_CORE + "CarePlan",
    "DocumentReference": UK_CORE + "DocumentReference",
}
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


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def _ref(resource_id: str) -> Json:
    return {"reference": f"urn:uuid:{resource_id}"}


def _snomed(code: str, display: str) -> Json:
    return {"system": SNOMED_SYSTEM, "code": code, "display": display}


def _dt(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _meta(kind: str) -> Json:
    return {"profile": [PROFILES[kind]]} if kind in PROFILES else {}


def _resource(kind: str, rid: str, body: Json) -> Json:
    res: Json = {"resourceType": kind, "id": rid}
    meta = _meta(kind)
    if meta:
        res["meta"] = meta
    res.update({k: v for k, v in body.items() if v not in (None, "", [], {})})
    return res


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
    return _resource(
        "Patient",
        _id("patient", person.id),
        {
            "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": d.nhs_number}] if d.nhs_number else None,
            "name": names,
            "gender": GENDER[d.sex],
            "birthDate": d.date_of_birth.isoformat(),
            "telecom": telecom,
            "address": addresses,
            "generalPractitioner": gp,
        },
    )


def _goal(plan: PlanVersion, index: int, goal: GoalData, subject: Json) -> Json:
    lifecycle, achievement = GOAL_STATUS[goal.status]
    return _resource(
        "Goal",
        _id("goal", plan.id, str(index)),
        {
            "lifecycleStatus": lifecycle,
            "achievementStatus": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/goal-achievement", "code": achievement}
                ]
            },
            "description": {"text": goal.text},
            "subject": subject,
            "note": [{"text": goal.outcome}] if goal.outcome.strip() else None,
        },
    )


def _record_resources(plan: PlanVersion, subject: Json) -> list[Json]:
    """Conditions, medicines, allergies and results: the parts of the record the import reads back."""
    med = plan.content.medical
    out: list[Json] = []
    for i, c in enumerate(med.conditions):
        code: Json = {"text": c.plain_name or c.term}
        if c.snomed_code:
            code["coding"] = [_snomed(c.snomed_code, c.term)]
        out.append(
            _resource(
                "Condition",
                _id("condition", plan.id, str(i)),
                {
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                "code": "active",
                            }
                        ]
                    },
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
            _resource(
                "MedicationStatement",
                _id("medicine", plan.id, str(i)),
                {
                    "status": MEDICATION_STATUS[m.decision],
                    "medicationCodeableConcept": {"text": m.name},
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
            r: Json = {"manifestation": [{"text": a.reaction}]}
            if a.severity in SEVERITIES:
                r["severity"] = a.severity
            reaction = [r]
        out.append(
            _resource(
                "AllergyIntolerance",
                _id("allergy", plan.id, str(i)),
                {
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                "code": "active",
                            }
                        ]
                    },
                    "code": {"text": a.substance},
                    "patient": subject,
                    "reaction": reaction,
                },
            )
        )
    for i, res in enumerate(med.results):
        value: Json = {}
        try:
            number = float(res.value)
            value["valueQuantity"] = {
                k: v
                for k, v in {
                    "value": int(number) if number.is_integer() and "." not in res.value else number,
                    "unit": res.unit,
                }.items()
                if v != ""
            }
        except ValueError:
            value["valueString"] = " ".join(p for p in (res.value, res.unit) if p)
        out.append(
            _resource(
                "Observation",
                _id("result", plan.id, str(i)),
                {
                    "status": "final",
                    "code": {"text": res.name},
                    "subject": subject,
                    "effectiveDateTime": res.taken_on.isoformat() if res.taken_on else None,
                    **value,
                    "note": [{"text": res.plain_note}] if res.plain_note.strip() else None,
                },
            )
        )
    return out


def _care_team(plan: PlanVersion, subject: Json) -> Json | None:
    team = plan.content.sharing.care_team
    if not team:
        return None
    participants = []
    for m in team:
        role = m.role + (" (named coordinator)" if m.is_key_worker else "")
        part: Json = {"member": {"display": m.name}}
        if role.strip():
            part["role"] = [{"text": role.strip()}]
        if m.organisation.strip():
            part["onBehalfOf"] = {"display": m.organisation}
        participants.append(part)
    return _resource(
        "CareTeam",
        _id("careteam", plan.id),
        {"status": "active", "name": "My care team", "subject": subject, "participant": participants},
    )


def _activities(plan: PlanVersion, goal_ids: list[str]) -> list[Json]:
    out: list[Json] = []
    for gi, goal in enumerate(plan.content.goals.goals):
        for a in goal.actions:
            detail: Json = {
                "status": ACTIVITY_STATUS[a.status],
                "description": a.what,
                "goal": [_ref(goal_ids[gi])],
            }
            if a.who_name.strip():
                detail["performer"] = [{"display": a.who_name}]
            if a.when.strip():
                detail["scheduledString"] = a.when
            out.append({"detail": detail})
    for r in plan.content.goals.referrals:
        lead = "Referral to" if r.kind is ReferralKind.REFERRAL else "Signposted to"
        status = "completed" if r.status.value in ("referred", "accepted", "completed") else "not-started"
        if r.status.value == "declined":
            status = "cancelled"
        out.append(
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "status": status,
                    "description": f"{lead} {r.service}" + (f": {r.reason}" if r.reason else ""),
                }
            }
        )
    return out


def build_bundle(
    person: PersonRecord,
    plan: PlanVersion | None,
    practice: PracticeSettings | None,
    *,
    pdf: bytes | None,
    now: datetime,
) -> Json:
    """The Bundle as plain JSON-ready data. With no plan, the person's record alone."""
    patient = patient_resource(person)
    subject = _ref(patient["id"])
    resources: list[Json] = [patient]
    if plan is not None:
        record = _record_resources(plan, subject)
        goals = [_goal(plan, i, g, subject) for i, g in enumerate(plan.content.goals.goals)]
        team = _care_team(plan, subject)
        resources += record + goals + ([team] if team else [])
        sh = plan.content.sharing.sharing
        agreed = plan.status is PlanStatus.AGREED
        notes = [t for t in (plan.content.about_me.about.what_matters,) if t.strip()]
        author = plan.agreed_by_name or (practice.practice_name if practice else "")
        care_plan = _resource(
            "CarePlan",
            _id("careplan", plan.id),
            {
                "identifier": [{"system": URI_SYSTEM, "value": f"urn:uuid:{plan.id}"}],
                "status": "active" if agreed and not plan.superseded else ("revoked" if agreed else "draft"),
                "intent": "plan",
                "category": [
                    {
                        "coding": [_snomed(snomed.CARE_PLAN_DOCUMENT, "Care plan")],
                        "text": "Personalised care and support plan",
                    }
                ],
                "title": plan.title,
                "subject": subject,
                "period": {
                    k: v
                    for k, v in {
                        "start": plan.agreed_at.date().isoformat() if plan.agreed_at and agreed else None,
                        "end": sh.review_date.isoformat() if sh.review_date else None,
                    }.items()
                    if v
                },
                "created": _dt(plan.agreed_at if agreed and plan.agreed_at else plan.created_at),
                "author": {"display": author} if author else None,
                "careTeam": [_ref(team["id"])] if team else None,
                "addresses": [_ref(r["id"]) for r in record if r["resourceType"] == "Condition"],
                "goal": [_ref(g["id"]) for g in goals],
                "activity": _activities(plan, [g["id"] for g in goals]),
                "note": [{"text": f"What matters to me: {t}"} for t in notes],
                "replaces": [
                    {
                        "reference": f"urn:uuid:{_id('careplan', plan.replaces_id)}",
                        "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{plan.replaces_id}"},
                    }
                ]
                if plan.replaces_id
                else None,
            },
        )
        resources.append(care_plan)
        if pdf is not None:
            resources.append(
                _resource(
                    "DocumentReference",
                    _id("document", plan.id),
                    {
                        "status": "current",
                        "docStatus": "final" if agreed else "preliminary",
                        "type": {"coding": [_snomed(snomed.CARE_PLAN_DOCUMENT, "Care plan")]},
                        "subject": subject,
                        "date": _dt(now),
                        "author": [{"display": author}] if author else None,
                        "description": "My care and support plan (the person's copy)",
                        "content": [
                            {
                                "attachment": {
                                    "contentType": "application/pdf",
                                    "language": "en-GB",
                                    "data": base64.b64encode(pdf).decode("ascii"),
                                    "title": "My care and support plan",
                                    "creation": _dt(now),
                                }
                            }
                        ],
                        "context": {"related": [_ref(care_plan["id"])]},
                    },
                )
            )
    return {
        "resourceType": "Bundle",
        "id": _id("bundle", person.id, plan.id if plan else "", _dt(now)),
        "type": "collection",
        "timestamp": _dt(now),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
