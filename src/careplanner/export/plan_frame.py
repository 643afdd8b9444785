"""Whose plan a page belongs to: the name, NHS number, date agreed and version printed on every page.

Shared by the person's copy, the clinician summary and the preparation letter, so the three documents
describe the same person and the same version in the same words.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

# A copy a later agreed version replaced: its band on every page, the banner at the top of page 1 and
# its agreement box say so, in the copy's language and in English (a paramedic reads English).
REPLACED_BAND = "REPLACED by version {later} — not my current plan"
REPLACED_BAND_LATER = "REPLACED by a later version — not my current plan"
REPLACED_THROW = "This copy was replaced by version {later} — please throw it away."
REPLACED_THROW_LATER = "This copy was replaced by a later version — please throw it away."


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
    line = t("Agreed {date} · Version {number}").format(
        date=pb.long_date(agreed), number=plan.version_number or 1
    )
    if plan.superseded and plan.replaced_by_version:  # an old copy must never pass for the current plan
        line += " · " + t("Replaced by version {later}: this is not my current plan").format(
            later=plan.replaced_by_version
        )
    return line


def is_replaced(plan: PlanVersion) -> bool:
    """An agreed version a later agreed version replaced (`replaced_by_version` is set when it is read)."""
    return not plan.is_draft and (plan.superseded or plan.replaced_by_version is not None)


def _both(plan: PlanVersion, numbered: str, unnumbered: str) -> tuple[str, ...]:
    """`numbered` (or `unnumbered` when the later version's number is not known) in the copy's language,
    then in English when that is another language."""
    if not is_replaced(plan):
        return ()
    later = plan.replaced_by_version
    key = numbered if later else unnumbered
    own, english = t(key).format(later=later), key.format(later=later)
    return (own,) if own == english else (own, english)


def replaced_band(plan: PlanVersion) -> tuple[str, ...]:
    """The lines of a replaced copy's red band ("REPLACED by version 3 — not my current plan"); ()."""
    return _both(plan, REPLACED_BAND, REPLACED_BAND_LATER)


def replaced_throw_away(plan: PlanVersion) -> str:
    """ "This copy was replaced by version 3 — please throw it away." (with the English on a Welsh copy)."""
    return " ".join(_both(plan, REPLACED_THROW, REPLACED_THROW_LATER))


def replaced_banner(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    """Top of page 1 of a replaced copy: a red box saying so in large white letters; [] otherwise."""
    band = replaced_band(plan)
    if not band:
        return []
    rows = [[Paragraph("<br/>".join(pb.text(line) for line in band), s.banner)]]
    box = Table(rows, colWidths=["100%"])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), pb.NHS_RED),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [box, Spacer(1, 2)]


def build_frame(person: PersonRecord, plan: PlanVersion, title: str) -> pb.Frame:
    return pb.Frame(
        title=t(title),
        who=who_line(person),
        status_line=status_line(plan),
        draft=plan.is_draft,
        replaced=replaced_band(plan),
    )
