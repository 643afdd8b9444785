"""Page 1 of the person's copy: what the person needs in a hurry.

Who they are, what matters to them, what to do and who to ring if they get worse (with the practice's
real numbers, green / amber / red), the decisions made for an emergency, their named coordinator and the
date the plan will be looked at again.

A contact is printed only with a phone number (one without is left out, never printed half-done), and
every red zone tells the person to ring 999: a red zone whose words and numbers do not say 999 gets the
line "If it is an emergency, I ring 999.", and every plan prints its red zone.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.enums import Zone
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.contacts import resolve_contact
from careplanner.export.copy_safety import emergency_decisions
from careplanner.export.plan_frame import person_name
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ContingencyData, PlanVersion

TITLE = "My care and support plan"

ZONE_LABELS = {
    Zone.GREEN: ("Green", "I feel well"),
    Zone.AMBER: ("Amber", "I am getting worse"),
    Zone.RED: ("Red", "I need help now"),
}


def heading(
    person: PersonRecord, plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles
) -> list[Flowable]:
    d = person.details
    out: list[Flowable] = [Paragraph(TITLE, s.title), pb.para(person_name(person), s.h3)]
    facts = []
    if d.nhs_number:
        facts.append(f"NHS number: <b>{format_nhs_number(d.nhs_number)}</b>")
    facts.append(f"Date of birth: {pb.long_date(d.date_of_birth)}")
    out.append(Paragraph(("<br/>" if s.large else " · ").join(facts), s.body))
    if practice is not None and practice.practice_name.strip():
        line = f"My GP practice: <b>{pb.text(practice.practice_name)}</b>"
        if practice.in_hours_phone.strip():
            line += f" — {pb.phone(practice.in_hours_phone)}"
        out.append(Paragraph(line, s.body))
    what = plan.content.about_me.about.what_matters
    if what.strip():
        out += [Paragraph("What matters to me", s.h2), pb.para(what, s.body)]
    return out


def _zone_block(
    zone: Zone, what: str, plan: ContingencyData, practice: PracticeSettings | None, s: pb.Styles
) -> Flowable:
    name, meaning = ZONE_LABELS[zone]
    inner: list[Flowable] = [Paragraph(f"<b>{name}: {meaning}</b>", s.body)]
    if what.strip():
        inner.append(pb.labelled("What I do:", what, s))
    calls = zone_calls(zone, plan, practice)
    for label, phone in calls:
        inner.append(Paragraph(f"Who I call: <b>{pb.text(label)}</b> — <b>{pb.phone(phone)}</b>", s.body))
    if zone is Zone.RED and "999" not in " ".join([what, *(phone for _, phone in calls)]):
        inner.append(Paragraph(f"<b>{RED_999}</b>", s.body))
    colour = pb.ZONE_COLOURS[zone.value]
    if s.large:
        table = Table([[inner]], colWidths=["100%"])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBEFORE", (0, 0), (0, 0), 8, colour),
                    ("BACKGROUND", (0, 0), (0, 0), pb.ZONE_TINTS[zone.value]),
                    ("LEFTPADDING", (0, 0), (0, 0), 12),
                    ("TOPPADDING", (0, 0), (0, 0), 6),
                ]
            )
        )
        return table
    table = Table([["", inner]], colWidths=[6, None])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, 0), colour),
                ("BACKGROUND", (1, 0), (1, 0), pb.ZONE_TINTS[zone.value]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (1, 0), (1, 0), 4),
                ("BOTTOMPADDING", (1, 0), (1, 0), 2),
            ]
        )
    )
    return table


RED_999 = "If it is an emergency, I ring 999."


def zone_calls(zone: Zone, plan: ContingencyData, practice: PracticeSettings | None) -> list[tuple[str, str]]:
    """(who, number) for each contact of a zone that has a number; a contact with none is not printed."""
    calls = [resolve_contact(c, practice) for c in plan.contacts if c.zone is zone]
    return [(label, phone) for label, phone in calls if phone.strip()]


def if_i_get_worse(plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles) -> list[Flowable]:
    plans = plan.content.contingency.plans
    decisions = emergency_decisions(plan, s)
    if not plans and not decisions:
        return []
    # The emergency decisions come first in standard print: they are what someone treating me in a hurry
    # must see. Large print starts "If I get worse" on a page of its own and a block of decisions at 18 pt
    # would push the first plan's zones off it, so there they follow the plans.
    out: list[Flowable] = [Paragraph("If I get worse", s.h2), *([] if s.large else decisions)]
    for cp in plans:
        block: list[Flowable] = []
        if cp.name.strip():
            block.append(pb.para(cp.name, s.h3))
        if cp.warning_signs:
            block.append(pb.labelled("Signs I am getting worse:", "; ".join(cp.warning_signs), s))
        if cp.triggers:
            block.append(pb.labelled("Things that can set it off:", "; ".join(cp.triggers), s))
        zones = (
            (Zone.GREEN, cp.green_what_i_do),
            (Zone.AMBER, cp.amber_what_i_do),
            (Zone.RED, cp.red_what_i_do),
        )
        for zone, what in zones:
            if zone is Zone.RED or what.strip() or zone_calls(zone, cp, practice):
                block.append(_zone_block(zone, what, cp, practice, s))
                block.append(pb.spacer(s, 0.5))
        if cp.anticipatory_medicines:
            block.append(
                pb.labelled(
                    "Medicines and equipment kept for when I get worse:",
                    "; ".join(cp.anticipatory_medicines),
                    s,
                )
            )
        if cp.admission_wishes.strip():
            block.append(pb.labelled("About going into hospital:", cp.admission_wishes, s))
        out.append(KeepTogether(block))  # green, amber and red read together, never split over a page
    return out + decisions if s.large else out


def coordinator(plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing.sharing
    out: list[Flowable] = []
    if sh.lead_coordinator_name.strip():
        who = ", ".join(p for p in (sh.lead_coordinator_name, sh.lead_coordinator_role) if p.strip())
        practice_phone = practice.in_hours_phone.strip() if practice is not None else ""
        if sh.lead_coordinator_contact.strip():
            who += f" — {pb.no_break(sh.lead_coordinator_contact)}"
        elif practice_phone:  # never a contact without a number: reach them through the practice
            who += f" — through my GP practice on {pb.no_break(practice_phone)}"
        else:
            who += " — ask for them at my GP practice"
        out.append(pb.labelled("My named coordinator:", who, s))
    if sh.review_date is not None:
        review = pb.long_date(sh.review_date)
        if sh.review_responsible_name.strip():
            review += f", with {sh.review_responsible_name.strip()}"
        out.append(pb.labelled("We will look at this plan again by:", review, s))
    return ([Paragraph("Who coordinates my care", s.h2), *out]) if out else []
