"""The preview's rows for a bundle's plan-level content (issue 13): each care-team member, referral,
crisis decision (CPR, ReSPECT, advance decision, advance statement, LPA) and personal contact that will
come in, with the entry it is read from. Shown beside the record's rows (`import_preview`), so the
clinician sees before anything is written that these come in too; the command line prints only places,
kinds and what they are (never the names, which are each row's `label`)."""

from __future__ import annotations

import re
from typing import Any

from careplanner.clinical.enums import CprDecision, ReferralKind
from careplanner.export.fhir_json import dict_of, list_of, text_of
from careplanner.export.fhir_read import ImportedRecord
from careplanner.services.import_preview import ADD, PreviewRow

_INDEX = re.compile(r"Bundle\.entry\[(\d+)\]")
_DECISIONS = (
    ("adrt_exists", "an advance decision to refuse treatment", "adrt_summary", "Consent"),
    ("advance_statement_exists", "an advance statement", "advance_statement_location", "DocumentReference"),
    ("lpa_health_welfare_exists", "a health and welfare LPA", "lpa_health_welfare_name", "DocumentReference"),
    (
        "lpa_property_finance_exists",
        "a property and finance LPA",
        "lpa_property_finance_name",
        "DocumentReference",
    ),
    ("respect_form_location", "where the ReSPECT form is", "respect_form_location", "DocumentReference"),
)


def _entries(data: Any) -> list[dict[str, Any]]:
    return [dict_of(dict_of(e).get("resource")) for e in list_of(dict_of(data).get("entry"))]


def _place(data: Any, kind: str, match: str = "") -> str:
    """The first entry of `kind` whose text mentions `match` (any, when empty)."""
    for i, res in enumerate(_entries(data)):
        if res.get("resourceType") == kind and (not match or match.casefold() in str(res).casefold()):
            return f"Bundle.entry[{i}]"
    return "Bundle"


def plan_rows(record: ImportedRecord, data: Any) -> tuple[PreviewRow, ...]:
    """One row for each care-team member, referral, decision and contact the bundle's plan brings in."""
    plan = record.plan
    if plan is None:
        return ()
    rows: list[PreviewRow] = []
    team_at = _place(data, "CareTeam")
    for m in plan.care_team:
        label = f"{m.name} ({m.role})" if m.role else m.name
        rows.append(PreviewRow(team_at, "CareTeam", ADD, "a care-team member", "", label))
    for r in plan.referrals:
        what = "signposting" if r.kind is ReferralKind.SIGNPOSTING else "a referral"
        rows.append(
            PreviewRow(_place(data, "ServiceRequest", r.service), "ServiceRequest", ADD, what, "", r.service)
        )
    fields = plan.decisions.fields
    cpr = fields.get("cpr_decision")
    if isinstance(cpr, CprDecision) and cpr is not CprDecision.NOT_DISCUSSED:
        words = "Not for CPR" if cpr is CprDecision.NOT_FOR_CPR else "For CPR"
        by = text_of(fields.get("cpr_decision_by"))
        label = f"{words} (decided by {by})" if by else words
        rows.append(PreviewRow(_place(data, "Consent", "CPR"), "Consent", ADD, "a CPR decision", "", label))
    for key, what, detail, kind in _DECISIONS:
        if fields.get(key):
            match = "respect" if key.startswith("respect") else ""
            if kind == "Consent":
                match = "acd"
            elif key.startswith("lpa"):
                match = "health and welfare" if "health" in key else "property"
            elif key.startswith("advance"):
                match = "advance statement"
            label = text_of(fields.get(detail)) if isinstance(fields.get(detail), str) else ""
            rows.append(PreviewRow(_place(data, kind, match), kind, ADD, what, "", label))
    for c in plan.decisions.contacts:
        marks = [
            w
            for w, on in (
                ("next of kin", c.is_next_of_kin),
                ("emergency contact", c.is_emergency_contact),
                ("carer", c.is_carer),
            )
            if on
        ]
        relation = ", ".join(x for x in (c.relationship_to_person, *marks) if x)
        label = f"{c.name} ({relation})" if relation else c.name
        rows.append(
            PreviewRow(
                _place(data, "RelatedPerson", c.name), "RelatedPerson", ADD, "a personal contact", "", label
            )
        )
    return tuple(rows)


def _entry_index(row: PreviewRow) -> int:
    found = _INDEX.match(row.where)
    return int(found.group(1)) if found else 10**9


def with_plan_rows(rows: tuple[PreviewRow, ...], extra: tuple[PreviewRow, ...]) -> tuple[PreviewRow, ...]:
    """The preview's rows with the plan's, in the bundle's order (a stable sort keeps each entry's own)."""
    return tuple(sorted(rows + extra, key=_entry_index))
