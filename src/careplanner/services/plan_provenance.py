"""Where a plan version came from, when it was imported from another organisation's export (migration 0018).

An imported agreed version is agreed *there*, by their clinician, on their date: it is stored as an agreed
version here (read-only, sealed like any other) with `agreed_at` the sender's date and no account of this
store as agreeing it, and everything that shows or prints it says so in one line:
"Agreed at <organisation> by <author> on <date> (imported)". Nothing here ever re-dates it or names the
person who imported it as agreeing it; who imported it and when are kept beside it (and in the audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

IMPORTED = "(imported)"


@dataclass(frozen=True)
class PlanProvenance:
    """Where an imported version came from (no free text of this store's own)."""

    organisation: str = ""
    ods_code: str = ""
    identifier: str = ""  # the sender's identifier for this version
    status: str = ""  # its status there (CarePlan.status as sent: active, draft...)
    author: str = ""  # who agreed it there
    author_role: str = ""
    agreed_on: date | None = None  # when it was agreed there
    replaces: tuple[str, ...] = ()  # the sender's identifiers of the versions it replaces
    imported_at: datetime | None = None
    imported_by_id: str | None = None

    @property
    def line(self) -> str:
        return provenance_line(self)


def provenance_line(p: PlanProvenance) -> str:
    """One line for the plan screen, the history and every printed copy of an imported version."""
    where = p.organisation or (f"organisation {p.ods_code}" if p.ods_code else "another organisation")
    if p.organisation and p.ods_code:
        where = f"{p.organisation} ({p.ods_code})"
    who = f" by {p.author}" + (f" ({p.author_role})" if p.author_role else "") if p.author else ""
    when = f" on {p.agreed_on.day} {p.agreed_on:%B %Y}" if p.agreed_on else ""
    lead = "Agreed at" if p.status in ("active", "completed", "") else "Written at"
    return f"{lead} {where}{who}{when} {IMPORTED}"


def provenance_of(plan: Any) -> PlanProvenance | None:
    """The provenance held on a `care_plan` row, or None when the version was made here."""
    if not getattr(plan, "origin_identifier", ""):
        return None
    agreed = plan.agreed_at
    return PlanProvenance(
        organisation=plan.origin_organisation,
        ods_code=plan.origin_ods_code,
        identifier=plan.origin_identifier,
        status=plan.origin_status,
        author=plan.origin_author,
        author_role=plan.origin_author_role,
        agreed_on=agreed.date() if agreed is not None else None,
        replaces=tuple(r for r in plan.origin_replaces.splitlines() if r),
        imported_at=plan.imported_at,
        imported_by_id=plan.imported_by_id,
    )


def imported_by_line(plan: Any) -> str:
    """Who agreed an imported version, for the history list's "agreed by" column ("" when made here)."""
    provenance = provenance_of(plan)
    if provenance is None:
        return ""
    where = provenance.organisation or provenance.ods_code or "another organisation"
    return f"{provenance.author or 'someone'} at {where} {IMPORTED}"
