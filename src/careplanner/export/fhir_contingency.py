""" "If I get worse" plans as CarePlans linked to the main plan (`partOf`): one per contingency plan, with
the green / amber / red "what I do" as activities, who to call in each zone (name, role and number, the
practice's own numbers as printed), anticipatory medicines, and the warning signs, admission wishes and
ceiling of treatment as notes. Referrals and signposting as ServiceRequests the main plan's activities
point to.
"""

from __future__ import annotations

from careplanner.clinical import snomed
from careplanner.clinical.enums import ReferralKind, ReferralStatus, Zone
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.contacts import resolve_contact
from careplanner.export.fhir_actors import Actors
from careplanner.export.fhir_resources import Json, ref, resource, snomed_coding, stable_id
from careplanner.services.plan_data import ContingencyData, PlanVersion, ReferralData

ZONE_WORDS = {
    Zone.GREEN: "Green: I feel well",
    Zone.AMBER: "Amber: I am getting worse",
    Zone.RED: "Red: I need help now",
}
CONTINGENCY_CATEGORY = "Contingency plan: if I get worse"
REFERRAL_STATUS = {
    ReferralStatus.SUGGESTED: "draft",
    ReferralStatus.REFERRED: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.DECLINED: "revoked",
}
REFERRAL_WORDS = {ReferralKind.REFERRAL: "Referral", ReferralKind.SIGNPOSTING: "Signposting"}


def _activity(code: str, description: str, performer: list[Json] | None = None, kind: str = "") -> Json:
    detail: Json = {"code": {"text": code}, "status": "not-started", "description": description}
    if kind:
        detail["kind"] = kind
    if performer:
        detail["performer"] = performer
    return {"detail": detail}


def _zones(c: ContingencyData, practice: PracticeSettings | None) -> list[Json]:
    out: list[Json] = []
    words = {Zone.GREEN: c.green_what_i_do, Zone.AMBER: c.amber_what_i_do, Zone.RED: c.red_what_i_do}
    for zone in (Zone.GREEN, Zone.AMBER, Zone.RED):
        if words[zone].strip():
            out.append(_activity(ZONE_WORDS[zone], f"What I do: {words[zone].strip()}"))
        for contact in c.contacts:
            if contact.zone is not zone:
                continue
            who, number = resolve_contact(contact, practice)
            if not number:
                continue  # as on the printed copy: a contact nobody can ring is no use in a crisis
            role = contact.role.strip()
            label = f"{who} ({role})" if role and role != who else who
            call = f"Who to call: {label} on {number}"
            out.append(_activity(f"{ZONE_WORDS[zone]}: who to call", call, [{"display": label}]))
    for medicine in c.anticipatory_medicines:
        if medicine.strip():
            out.append(_activity("Anticipatory medicine", medicine.strip(), kind="MedicationRequest"))
    return out


def _notes(c: ContingencyData) -> list[Json]:
    lines = [
        ("What can make me worse", "; ".join(t for t in c.triggers if t.strip())),
        ("Early warning signs", "; ".join(t for t in c.warning_signs if t.strip())),
        ("What helps me cope", "; ".join(t for t in c.coping_strategies if t.strip())),
        ("My wishes about going into hospital", c.admission_wishes.strip()),
        ("I would like to avoid going into hospital", "yes" if c.avoid_hospital_admission else ""),
        ("Ceiling of treatment", c.ceiling_of_treatment.strip()),
        ("Who reviews this plan", c.review_responsible.strip()),
    ]
    return [{"text": f"{label}: {text}"} for label, text in lines if text]


def contingency_plans(
    plan: PlanVersion,
    main: Json,
    subject: Json,
    actors: Actors,
    practice: PracticeSettings | None,
    conditions: dict[str, Json],
) -> list[Json]:
    """A CarePlan for each contingency plan, part of `main`; `conditions` maps a condition's name
    (casefolded) to its Condition, so a plan for a condition addresses it."""
    out = []
    for i, c in enumerate(plan.content.contingency.plans):
        name = c.name.strip() or c.condition.strip() or "If I get worse"
        addressed = conditions.get(c.condition.strip().casefold())
        out.append(
            resource(
                "CarePlan",
                stable_id("careplan", plan.id, "contingency", str(i)),
                {
                    "status": main["status"],
                    "intent": "plan",
                    "category": [{"text": CONTINGENCY_CATEGORY}],
                    "title": f"If I get worse: {name}",
                    "description": c.condition.strip() or None,
                    "subject": subject,
                    "period": {"end": c.review_date.isoformat()} if c.review_date else None,
                    "partOf": [ref(main["id"])],
                    "author": actors.author,
                    "addresses": [addressed] if addressed else None,
                    "activity": _zones(c, practice),
                    "note": _notes(c),
                },
            )
        )
    return out


def _referral(plan: PlanVersion, index: int, r: ReferralData, subject: Json, actors: Actors) -> Json:
    code: Json = {"text": r.service.strip()}
    if r.kind is ReferralKind.REFERRAL and "social prescrib" in f"{r.service} {r.reason}".casefold():
        term = snomed.display_term(snomed.REFERRAL_TO_SOCIAL_PRESCRIBING) or ""
        code["coding"] = [snomed_coding(snomed.REFERRAL_TO_SOCIAL_PRESCRIBING, term)]
    performer = r.service.strip() + (f" ({r.contact.strip()})" if r.contact.strip() else "")
    return resource(
        "ServiceRequest",
        stable_id("referral", plan.id, str(index)),
        {
            "status": REFERRAL_STATUS[r.status],
            "intent": "order" if r.kind is ReferralKind.REFERRAL else "proposal",
            "category": [{"text": REFERRAL_WORDS[r.kind]}],
            "code": code,
            "subject": subject,
            "authoredOn": r.made_on.isoformat() if r.made_on else None,
            "requester": actors.author,
            "performer": [{"display": performer}] if performer else None,
            "reasonCode": [{"text": r.reason.strip()}] if r.reason.strip() else None,
            "note": [{"text": f"Contact: {r.contact.strip()}"}] if r.contact.strip() else None,
        },
    )


def referral_requests(plan: PlanVersion, subject: Json, actors: Actors) -> list[Json]:
    return [
        _referral(plan, i, r, subject, actors)
        for i, r in enumerate(plan.content.goals.referrals)
        if r.service.strip()
    ]
