"""A person's plan as a FHIR R4 Bundle (a "collection"), for other services to read.

Patient, Condition (SNOMED CT), MedicationStatement, AllergyIntolerance, Observation (results), Goal,
the people (`fhir_actors`), referrals and "if I get worse" plans (`fhir_contingency`), the crisis
decisions and consent to share (`fhir_decisions`), CarePlan and the printed copy as a DocumentReference.
Versioned UK Core profile URLs go in `meta` where UK Core has a profile (it has none for Goal). Every
reference resolves inside the bundle (`fhir_references` checks it); the previous version of the plan
is named by its identifier, not referenced. Resource ids are derived from the plan's own ids, so
exporting the same version twice gives the same ids and a receiver can tell it has seen them before.
"""

from __future__ import annotations

import base64
import copy
from datetime import datetime

from careplanner.clinical import snomed
from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings, normalise_ods_code
from careplanner.export.fhir_actors import Actors, build_actors
from careplanner.export.fhir_contingency import contingency_plans, referral_requests
from careplanner.export.fhir_decisions import decision_resources
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
    org_identifier,
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


GOAL_PRIORITY = "http://terminology.hl7.org/CodeSystem/goal-priority"


def goal_priority(importance: int | None) -> Json | None:
    """How much the goal matters to the person (1 to 10) as Goal.priority: 8 and over high, 4 to 7
    medium, 3 and under low; the number itself in the text, so nothing is lost."""
    if importance is None:
        return None
    code = "high-priority" if importance >= 8 else ("medium-priority" if importance >= 4 else "low-priority")
    return {
        "coding": [{"system": GOAL_PRIORITY, "code": code}],
        "text": f"Matters to me: {importance} out of 10",
    }


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
            "priority": goal_priority(goal.importance),
            "description": {"text": goal.text},
            "subject": subject,
            "expressedBy": subject,
            "note": [{"text": goal.outcome}] if goal.outcome.strip() else None,
        },
    )


def _activities(plan: PlanVersion, goal_ids: list[str], referrals: list[Json]) -> list[Json]:
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
    return out + [{"reference": ref(r["id"])} for r in referrals]


def _wishes(plan: PlanVersion) -> list[Json]:
    """Where the person would like to be cared for and to die (PRSB end of life care): no verified
    SNOMED CT concept, so as the plan's notes in the person's words."""
    w = plan.content.future_wishes.wishes
    lines = (
        ("Where I would like to be cared for", w.preferred_place_of_care),
        ("Where I would like to die", w.preferred_place_of_death),
    )
    return [{"text": f"{label}: {text.strip()}"} for label, text in lines if text.strip()]


def _plan_status(plan: PlanVersion) -> str:
    agreed = plan.status is PlanStatus.AGREED
    return "active" if agreed and not plan.superseded else ("revoked" if agreed else "draft")


def _conditions_by_name(plan: PlanVersion, record: list[Json]) -> dict[str, Json]:
    """A current condition's names (term and plain name, casefolded) -> a reference to its Condition."""
    out: dict[str, Json] = {}
    conditions = [r for r in record if r["resourceType"] == "Condition"]
    for c, res in zip(plan.content.medical.conditions, conditions, strict=False):
        if _current_condition(res):
            for name in (c.term, c.plain_name):
                if name.strip():
                    out.setdefault(name.strip().casefold(), ref(res["id"]))
    return out


