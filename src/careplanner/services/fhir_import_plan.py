"""What an imported bundle's plan-level content adds to the person's draft: the care team, referrals,
"what matters to me", the review date, consent to share and the preferred places of care and of death
(`fhir_read_plan`). Nothing the draft holds
is replaced or removed: a member or referral already held is kept as held, a field already filled stays.

Where the plan came from (its status, author, agreed date and the versions it replaces) is said to the
clinician: the plan comes in as a draft, because agreeing it is for a clinician here, with the person.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from careplanner.export.fhir_read_plan import PlanOrigin, PlanRecord
from careplanner.services.plan_data import (
    AboutMeSection,
    CareTeamData,
    FutureWishesSection,
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


def plan_sections(content: PlanContent, plan: PlanRecord) -> list[Section]:
    """The About me and Sharing sections with the bundle's plan content added (only those it changes)."""
    out: list[Section] = []
    about = content.about_me
    if plan.what_matters.strip() and not about.about.what_matters.strip():
        out.append(
            AboutMeSection(dataclasses.replace(about.about, what_matters=plan.what_matters), about.strengths)
        )
    wishes = content.future_wishes.wishes
    places: dict[str, Any] = {
        k: v
        for k, v in {
            "preferred_place_of_care": plan.preferred_place_of_care,
            "preferred_place_of_death": plan.preferred_place_of_death,
        }.items()
        if v.strip() and not getattr(wishes, k).strip()
    }
    if places:
        out.append(FutureWishesSection(dataclasses.replace(wishes, **places)))
    sharing = content.sharing
    data = sharing.sharing
    changes: dict[str, Any] = {}
    if data.review_date is None and plan.review_date is not None:
        changes["review_date"] = plan.review_date
    if data.consent_to_share is None and plan.consent_to_share is not None:
        changes["consent_to_share"] = plan.consent_to_share
        changes["consent_shared_with"] = data.consent_shared_with or plan.consent_shared_with
    team = merged_team(sharing.care_team, plan.care_team)
    if changes or team != sharing.care_team:
        out.append(
            SharingSection(
                dataclasses.replace(data, **changes),
                team,
                sharing.personal_contacts,
                sharing.additional_plans,
            )
        )
    return out


def origin_notice(origin: PlanOrigin) -> str:
    """One plain line on where the plan came from (no patient data)."""
    parts = [f"The plan was '{origin.status or 'unknown'}' in the sending system"]
    if origin.agreed_on is not None:
        parts.append(f"agreed on {origin.agreed_on.isoformat()}")
    if origin.author:
        role = f" ({origin.author_role})" if origin.author_role else ""
        parts.append(f"by {origin.author}{role}")
    text = ", ".join(parts)
    if origin.replaces:
        text += f"; it replaced {len(origin.replaces)} earlier version(s)"
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
