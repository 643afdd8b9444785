"""The pieces of the emergency card (`emergency_card`), page 1 of the person's copy: who I am, the
green / amber / red zones with who I call and their numbers, and the people to ring about me.

A contact is printed only with a phone number (one without is left out, never printed half-done), and
every red zone tells the person to ring 999: a red zone whose words and numbers do not say 999 gets the
line "If it is an emergency, I ring 999.", and every plan prints its red zone. The numbers in a red
zone are the biggest on the page (14 pt bold in standard print).
"""

from __future__ import annotations

import dataclasses
import re

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from careplanner.clinical.enums import ContactRole, Zone
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.contacts import resolve_contact
from careplanner.export.copy_language import t, t_both
from careplanner.export.plan_frame import person_name
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ContingencyContactData, ContingencyData, PlanVersion

TITLE = "My care and support plan"
EASY_READ_TITLE = "My care and support plan (easy read)"

ZONE_LABELS = {
    Zone.GREEN: ("Green", "I feel well"),
    Zone.AMBER: ("Amber", "I am getting worse"),
    Zone.RED: ("Red", "I need help now"),
}
# Red first: the card is read in a hurry, and red is what a hurry needs.
ZONE_ORDER = (Zone.RED, Zone.AMBER, Zone.GREEN)
RED_999 = "If it is an emergency, I ring 999."

# With no contingency plan the card still says who to ring (the practice's numbers from its settings).
FALLBACK_PLAN = ContingencyData(
    amber_what_i_do="I ring my GP practice. When it is closed, I ring NHS 111.",
    red_what_i_do="I ring 999.",
    contacts=(
        ContingencyContactData(Zone.AMBER, role="My GP practice", role_key=ContactRole.PRACTICE.value),
        ContingencyContactData(Zone.AMBER, role="Out of hours", role_key=ContactRole.OUT_OF_HOURS.value),
        ContingencyContactData(Zone.AMBER, role="NHS 111", role_key=ContactRole.NHS_111.value),
        ContingencyContactData(Zone.RED, role="Emergency", role_key=ContactRole.EMERGENCY_999.value),
    ),
)


def fallback_plan() -> ContingencyData:
    """FALLBACK_PLAN in the language being printed."""
    p = FALLBACK_PLAN
    contacts = tuple(dataclasses.replace(c, role=t(c.role)) for c in p.contacts)
    return dataclasses.replace(
        p, amber_what_i_do=t(p.amber_what_i_do), red_what_i_do=t(p.red_what_i_do), contacts=contacts
    )


WRITE_IN = "_" * 22  # a space to write in by hand what the practice's settings do not give


def heading(
    person: PersonRecord, practice: PracticeSettings | None, s: pb.Styles, title: str = TITLE
) -> list[Flowable]:
    """Title, name (with the name I like to be called), NHS number, date of birth and GP practice."""
    d = person.details
    name = person_name(person)
    if d.preferred_name.strip() and d.preferred_name.strip() != d.first_name.strip():
        name += " " + t("(I like to be called {name})").format(name=d.preferred_name.strip())
    out: list[Flowable] = [Paragraph(t(title), s.title)]
    facts = [f"<b>{pb.text(name)}</b>"]
    if d.nhs_number:
        facts.append(
            f"{pb.no_break(t('NHS number:'))}\u00a0<b>{pb.no_break(format_nhs_number(d.nhs_number))}</b>"
        )
    facts.append(t("Date of birth: {date}").format(date=pb.long_date(d.date_of_birth)))
    if s.large:  # one column at 18 pt: name and NHS number, then the date of birth
        facts = [" · ".join(facts[:-1]), facts[-1]]
    out.append(Paragraph(("<br/>" if s.large else " · ").join(facts), s.body))
    # With the practice's details not set, a line to write them in by hand: a zone may say "I ring the
    # practice", and a carer at 3 a.m. must find its number on this page.
    name = practice.practice_name.strip() if practice is not None else ""
    phone = practice.in_hours_phone.strip() if practice is not None else ""
    line = f"{t('My GP practice:')} " + (f"<b>{pb.text(name)}</b>" if name else WRITE_IN)
    line += f" — <b>{pb.phone(phone)}</b>" if phone else f" — {WRITE_IN}"
    out.append(Paragraph(line, s.body))
    return out


def zone_calls(zone: Zone, plan: ContingencyData, practice: PracticeSettings | None) -> list[tuple[str, str]]:
    """(who, number) for each contact of a zone that has a number; a contact with none is not printed."""
    calls = [resolve_contact(c, practice) for c in plan.contacts if c.zone is zone]
    return [(label, phone) for label, phone in calls if phone.strip()]


# What an older plan may start a zone's words with, which the block already prints before them: the zone's
# colour ("Green —", "Green zone:") and its printed meaning ("I need help now:", which plans made from a
# template before the template dropped its repeated heading begin with). Matched at the start only.
_ZONE_PUNCT = r"\s*(?:[:.\u2014\u2013-]+\s*|$)"


