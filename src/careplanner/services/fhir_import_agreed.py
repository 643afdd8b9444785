"""An imported plan that was agreed where it came from is stored as an agreed version here, keeping what it
was: read-only and sealed like any version agreed here, but agreed *there* - on the sender's date, by the
sender's clinician, with its provenance (services/plan_provenance.py) - never re-dated or attributed to the
person who imported it. The import is audited (the version's seal, and where it came from).

The version chain is kept: a version the bundle says it replaces, when held here, is the one it replaces
(importing v2 after v1 links them). The same version imported again is recognised by its identifier and a
digest of what it says, and writes nothing; a different version under an identifier already held (changed
content), or an older version than one held that replaces it, is refused with a plain message, and nothing
is written. One agreed before the person's current agreed plan is not made current (`not_current`): the
caller puts what it says into the draft instead.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from careplanner.clinical.enums import AgreedWith, PlanStatus
from careplanner.clinical.nhs_number import normalise_nhs_number
from careplanner.export.fhir_read_plan import PlanOrigin
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.errors import ServiceError
from careplanner.services.mapping import write_section
from careplanner.services.plan_data import Section
from careplanner.services.users import Actor
from careplanner.store.version_seal import seal_for

AGREED_THERE = frozenset({"active"})  # CarePlan.status of a plan in force where it came from
# What never belongs to the version itself: the person's own details (Patient) and a PDF's bytes.
_NOT_CONTENT = ("data", "size", "hash", "creation", "url")


class VersionConflictError(ServiceError):
    """The bundle's plan version cannot be kept beside the versions held. Nothing was imported."""


def is_agreed_there(origin: PlanOrigin) -> bool:
    return origin.status in AGREED_THERE and bool(origin.identifier) and origin.agreed_at is not None