def _document(
    plan: PlanVersion, pdf: bytes, subject: Json, actors: Actors, org: tuple[str, str], plan_ref: Json
) -> Json:
    agreed = plan.status is PlanStatus.AGREED
    # Dated when the plan was agreed (a draft: when it was last changed), never when it was exported.
    when = fhir_datetime(
        plan.agreed_at if agreed and plan.agreed_at else (plan.last_updated or plan.created_at)
    )
    return resource(
        "DocumentReference",
        stable_id("document", plan.id),
        {
            "masterIdentifier": org_identifier(stable_id("document", plan.id), *org),
            "identifier": [org_identifier(plan.id, *org)],
            "status": "current",
            "docStatus": "final" if agreed else "preliminary",
            "type": {"coding": [snomed_coding(snomed.CARE_PLAN_DOCUMENT, "Care plan")]},
            "subject": subject,
            "date": when,
            "author": [actors.author] if actors.author else None,
            "custodian": actors.practice,
            "relatesTo": [
                {
                    "code": "replaces",
                    "target": {"identifier": org_identifier(stable_id("document", plan.replaces_id), *org)},
                }
            ]
            if plan.replaces_id
            else None,
            "description": "My care and support plan (the person's copy)",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "language": "en-GB",
                        "data": base64.b64encode(pdf).decode("ascii"),
                        "title": "My care and support plan",
                        "creation": when,
                    }
                }
            ],
            "context": {"related": [plan_ref]},
        },
    )


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
    ods = normalise_ods_code(practice.ods_code) if practice else person.details.gp_practice_ods_code
    org = (ods, practice.practice_name if practice else person.details.gp_practice_name)
    if plan is not None:
        resources += _plan_resources(person, plan, practice, subject, pdf, org)
    bundle_id = stable_id("bundle", person.id, plan.id if plan else "", fhir_datetime(now))
    # A copy: resources share reference and coding objects, and a caller may change the bundle it gets.
    return copy.deepcopy(
        {
            "resourceType": "Bundle",
            "id": bundle_id,
            "identifier": org_identifier(bundle_id, *org),
            "type": "collection",
            "timestamp": fhir_datetime(now),
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
        }
    )


def _plan_identifier(plan: PlanVersion, org: tuple[str, str]) -> Json:
    """This version's identifier: an imported version keeps the one it was sent with (the same version)."""
    p = plan.provenance
    if p is None:
        return org_identifier(plan.id, *org)
    return {
        "system": URI_SYSTEM,
        "value": p.identifier,
        "assigner": {"display": p.organisation or p.ods_code},
    }


def _replaces(plan: PlanVersion, org: tuple[str, str]) -> list[Json] | None:
    """The previous versions by identifier (they are not in the bundle): as sent, for an imported one."""
    if plan.provenance is not None and plan.provenance.replaces:
        values = [{"system": URI_SYSTEM, "value": r} for r in plan.provenance.replaces]
    elif plan.replaces_id:
        values = [org_identifier(plan.replaces_id, *org)]
    else:
        return None
    return [{"identifier": v, "display": "The previous agreed version"} for v in values]


def _plan_resources(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    subject: Json,
    pdf: bytes | None,
    org: tuple[str, str],
) -> list[Json]:
    record = record_resources(plan, subject)
    goals = [_goal(plan, i, g, subject) for i, g in enumerate(plan.content.goals.goals)]
    actors = build_actors(person, plan, practice, subject)
    referrals = referral_requests(plan, subject, actors)
    decisions, supporting = decision_resources(plan, subject, actors)
    sh = plan.content.sharing.sharing
    agreed = plan.status is PlanStatus.AGREED
    notes = [t for t in (plan.content.about_me.about.what_matters,) if t.strip()]
    care_plan = resource(
        "CarePlan",
        stable_id("careplan", plan.id),
        {
            "identifier": [_plan_identifier(plan, org)],
            "status": _plan_status(plan),
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
            "author": actors.author,
            "contributor": [actors.contributor] if actors.contributor else None,
            "careTeam": [actors.care_team] if actors.care_team else None,
            "addresses": [ref(r["id"]) for r in record if _current_condition(r)],
            "supportingInfo": supporting,
            "goal": [ref(g["id"]) for g in goals],
            "activity": _activities(plan, [g["id"] for g in goals], referrals),
            "note": [{"text": f"What matters to me: {t}"} for t in notes] + _wishes(plan),
            # The previous version by its identifier: it is not in this bundle, so no reference to resolve.
            "replaces": _replaces(plan, org),
        },
    )
    linked = contingency_plans(plan, care_plan, subject, actors, practice, _conditions_by_name(plan, record))
    out = record + goals + actors.resources + referrals + decisions + [care_plan] + linked
    if pdf is not None:
        out.append(_document(plan, pdf, subject, actors, org, ref(care_plan["id"])))
    return out