def _zone_lead(zone: Zone) -> re.Pattern[str]:
    name, meaning = ZONE_LABELS[zone]
    return re.compile(
        rf"^\s*(?:{name}(?:\s+zone)?{_ZONE_PUNCT}|{re.escape(meaning)}\.?{_ZONE_PUNCT})", re.IGNORECASE
    )


def without_zone_words(zone: Zone, what: str) -> str:
    """`what` without a leading repeat of the zone's printed words ("Green: Green — I take my inhalers"
    printed as "Green: I feel well. I take my inhalers"). Words that are only the zone's words are kept."""
    lead = _zone_lead(zone)
    rest = what
    while (found := lead.match(rest)) is not None and found.end() > 0:
        rest = rest[found.end() :]
    return rest.lstrip() if rest.strip() else what


def zone_block(
    zone: Zone, plan: ContingencyData, practice: PracticeSettings | None, s: pb.Styles
) -> Flowable | None:
    """One zone in a tinted box with a coloured bar (never colour alone: the zone is named in words), as
    one paragraph: "Red: I need help now. I ring 999 if … Who I call: Emergency — 999". None for an empty
    green or amber zone; a red zone always prints."""
    what = {Zone.GREEN: plan.green_what_i_do, Zone.AMBER: plan.amber_what_i_do, Zone.RED: plan.red_what_i_do}[
        zone
    ]
    what = without_zone_words(zone, what)  # the block already says "Green: I feel well."
    calls = zone_calls(zone, plan, practice)
    if zone is not Zone.RED and not what.strip() and not calls:
        return None
    name, meaning = ZONE_LABELS[zone]
    # Easy read puts one idea on each line: the zone, what I do, "Who I call:", then each number.
    gap, between = ("<br/>", "<br/>") if s.easy_read else (" ", "; ")
    words = f"<b>{t(name)}: {t_both(meaning)}.</b>"
    if what.strip():
        words += f"{gap}{pb.typed(what)}"  # what I do, in my own words, straight after the zone's name
    size = f' size="{s.red_number:g}"' if zone is Zone.RED else ""
    numbers = [
        f"<b>{pb.typed(label)}</b> — <font{size}><b>{pb.phone(phone)}</b></font>" for label, phone in calls
    ]
    if numbers:
        words += gap + t_both("Who I call:") + gap + between.join(numbers)
    if zone is Zone.RED and "999" not in " ".join([what, *(phone for _, phone in calls)]):
        # On a line of its own, so the number before it stands alone (never "0444 If it is an ...").
        words += f"<br/><b>{t_both(RED_999)}</b>"
    inner: list[Flowable] = [Paragraph(words, s.body)]
    colour = pb.ZONE_COLOURS[zone.value]
    bar = 10 if zone is Zone.RED else 6
    table = Table([["", inner]], colWidths=[bar, None])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, 0), colour),
                ("BACKGROUND", (1, 0), (1, 0), pb.ZONE_TINTS[zone.value]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *([("BOX", (0, 0), (-1, -1), 1.5, colour)] if zone is Zone.RED else []),
            ]
        )
    )
    return table


def people_to_ring(plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles) -> list[Flowable]:
    """My coordinator (always with a number), my next of kin, carer or emergency contact, my review."""
    sh = plan.content.sharing
    out: list[Flowable] = []
    if sh.sharing.lead_coordinator_name.strip():
        lead = sh.sharing
        who = ", ".join(p for p in (lead.lead_coordinator_name, lead.lead_coordinator_role) if p.strip())
        practice_phone = practice.in_hours_phone.strip() if practice is not None else ""
        if lead.lead_coordinator_contact.strip():
            who += f" — {pb.no_break(lead.lead_coordinator_contact)}"
        elif practice_phone:  # never a contact without a number: reach them through the practice
            who += " — " + t("through my GP practice on {number}").format(number=pb.no_break(practice_phone))
        else:
            who += " — " + t("ask for them at my GP practice")
        out.append(pb.labelled(t("My named coordinator:"), who, s, fixed=True))
    for c in sh.personal_contacts:
        roles = [
            r
            for r, on in (
                (t("next of kin"), c.is_next_of_kin),
                (t("my carer"), c.is_carer),
                (t("emergency contact"), c.is_emergency_contact),
            )
            if on
        ]
        if not roles or not c.name.strip() or not c.phone.strip():
            continue
        who = ", ".join(p for p in (c.name, c.relationship_to_person) if p.strip())
        label = roles[0][0].upper() + roles[0][1:] + "".join(f", {r}" for r in roles[1:]) + ":"
        out.append(pb.labelled(label, f"{who} — {pb.no_break(c.phone)}", s, fixed=True))
    return out


def review_line(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing.sharing
    if sh.review_date is None:
        return []
    review = pb.long_date(sh.review_date)
    if sh.review_responsible_name.strip():
        review += ", " + t("with {name}").format(name=sh.review_responsible_name.strip())
    return [pb.labelled(t("We will look at this plan again by:"), review, s, fixed=True)]
