"""The people and organisations of an exported plan as resources a receiver can address: the practice as an
ODS-coded Organization, the clinician who agreed the plan and each care-team member as Practitioner +
PractitionerRole, the person's own contacts (and a representative who agreed for them) as RelatedPerson,
and the CareTeam built from them.

Nobody is invented: a resource is made only for a name the plan holds. Codes only where they come from a
FHIR code system (v2-0131 contact roles, v3 RoleCode for attorneys); roles and specialities are text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from careplanner.clinical.enums import AgreedWith
from careplanner.clinical.practice import PracticeSettings, normalise_ods_code
from careplanner.export.fhir_resources import ODS_SYSTEM, Json, ref, resource, stable_id
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import CareTeamData, PersonalContactData, PlanVersion

CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
# v3 RoleCode: healthcare power of attorney (health and welfare LPA), power of attorney (property).
HEALTH_ATTORNEY = {"system": ROLE_CODE, "code": "HPOWATT", "display": "healthcare power of attorney"}
PROPERTY_ATTORNEY = {"system": ROLE_CODE, "code": "POWATT", "display": "power of attorney"}
NEXT_OF_KIN = {"system": CONTACT_ROLE, "code": "N", "display": "Next-of-Kin"}
EMERGENCY_CONTACT = {"system": CONTACT_ROLE, "code": "C", "display": "Emergency Contact"}


@dataclass
class Actors:
    """What the plan's resources point at. Every reference here is to a resource in `resources`."""

    resources: list[Json] = field(default_factory=list)
    practice: Json | None = None  # reference to the practice Organization
    author: Json | None = None  # reference to who agreed the plan (PractitionerRole), else the practice
    contributor: Json | None = None  # the person, or their representative, who agreed it
    care_team: Json | None = None  # reference to the CareTeam
    related: dict[str, Json] = field(default_factory=dict)  # a contact's name (casefolded) -> reference
    organisations: dict[str, Json] = field(default_factory=dict)  # ODS code, and name -> reference
    practitioners: dict[str, Json] = field(default_factory=dict)  # a clinician's name -> Practitioner


def _telecom(phone: str, email: str) -> list[Json]:
    out = [{"system": "phone", "value": phone.strip()}] if phone.strip() else []
    return out + ([{"system": "email", "value": email.strip()}] if email.strip() else [])


def _organisation(actors: Actors, plan_id: str, name: str, ods: str, extra: Json | None = None) -> Json:
    """The Organization for an ODS code (or, without one, a name), made once per bundle."""
    ods = normalise_ods_code(ods)
    named = name.strip().casefold()
    found = actors.organisations.get(ods) if ods else actors.organisations.get(named)
    if found is not None:
        return found
    org = resource(
        "Organization",
        stable_id("organization", plan_id, ods or named),
        {
            "identifier": [{"system": ODS_SYSTEM, "value": ods}] if ods else None,
            "active": True,
            "name": name.strip(),
            **(extra or {}),
        },
    )
    actors.resources.append(org)
    reference = ref(org["id"])
    if ods:
        actors.organisations[ods] = reference
    if named:
        actors.organisations.setdefault(named, reference)
    return reference


def clinician(actors: Actors, plan_id: str, name: str) -> Json:
    """The Practitioner for a clinician's name, made once per bundle: a reference to it."""
    key = name.strip().casefold()
    if key not in actors.practitioners:
        practitioner = resource(
            "Practitioner", stable_id("practitioner", plan_id, key), {"name": [{"text": name.strip()}]}
        )
        actors.resources.append(practitioner)
        actors.practitioners[key] = ref(practitioner["id"])
    return actors.practitioners[key]


def _practitioner(
    actors: Actors, plan_id: str, key: str, name: str, role: str, org: Json | None, extra: Json | None = None
) -> Json:
    """Practitioner + PractitionerRole for a named clinician; a reference to the PractitionerRole."""
    body: Json = {"active": True, "practitioner": clinician(actors, plan_id, name), "organization": org}
    if role.strip():
        body["code"] = [{"text": role.strip()}]
    role_res = resource(
        "PractitionerRole", stable_id("practitionerrole", plan_id, key), {**body, **(extra or {})}
    )
    actors.resources.append(role_res)
    return ref(role_res["id"])


def _related(
    actors: Actors, plan_id: str, subject: Json, name: str, relationship: list[Json], extra: Json
) -> Json:
    key = name.strip().casefold()
    if key in actors.related:
        return actors.related[key]
    person = resource(
        "RelatedPerson",
        stable_id("relatedperson", plan_id, key),
        {
            "active": True,
            "patient": subject,
            "relationship": relationship,
            "name": [{"text": name.strip()}],
            **extra,
        },
    )
    actors.resources.append(person)
    actors.related[key] = ref(person["id"])
    return actors.related[key]