def bundle_digest(data: Any) -> str:
    """SHA-256 of what a plan version says: every resource but the Patient (the person's details are
    checked by the details rules) and a document's attached bytes, in a canonical form (resource order and
    export time do not matter)."""
    resources: list[str] = []
    for entry in data.get("entry", []) if isinstance(data, dict) else []:
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or res.get("resourceType") == "Patient":
            continue
        res = copy.deepcopy(res)
        res.pop("meta", None)
        for content in res.get("content", []) if res.get("resourceType") == "DocumentReference" else []:
            attachment = content.get("attachment") if isinstance(content, dict) else None
            if isinstance(attachment, dict):
                for key in _NOT_CONTENT:
                    attachment.pop(key, None)
        resources.append(json.dumps(res, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    return hashlib.sha256("\n".join(sorted(resources)).encode("utf-8")).hexdigest()


def _ours(identifier: str) -> str:
    """The plan id of an identifier this store's export gives its own versions (urn:uuid:<id>)."""
    return identifier.removeprefix("urn:uuid:") if identifier.startswith("urn:uuid:") else ""


@dataclass(frozen=True)
class Held:
    """The version already held for the bundle's plan (the same version imported again), if any."""

    plan_id: str
    person_id: str


def check_against_held(session: Session, nhs_number: str, origin: PlanOrigin, digest: str) -> Held | None:
    """Only reads. The held version when this exact version is already here (so nothing is written), None
    when it may come in, or VersionConflictError when it cannot."""
    if not nhs_number:
        return None
    person = session.scalar(select(Person).where(Person.nhs_number == normalise_nhs_number(nhs_number)))
    if person is None:
        return None
    versions = list(session.scalars(select(CarePlan).where(CarePlan.person_id == person.id)))
    for plan in versions:
        if plan.origin_identifier == origin.identifier:
            if plan.origin_digest == digest:
                return Held(plan.id, person.id)
            raise VersionConflictError(
                "This record's plan has the same version identifier as a plan already held for this "
                "person, but different content. It may have been changed after it was sent. "
                "Nothing was imported."
            )
        if plan.id == _ours(origin.identifier) and plan.status is not PlanStatus.DRAFT:
            return Held(plan.id, person.id)  # one of this store's own versions, sent back
        if origin.identifier in plan.origin_replaces.splitlines():
            raise VersionConflictError(
                "A later version of this plan, which replaces this one, is already held for this person. "
                "Nothing was imported."
            )
    return None


def _latest_agreed(versions: list[CarePlan]) -> CarePlan | None:
    agreed = [p for p in versions if p.status is PlanStatus.AGREED]
    return max(agreed, key=lambda p: p.version_number or 0, default=None)


NOT_CURRENT = (
    "It was agreed before the plan held here for this person, so it is not kept as their agreed plan: "
    "what it says comes into the draft instead, for a clinician to check."
)


def not_current(session: Session, person: Person, origin: PlanOrigin) -> str:
    """Why the bundle's agreed plan cannot become this person's current agreed version ("" when it can):
    it was agreed before the agreed plan held here. Only reads."""
    assert origin.agreed_at is not None
    current = _latest_agreed(list(session.scalars(select(CarePlan).where(CarePlan.person_id == person.id))))
    if current is not None and current.agreed_at is not None and current.agreed_at > origin.agreed_at:
        return NOT_CURRENT
    return ""


def store_agreed(
    session: Session,
    person: Person,
    sections: Sequence[Section],
    origin: PlanOrigin,
    digest: str,
    actor: Actor,
    now: Callable[[], datetime],
) -> CarePlan:
    """Inside the caller's transaction (after `not_current` found nothing): the imported agreed version,
    written as a draft and then made agreed with its provenance, sealed and audited. It replaces the
    person's latest agreed version (the one the bundle names, when the chain is the same)."""
    assert origin.agreed_at is not None
    previous = _latest_agreed(list(session.scalars(select(CarePlan).where(CarePlan.person_id == person.id))))
    stamp = now()
    plan = CarePlan(
        person_id=person.id,
        status=PlanStatus.DRAFT,
        started_by_id=actor.id,
        last_updated=stamp,
        title=origin.title or "My care and support plan",
    )
    session.add(plan)
    session.flush()
    for section in sections:
        write_section(plan, section)
    session.flush()
    number = session.scalar(select(func.max(CarePlan.version_number)).where(CarePlan.person_id == person.id))
    plan.status = PlanStatus.AGREED
    plan.version_number = (number or 0) + 1
    plan.replaces_id = previous.id if previous else None
    plan.agreed_at = origin.agreed_at  # the sender's date: never re-dated
    plan.agreed_by_id = None  # agreed there, by origin_author: no account here agreed it
    if origin.agreed_with == "the person":
        plan.agreed_with = AgreedWith.PERSON
    elif origin.agreed_with:
        plan.agreed_with = AgreedWith.REPRESENTATIVE
        plan.representative_name = origin.agreed_with
        plan.representative_role = origin.representative_role
    plan.origin_organisation = origin.organisation
    plan.origin_ods_code = origin.organisation_code
    plan.origin_identifier = origin.identifier
    plan.origin_status = origin.status
    plan.origin_author = origin.author
    plan.origin_author_role = origin.author_role
    plan.origin_digest = digest
    plan.origin_replaces = "\n".join(r for r in origin.replaces if r)
    plan.imported_by_id = actor.id
    plan.imported_at = stamp
    plan.last_updated = stamp
    if person.last_agreed_on is None or person.last_agreed_on <= origin.agreed_at.date():
        person.last_agreed_on = origin.agreed_at.date()
        person.review_due = plan.review_date
    person.declined_written_plan = False
    session.flush()
    audit.record(
        session,
        audit.Action.PLAN_AGREED,
        user_id=actor.id,
        person_id=person.id,
        plan_id=plan.id,
        detail=f"version={plan.version_number} imported {seal_for(session.connection(), plan.id)}",
        now=now,
    )
    return plan
