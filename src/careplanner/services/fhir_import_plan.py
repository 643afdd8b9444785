"""What an imported bundle's plan-level content adds to the person's draft: the care team, referrals,
"what matters to me", the review date, consent to share, the preferred places of care and of death, the
crisis decisions (CPR, ReSPECT, advance decision, advance statement, LPA) and the person's own contacts
(`fhir_read_plan`, `fhir_read_decisions`). Nothing the draft holds is replaced or removed: a member,
contact or referral already held is kept as held, a field already filled (or a decision already recorded)
stays.

Where the plan came from (its status, author, agreed date and the versions it replaces) is said to the
clinician: the plan comes in as a draft, because agreeing it is for a clinician here, with the person.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from careplanner.clinical.enums import CprDecision
from careplanner.export.fhir_read_plan import PlanOrigin, PlanRecord
from careplanner.services.plan_data import (
    AboutMeSection,
    CareTeamData,
    FutureWishesData,
    FutureWishesSection,
    PersonalContactData,
    PlanContent,
    ReferralData,
    Section,
    SharingSection,
)

_UUID_URN = re.compile(
    r"urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_PLAN_STATUSES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)


KEPT_AGREED = "It is kept as an agreed version"  # the notice's words for a plan agreed where it came from


def _key(*parts: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()).casefold() for p in parts)


def merged_team(
    held: tuple[CareTeamData, ...], incoming: tuple[CareTeamData, ...]
) -> tuple[CareTeamData, ...]:
    known = {_key(m.name, m.role) for m in held}
    return held + tuple(m for m in incoming if _key(m.name, m.role) not in known)


def merged_referrals(
    held: tuple[ReferralData, ...], incoming: tuple[ReferralData, ...]
) -> tuple[ReferralData, ...]:
    known = {_key(r.service, r.kind.value) for r in held}
    return held + tuple(r for r in incoming if _key(r.service, r.kind.value) not in known)


def merged_contacts(
    held: tuple[PersonalContactData, ...], incoming: tuple[PersonalContactData, ...]
) -> tuple[PersonalContactData, ...]:
    known = {_key(c.name) for c in held}
    return held + tuple(c for c in incoming if _key(c.name) not in known)


def _unset(wishes: FutureWishesData, name: str) -> bool:
    """A future-wishes field nothing has been recorded in (a decision already recorded is never changed)."""
    value = getattr(wishes, name)
    if name == "cpr_decision":
        return value is CprDecision.NOT_DISCUSSED
    if name == "wishes_to_discuss":
        return value is False
    return value is None or (isinstance(value, str) and not value.strip())


def merged_wishes(wishes: FutureWishesData, plan: PlanRecord) -> FutureWishesData:
    """The future wishes with what the bundle states added where nothing is held. The CPR decision comes in
    whole (with who decided, when, the form) or not at all, so parts of two decisions are never mixed."""
    incoming = dict(plan.decisions.fields)
    incoming.update(
        {
            "preferred_place_of_care": plan.preferred_place_of_care,
            "preferred_place_of_death": plan.preferred_place_of_death,
        }
    )
    if not _unset(wishes, "cpr_decision"):
        incoming = {k: v for k, v in incoming.items() if not k.startswith("cpr_")}
    changes = {
        k: v
        for k, v in incoming.items()
        if v is not None and not (isinstance(v, str) and not v.strip()) and _unset(wishes, k)
    }
    return dataclasses.replace(wishes, **changes) if changes else wishes


def plan_sections(content: PlanContent, plan: PlanRecord) -> list[Section]:
    """The About me and Sharing sections with the bundle's plan content added (only those it changes)."""
    out: list[Section] = []
    about = content.about_me
    if plan.what_matters.strip() and not about.about.what_matters.strip():
        out.append(
            AboutMeSection(dataclasses.replace(about.about, what_matters=plan.what_matters), about.strengths)
        )
    wishes = merged_wishes(content.future_wishes.wishes, plan)
    if wishes != content.future_wishes.wishes:
        out.append(FutureWishesSection(wishes))
    sharing = content.sharing
    data = sharing.sharing
    changes: dict[str, Any] = {}
    if data.review_date is None and plan.review_date is not None:
        changes["review_date"] = plan.review_date
    if data.consent_to_share is None and plan.consent_to_share is not None:
        changes["consent_to_share"] = plan.consent_to_share
        changes["consent_shared_with"] = data.consent_shared_with or plan.consent_shared_with
    team = merged_team(sharing.care_team, plan.care_team)
    contacts = merged_contacts(sharing.personal_contacts, plan.decisions.contacts)
    if changes or team != sharing.care_team or contacts != sharing.personal_contacts:
        out.append(
            SharingSection(dataclasses.replace(data, **changes), team, contacts, sharing.additional_plans)
        )
    return out


def origin_notice(origin: PlanOrigin, *, agreed: bool = False) -> str:
    """One plain line on where the plan came from (no patient data). `agreed`: it was agreed there and is
    kept here as an agreed version, marked as imported."""
    parts = [f"The plan was '{origin.status or 'unknown'}' in the sending system"]
    if origin.agreed_on is not None:
        parts.append(f"agreed on {origin.agreed_on.isoformat()}")
    if origin.author:
        role = f" ({origin.author_role})" if origin.author_role else ""
        parts.append(f"by {origin.author}{role}")
    text = ", ".join(parts)
    if origin.replaces:
        text += f"; it replaced {len(origin.replaces)} earlier version(s)"
    if agreed:
        return (
            text
            + f". {KEPT_AGREED}, marked as agreed there (imported), and cannot be changed: "
            + ("start a review to change it with the person.")
        )
    return text + ". It comes in as a draft: check it and agree it with the person."


def origin_audit(origin: PlanOrigin) -> str:
    """Where the plan came from, for the import's audit entry: the sending version's identifier, its
    status and the identifiers of the versions it replaced, so the version chain is kept in this store's
    record. Only uuid identifiers and known status codes are written (never free text from the file)."""

    def ident(value: str) -> str:
        return value.lower() if _UUID_URN.fullmatch(value) else "other"

    status = origin.status if origin.status in _PLAN_STATUSES else "other"
    out = f" from_plan={ident(origin.identifier) if origin.identifier else 'none'} from_status={status}"
    if origin.replaces:
        out += " replaces=" + ",".join(ident(r) for r in origin.replaces[:20])
    return out
