"""Proof that the plan was made with me, and which copy is the one to keep.

The agreement box closes the person's copy: who I made the plan with and when, who helped me write it,
whether I or my representative (named) agreed it, room to sign, the date it was printed, and "This
replaces version N — please throw older copies away", because on a fridge an old version is the risk.
A draft's box says plainly that nothing has been agreed yet.

A person who chose not to have a written plan gets a one-page record instead (`declined_story`): their
allergies (as the emergency card says them), that they chose, that they can change their mind, and who to
ring if they get worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.enums import AgreedWith, UserRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t, t_both
from careplanner.export.copy_page_one import fallback_plan, heading, review_line, zone_calls
from careplanner.export.copy_safety import allergies
from careplanner.export.plan_frame import is_replaced, replaced_throw_away
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
    role = t(ROLE_WORDS.get(plan.agreed_by_role, ""))
    return f"{name} ({role})" if name and role else name


def replaces_of(plan: PlanVersion, given: Replaces | None) -> Replaces | None:
    """The replaced version: as the service found it, else the one before this version's number."""
    if given is not None:
        return given
    if plan.replaces_id and plan.version_number and plan.version_number > 1:
        return Replaces(plan.version_number - 1)
    return None


def _signature_lines(s: pb.Styles) -> Table:
    """Room to sign and date: for me (or my representative) and for whoever made the plan with me. Large
    print gives each signature and each date a line of its own, so no label is squeezed into a narrow
    column (the Welsh labels are longer)."""
    signed_me, signed_practice, dated = t("Signed (me):"), t("Signed (for the practice):"), t("Date:")
    if s.large:
        rows = [[signed_me, ""], [dated, ""], [signed_practice, ""], [dated, ""]]
        widths = ["56%", "44%"]
        lines = [("LINEBELOW", (1, 0), (1, -1), 0.8, pb.NHS_GREY)]
    else:
        rows = [[signed_me, "", dated, ""], [signed_practice, "", dated, ""]]
        widths = ["34%", "32%", "14%", "20%"]  # room for "Dyddiad:" as well as "Date:"
        lines = [
            ("LINEBELOW", (1, 0), (1, -1), 0.8, pb.NHS_GREY),
            ("LINEBELOW", (3, 0), (3, -1), 0.8, pb.NHS_GREY),
        ]
    cells = [[Paragraph(c, s.body) if c else "" for c in row] for row in rows]
    height = s.body.fontSize * (2.6 if s.large else 3.2)
    table = Table(cells, colWidths=widths, rowHeights=[height] * len(rows))
    table.setStyle(
        TableStyle([*lines, ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (0, -1), 0)])
    )
    return table


def agreement_box(
    plan: PlanVersion, s: pb.Styles, *, replaces: Replaces | None = None, printed_on: date | None = None
) -> list[Flowable]:
    """The closing box of the person's copy, kept whole on one page."""
    about = plan.content.about_me.about
    lines: list[Flowable] = [Paragraph(t(AGREEMENT_HEADING), s.h2)]
    if plan.is_draft:
        lines.append(
            Paragraph(
                "<b>"
                + t("This is a draft. It has not been agreed yet.")
                + "</b> "
                + t("Keep using my agreed plan until this one is agreed and printed again."),
                s.body,
            )
        )
    else:
        who = clinician_words(plan)
        when = pb.long_date(plan.agreed_at.date()) if plan.agreed_at is not None else ""
        made = {
            (True, True): t("I made this plan with {who} on {date}."),
            (True, False): t("I made this plan with {who}."),
            (False, True): t("I made this plan on {date}."),
            (False, False): t("I made this plan."),
        }[(bool(who), bool(when))]
        lines.append(Paragraph(pb.text(made.format(who=who, date=when)), s.body))
        if plan.provenance is not None:  # agreed elsewhere and imported (services/plan_provenance.py)
            lines.append(Paragraph("<b>" + pb.text(plan.provenance.line) + "</b>", s.body))
    if about.supported_to_write_by.strip():
        lines.append(pb.labelled("Who helped me write it:", about.supported_to_write_by, s))
    if plan.agreed_with is AgreedWith.REPRESENTATIVE and plan.representative_name.strip():
        rep = ", ".join(p for p in (plan.representative_name, plan.representative_role) if p.strip())
        lines.append(pb.labelled("Agreed for me by my representative:", rep, s))
    elif plan.agreed_with is AgreedWith.PERSON:
        lines.append(Paragraph(t("I agreed this plan myself."), s.body))
    lines += review_line(plan, s)
    if not plan.is_draft:
        lines.append(_signature_lines(s))
        version = t("This is version {number} of my plan.").format(number=plan.version_number or 1)
        earlier = replaces_of(plan, replaces)
        if is_replaced(plan):  # an old copy: never "throw older copies away", it is the older copy
            version += f" <b>{pb.text(replaced_throw_away(plan))}</b>"
        elif earlier is not None:
            if earlier.agreed_on:
                replaced = t(
                    "This replaces version {number} (agreed {date}) — please throw older copies away."
                )
            else:
                replaced = t("This replaces version {number} — please throw older copies away.")
            replaced = replaced.format(number=earlier.version, date=pb.long_date(earlier.agreed_on))
            version += f" <b>{replaced}</b>"
        lines.append(Paragraph(version, s.body))
    if printed_on is not None:
        lines.append(Paragraph(t("Printed on {date}.").format(date=pb.long_date(printed_on)), s.body))
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
    kept = KeepTogether([pb.spacer(s), box])
    kept.starts_section = True  # a section of its own (its heading is inside the box): whole_sections.py
    return [kept]


def declined_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    printed_on: date | None = None,
) -> list[Flowable]:
    """One page for a person who chose not to have a written plan; its allergy line is the card's
    (the same box, "Allergies not recorded — ask your GP practice" when none were recorded)."""
    out = heading(person, practice, s, DECLINED_TITLE)
    out += allergies(plan, s, compact=True)
    when = pb.long_date(plan.agreed_at.date()) if plan.agreed_at else t("the day we met")
    out += [
        Paragraph(t("We talked about my care and support on {date}.").format(date=when), s.body),
        Paragraph("<b>" + t("I chose not to have a written care and support plan.") + "</b>", s.body),
        Paragraph(
            t(
                "I can change my mind at any time: I ring my GP practice and ask for a care and support "
                "planning appointment."
            ),
            s.body,
        ),
        Paragraph(t("If I get worse"), s.h2),
    ]
    fallback = fallback_plan()
    calls = zone_calls(fallback.contacts[0].zone, fallback, practice)
    ring = t("If I am getting worse, I ring {who} — {number}")
    out += [
        Paragraph(ring.format(who=f"<b>{pb.typed(label)}</b>", number=f"<b>{pb.phone(phone)}</b>"), s.body)
        for label, phone in calls
    ]
    emergency = t_both("In an emergency I ring {number}.").format(
        number=f'<font size="{s.red_number:g}">999</font>'
    )
    out.append(Paragraph(f"<b>{emergency}</b>", s.body))
    review = plan.content.sharing.sharing.review_date
    if review is not None:
        out.append(pb.labelled("The practice will ask me again by:", pb.long_date(review), s, fixed=True))
    if printed_on is not None:
        out.append(Paragraph(t("Printed on {date}.").format(date=pb.long_date(printed_on)), s.small))
    return out
