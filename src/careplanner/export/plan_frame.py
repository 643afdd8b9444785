"""Whose plan a page belongs to: the name, NHS number, date agreed and version printed on every page.

Shared by the person's copy, the clinician summary and the preparation letter, so the three documents
describe the same person and the same version in the same words.
"""

from __future__ import annotations

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion


def person_name(person: PersonRecord) -> str:
    d = person.details
    return " ".join(p for p in (d.first_name, d.family_name) if p)


def who_line(person: PersonRecord) -> str:
    nhs = person.details.nhs_number
    return person_name(person) + (
        " · " + t("NHS number {number}").format(number=format_nhs_number(nhs)) if nhs else ""
    )


def status_line(plan: PlanVersion) -> str:
    if plan.is_draft:
        changed = plan.last_updated or plan.created_at
        return f"{t(pb.DRAFT_TEXT)} · {pb.long_date(changed.date())}"
    agreed = plan.agreed_at.date() if plan.agreed_at else None
    if plan.status is PlanStatus.DECLINED:
        return t("No written plan (chosen {date})").format(date=pb.long_date(agreed))
    return t("Agreed {date} · Version {number}").format(
        date=pb.long_date(agreed), number=plan.version_number or 1
    )


def build_frame(person: PersonRecord, plan: PlanVersion, title: str) -> pb.Frame:
    return pb.Frame(title=t(title), who=who_line(person), status_line=status_line(plan), draft=plan.is_draft)
