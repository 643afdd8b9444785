"""Proof that the plan was made with me, and which copy is the one to keep.

The agreement box closes the person's copy: who I made the plan with and when, who helped me write it,
whether I or my representative (named) agreed it, room to sign, the date it was printed, and "This
replaces version N — please throw older copies away", because on a fridge an old version is the risk.
A draft's box says plainly that nothing has been agreed yet.

A person who chose not to have a written plan gets a one-page record instead (`declined_story`): that
they chose, that they can change their mind, and who to ring if they get worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.enums import AgreedWith, UserRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.copy_page_one import FALLBACK_PLAN, heading, review_line, zone_calls
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

AGREEMENT_HEADING = "Making this plan"
DECLINED_TITLE = "My care and support: no written plan"
ROLE_WORDS = {
    UserRole.GP.value: "GP",
    UserRole.NURSE.value: "practice nurse",
    UserRole.HCA.value: "healthcare assistant",
}


@dataclass(frozen=True)
class Replaces:
    """The agreed version this one replaces, as printed: "version 1 (agreed 22 October 2025)"."""

    version: int
    agreed_on: date | None = None


def clinician_words(plan: PlanVersion) -> str:
    """ "Jane Doyle (practice nurse)", or "" when no one is recorded."""
    name = plan.agreed_by_name.strip()
    role = ROLE_WORDS.get(plan.agreed_by_role, "")
    return f"{name} ({role})" if name and role else name


def replaces_of(plan: PlanVersion, given: Replaces | None) -> Replaces | None:
    """The replaced version: as the service found it, else the one before this version's number."""
    if given is not None:
        return given
    if plan.replaces_id and plan.version_number and plan.version_number > 1:
        return Replaces(plan.version_number - 1)
    return None


def _signature_lines(s: pb.Styles) -> Table:
    """Room to sign and date: for me (or my representative) and for whoever made the plan with me."""
    rows = [["Signed (me):", "", "Date:", ""], ["Signed (for the practice):", "", "Date:", ""]]
    cells = [[Paragraph(c, s.body) if c else "" for c in row] for row in rows]
    widths = ["36%", "34%", "10%", "20%"] if not s.large else ["44%", "28%", "12%", "16%"]
    table = Table(cells, colWidths=widths, rowHeights=[s.body.fontSize * 3.2] * len(rows))
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.8, pb.NHS_GREY),
                ("LINEBELOW", (3, 0), (3, -1), 0.8, pb.NHS_GREY),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def agreement_box(
    plan: PlanVersion, s: pb.Styles, *, replaces: Replaces | None = None, printed_on: date | None = None
) -> list[Flowable]:
    """The closing box of the person's copy, kept whole on one page."""
    about = plan.content.about_me.about
    lines: list[Flowable] = [Paragraph(AGREEMENT_HEADING, s.h2)]
    if plan.is_draft:
        lines.append(
            Paragraph(
                "<b>This is a draft. It has not been agreed yet.</b> Keep using my agreed plan until "
                "this one is agreed and printed again.",
                s.body,
            )
        )
    else:
        made = "I made this plan"
        who = clinician_words(plan)
        if who:
            made += f" with {who}"
        if plan.agreed_at is not None:
            made += f" on {pb.long_date(plan.agreed_at.date())}"
        lines.append(Paragraph(pb.text(made + "."), s.body))
    if about.supported_to_write_by.strip():
        lines.append(pb.labelled("Who helped me write it:", about.supported_to_write_by, s))
    if plan.agreed_with is AgreedWith.REPRESENTATIVE and plan.representative_name.strip():
        rep = ", ".join(p for p in (plan.representative_name, plan.representative_role) if p.strip())
        lines.append(pb.labelled("Agreed for me by my representative:", rep, s))
    elif plan.agreed_with is AgreedWith.PERSON:
        lines.append(Paragraph("I agreed this plan myself.", s.body))
    lines += review_line(plan, s)
    if not plan.is_draft:
        lines.append(_signature_lines(s))
        version = f"This is version {plan.version_number or 1} of my plan."
        earlier = replaces_of(plan, replaces)
        if earlier is not None:
            when = f" (agreed {pb.long_date(earlier.agreed_on)})" if earlier.agreed_on else ""
            version += (
                f" <b>This replaces version {earlier.version}{when} — please throw older copies away.</b>"
            )
        lines.append(Paragraph(version, s.body))
    if printed_on is not None:
        lines.append(Paragraph(f"Printed on {pb.long_date(printed_on)}.", s.body))
    box = Table([[lines]], colWidths=["100%"])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, pb.NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [KeepTogether([pb.spacer(s), box])]


def declined_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    printed_on: date | None = None,
) -> list[Flowable]:
    """One page for a person who chose not to have a written plan."""
    out = heading(person, practice, s, DECLINED_TITLE)
    when = pb.long_date(plan.agreed_at.date()) if plan.agreed_at else "the day we met"
    out += [
        Paragraph(f"We talked about my care and support on {when}.", s.body),
        Paragraph("<b>I chose not to have a written care and support plan.</b>", s.body),
        Paragraph(
            "I can change my mind at any time: I ring my GP practice and ask for a care and support "
            "planning appointment.",
            s.body,
        ),
        Paragraph("If I get worse", s.h2),
    ]
    calls = zone_calls(FALLBACK_PLAN.contacts[0].zone, FALLBACK_PLAN, practice)
    out += [
        Paragraph(f"If I am getting worse, I ring <b>{pb.text(label)}</b> — <b>{pb.phone(phone)}</b>", s.body)
        for label, phone in calls
    ]
    out.append(Paragraph(f'<b>In an emergency I ring <font size="{s.red_number:g}">999</font>.</b>', s.body))
    review = plan.content.sharing.sharing.review_date
    if review is not None:
        out.append(pb.labelled("The practice will ask me again by:", pb.long_date(review), s))
    if printed_on is not None:
        out.append(Paragraph(f"Printed on {pb.long_date(printed_on)}.", s.small))
    return out
