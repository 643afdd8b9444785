"""A person's plan as a FHIR R4 Bundle (a "collection"), for other services to read.

Patient, Condition (SNOMED CT), MedicationStatement, AllergyIntolerance, Observation (results), Goal,
CareTeam, CarePlan and the printed copy as a DocumentReference. UK Core profile URLs go in `meta`
where UK Core has a profile (it has none for Goal). Resource ids are derived from the plan's own ids, so
exporting the same version twice gives the same ids and a receiver can tell it has seen them before.
"""

from __future__ import annotations

import base64
from datetime import datetime

from careplanner.clinical import snomed
from careplanner.clinical.enums import PlanStatus, ReferralKind
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.fhir_resources import (
    ACTIVITY_STATUS,
    GENDER,
    GOAL_STATUS,
    NHS_NUMBER_SYSTEM,
    ODS_SYSTEM,
    PROFILES,
    SNOMED_SYSTEM,
    URI_SYSTEM,
    Json,
    fhir_datetime,
    patient_resource,
    record_resources,
    ref,
    resource,
    snomed_coding,
    stable_id,
)
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import HISTORY_STATUSES, GoalData, PlanVersion

__all__ = [
    "ACTIVITY_STATUS",
    "GENDER",
    "NHS_NUMBER_SYSTEM",
    "ODS_SYSTEM",
    "PROFILES",
    "SNOMED_SYSTEM",
    "build_bundle",
    "patient_resource",
]


def _current_condition(res: Json) -> bool:
    """A Condition the plan addresses: current, not history (resolved, inactive, in remission)."""
    if res["resourceType"] != "Condition":
        return False
    return res["clinicalStatus"]["coding"][0]["code"] not in HISTORY_STATUSES


def _goal(plan: PlanVersion, index: int, goal: GoalData, subject: Json) -> Json:
    lifecycle, achievement = GOAL_STATUS[goal.status]
    return resource(
        "Goal",
        stable_id("goal", plan.id, str(index)),
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
    return resource(
        "CareTeam",
        stable_id("careteam", plan.id),
        {"status": "active", "name": "My care team", "subject": subject, "participant": participants},
    )


def _activities(plan: PlanVersion, goal_ids: list[str]) -> list[Json]:
    out: list[Json] = []
    for gi, goal in enumerate(plan.content.goals.goals):
        for a in goal.actions:
            detail: Json = {
                "status": ACTIVITY_STATUS[a.status],
                "description": a.what,
                "goal": [ref(goal_ids[gi])],
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
    subject = ref(patient["id"])
    resources: list[Json] = [patient]
    if plan is not None:
        record = record_resources(plan, subject)
        goals = [_goal(plan, i, g, subject) for i, g in enumerate(plan.content.goals.goals)]
        team = _care_team(plan, subject)
        resources += record + goals + ([team] if team else [])
        sh = plan.content.sharing.sharing
        agreed = plan.status is PlanStatus.AGREED
        notes = [t for t in (plan.content.about_me.about.what_matters,) if t.strip()]
        author = plan.agreed_by_name or (practice.practice_name if practice else "")
        care_plan = resource(
            "CarePlan",
            stable_id("careplan", plan.id),
            {
                "identifier": [{"system": URI_SYSTEM, "value": f"urn:uuid:{plan.id}"}],
                "status": "active" if agreed and not plan.superseded else ("revoked" if agreed else "draft"),
                "intent": "plan",
                "category": [
                    {
                        "coding": [snomed_coding(snomed.CARE_PLAN_DOCUMENT, "Care plan")],
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
                "created": fhir_datetime(plan.agreed_at if agreed and plan.agreed_at else plan.created_at),
                "author": {"display": author} if author else None,
                "careTeam": [ref(team["id"])] if team else None,
                "addresses": [ref(r["id"]) for r in record if _current_condition(r)],
                "goal": [ref(g["id"]) for g in goals],
                "activity": _activities(plan, [g["id"] for g in goals]),
                "note": [{"text": f"What matters to me: {t}"} for t in notes],
                "replaces": [
                    {
                        "reference": f"urn:uuid:{stable_id('careplan', plan.replaces_id)}",
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
                resource(
                    "DocumentReference",
                    stable_id("document", plan.id),
                    {
                        "status": "current",
                        "docStatus": "final" if agreed else "preliminary",
                        "type": {"coding": [snomed_coding(snomed.CARE_PLAN_DOCUMENT, "Care plan")]},
                        "subject": subject,
                        "date": fhir_datetime(now),
                        "author": [{"display": author}] if author else None,
                        "description": "My care and support plan (the person's copy)",
                        "content": [
                            {
                                "attachment": {
                                    "contentType": "application/pdf",
                                    "language": "en-GB",
                                    "data": base64.b64encode(pdf).decode("ascii"),
                                    "title": "My care and support plan",
                                    "creation": fhir_datetime(now),
                                }
                            }
                        ],
                        "context": {"related": [ref(care_plan["id"])]},
                    },
                )
            )
    return {
        "resourceType": "Bundle",
        "id": stable_id("bundle", person.id, plan.id if plan else "", fhir_datetime(now)),
        "type": "collection",
        "timestamp": fhir_datetime(now),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