def _contact(actors: Actors, plan_id: str, subject: Json, c: PersonalContactData) -> None:
    codings = [NEXT_OF_KIN] if c.is_next_of_kin else []
    codings += [EMERGENCY_CONTACT] if c.is_emergency_contact else []
    relationship: list[Json] = [{"coding": codings}] if codings else []
    words = c.relationship_to_person.strip() + (" (carer)" if c.is_carer else "")
    if words.strip():
        relationship.append({"text": words.strip()})
    _related(actors, plan_id, subject, c.name, relationship, {"telecom": _telecom(c.phone, c.email)})


def attorney(actors: Actors, plan_id: str, subject: Json, name: str, health: bool) -> Json:
    """The RelatedPerson who holds a lasting power of attorney (the contact already listed, if any)."""
    role = {"coding": [HEALTH_ATTORNEY if health else PROPERTY_ATTORNEY]}
    existing = actors.related.get(name.strip().casefold())
    if existing is not None:
        for res in actors.resources:
            if res["resourceType"] == "RelatedPerson" and existing["reference"].endswith(res["id"]):
                res.setdefault("relationship", []).append(role)
        return existing
    return _related(actors, plan_id, subject, name, [role], {})


def _team_member(actors: Actors, plan: PlanVersion, index: int, m: CareTeamData) -> Json:
    org = (
        _organisation(actors, plan.id, m.organisation, m.organisation_code)
        if (m.organisation.strip() or m.organisation_code.strip())
        else actors.practice
    )
    extra: Json = {
        "specialty": [{"text": m.speciality.strip()}] if m.speciality.strip() else None,
        "telecom": _telecom(m.phone, m.email) or None,
        "period": {
            k: v.isoformat() for k, v in {"start": m.start_date, "end": m.end_date}.items() if v is not None
        }
        or None,
    }
    return _practitioner(
        actors, plan.id, f"team/{index}", m.name, m.role, org, {k: v for k, v in extra.items() if v}
    )


def build_actors(
    person: PersonRecord, plan: PlanVersion, practice: PracticeSettings | None, subject: Json
) -> Actors:
    actors = Actors()
    details = person.details
    if practice is not None and practice.practice_name.strip():
        extra: Json = {"telecom": _telecom(practice.in_hours_phone, "") or None}
        if practice.address.strip():
            extra["address"] = [{"text": practice.address.strip()}]
        actors.practice = _organisation(
            actors, plan.id, practice.practice_name, practice.ods_code, {k: v for k, v in extra.items() if v}
        )
    elif details.gp_practice_name.strip() or details.gp_practice_ods_code.strip():
        actors.practice = _organisation(
            actors, plan.id, details.gp_practice_name, details.gp_practice_ods_code
        )
    origin = plan.provenance  # imported: agreed there, by their clinician (services/plan_provenance.py)
    if origin is not None and origin.author.strip():
        there = (
            _organisation(actors, plan.id, origin.organisation, origin.ods_code)
            if origin.organisation.strip() or origin.ods_code.strip()
            else actors.practice
        )
        actors.author = _practitioner(actors, plan.id, "agreed-by", origin.author, origin.author_role, there)
    elif plan.agreed_by_name.strip():
        actors.author = _practitioner(
            actors, plan.id, "agreed-by", plan.agreed_by_name, plan.agreed_by_role, actors.practice
        )
    else:
        actors.author = actors.practice
    sharing = plan.content.sharing
    for c in sharing.personal_contacts:
        if c.name.strip():
            _contact(actors, plan.id, subject, c)
    if plan.agreed_with is AgreedWith.PERSON:
        actors.contributor = subject
    elif plan.agreed_with is AgreedWith.REPRESENTATIVE and plan.representative_name.strip():
        words = plan.representative_role.strip() or "Representative who agreed the plan"
        actors.contributor = _related(
            actors, plan.id, subject, plan.representative_name, [{"text": words}], {}
        )
    participants = []
    for i, m in enumerate(sharing.care_team):
        if not m.name.strip():
            continue
        member = _team_member(actors, plan, i, m)
        role = m.role.strip() + (" (named coordinator)" if m.is_key_worker else "")
        part: Json = {"member": {**member, "display": m.name.strip()}}
        if role.strip():
            part["role"] = [{"text": role.strip()}]
        # (no onBehalfOf: R4's ctm-1 allows it only beside a Practitioner; the PractitionerRole names the
        # member's organisation)
        participants.append(part)
    if participants:
        team = resource(
            "CareTeam",
            stable_id("careteam", plan.id),
            {
                "status": "active",
                "name": "My care team",
                "subject": subject,
                "participant": participants,
                "managingOrganization": [actors.practice] if actors.practice else None,
            },
        )
        actors.resources.append(team)
        actors.care_team = ref(team["id"])
    return actors
