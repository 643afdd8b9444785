""" "My care and support plan": the person's own copy, in the first person and plain English.

Page 1 carries what the person needs in a hurry: who they are, what matters to them, what to do and
who to ring if they get worse (with the practice's real numbers), their coordinator and review date.
The rest follows in the order of the conversation. The large-print variant uses the same words in one
column at 18 pt (nothing under 16 pt), because people who need large print need all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.enums import (
    CprDecision,
    MedicineDecision,
    ReferralKind,
    Zone,
)
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.contacts import resolve_contact
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import (
    ContingencyData,
    FutureWishesData,
    MedicineData,
    PlanVersion,
)

TITLE = "My care and support plan"

ZONE_LABELS = {
    Zone.GREEN: ("Green", "I feel well"),
    Zone.AMBER: ("Amber", "I am getting worse"),
    Zone.RED: ("Red", "I need help now"),
}
DECISION_WORDS = {
    MedicineDecision.CHANGE: "Changed today",
    MedicineDecision.STOP: "Stopped today",
    MedicineDecision.START: "Started today",
}


def _nb(number: str) -> str:
    """Plain text with no-break spaces, so a phone number is never split over two lines."""
    return number.strip().replace(" ", "\u00a0")


def person_name(person: PersonRecord) -> str:
    d = person.details
    return " ".join(p for p in (d.first_name, d.family_name) if p)


def who_line(person: PersonRecord) -> str:
    nhs = person.details.nhs_number
    return person_name(person) + (f" · NHS number {format_nhs_number(nhs)}" if nhs else "")


def status_line(plan: PlanVersion) -> str:
    if plan.is_draft:
        return pb.DRAFT_TEXT
    agreed = plan.agreed_at.date() if plan.agreed_at else None
    return f"Agreed {pb.long_date(agreed)} · Version {plan.version_number or 1}"


def build_frame(person: PersonRecord, plan: PlanVersion, title: str = TITLE) -> pb.Frame:
    return pb.Frame(title=title, who=who_line(person), status_line=status_line(plan), draft=plan.is_draft)


def _items(values: Iterable[str], s: pb.Styles) -> list[Flowable]:
    return [Paragraph("• " + pb.text(v), s.body) for v in values if v.strip()]


def _zone_block(
    zone: Zone, what: str, plan: ContingencyData, practice: PracticeSettings | None, s: pb.Styles
) -> Flowable:
    name, meaning = ZONE_LABELS[zone]
    inner: list[Flowable] = [Paragraph(f"<b>{name}: {meaning}</b>", s.body)]
    if what.strip():
        inner.append(pb.labelled("What I do:", what, s))
    for contact in plan.contacts:
        if contact.zone is zone:
            label, phone = resolve_contact(contact, practice)
            inner.append(Paragraph(f"Who I call: <b>{pb.text(label)}</b> — <b>{pb.phone(phone)}</b>", s.body))
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


def _if_i_get_worse(plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles) -> list[Flowable]:
    plans = plan.content.contingency.plans
    if not plans:
        return []
    out: list[Flowable] = [Paragraph("If I get worse", s.h2)]
    for cp in plans:
        block: list[Flowable] = []
        if cp.name.strip():
            block.append(pb.para(cp.name, s.h3))
        if cp.warning_signs:
            block.append(pb.labelled("Signs I am getting worse:", "; ".join(cp.warning_signs), s))
        if cp.triggers:
            block.append(pb.labelled("Things that can set it off:", "; ".join(cp.triggers), s))
        out.append(KeepTogether(block))
        zones = (
            (Zone.GREEN, cp.green_what_i_do),
            (Zone.AMBER, cp.amber_what_i_do),
            (Zone.RED, cp.red_what_i_do),
        )
        for zone, what in zones:
            if what.strip() or any(c.zone is zone for c in cp.contacts):
                out.append(_zone_block(zone, what, cp, practice, s))
                out.append(pb.spacer(s, 0.5))
        if cp.anticipatory_medicines:
            out.append(
                pb.labelled(
                    "Medicines and equipment kept for when I get worse:",
                    "; ".join(cp.anticipatory_medicines),
                    s,
                )
            )
        if cp.admission_wishes.strip():
            out.append(pb.labelled("About going into hospital:", cp.admission_wishes, s))
    return out


def _coordinator(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing.sharing
    out: list[Flowable] = []
    if sh.lead_coordinator_name.strip():
        who = ", ".join(p for p in (sh.lead_coordinator_name, sh.lead_coordinator_role) if p.strip())
        if sh.lead_coordinator_contact.strip():
            who += f" — {_nb(sh.lead_coordinator_contact)}"
        out.append(pb.labelled("My named coordinator:", who, s))
    if sh.review_date is not None:
        review = pb.long_date(sh.review_date)
        if sh.review_responsible_name.strip():
            review += f", with {sh.review_responsible_name.strip()}"
        out.append(pb.labelled("We will look at this plan again by:", review, s))
    return ([Paragraph("Who coordinates my care", s.h2), *out]) if out else []


def _about_me(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    about = plan.content.about_me.about
    rows = [
        ("People who are important to me:", about.people_important),
        ("How to communicate with me:", about.how_i_communicate),
        ("What keeps me well:", about.my_wellness),
        ("Please do:", about.please_do),
        ("Please don't:", about.please_dont),
        ("How to support me:", about.how_to_support_me),
        ("Also worth knowing about me:", about.also_worth_knowing),
    ]
    out: list[Flowable] = [pb.labelled(label, value, s) for label, value in rows if value.strip()]
    strengths = [st.text for st in plan.content.about_me.strengths if st.text.strip()]
    if strengths:
        out.append(pb.labelled("My strengths:", "; ".join(strengths), s))
    return [Paragraph("About me", s.h2), *out] if out else []


def _goals(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    goals = [g for g in plan.content.goals.goals if g.text.strip()]
    if not goals:
        return []
    out: list[Flowable] = [Paragraph("My goals and what I will do", s.h2)]
    for goal in goals:
        block: list[Flowable] = [pb.para(goal.text, s.bold)]
        for action in goal.actions:
            if not action.what.strip():
                continue
            parts = [pb.text(action.what)]
            if action.who_name.strip():
                parts.append(f"Who: {pb.text(action.who_name)}")
            when = action.when.strip() or pb.long_date(action.due_on)
            if when:
                parts.append(f"When: {pb.text(when)}")
            block.append(Paragraph("• " + " — ".join(parts), s.body))
            if action.confidence is not None:
                block.append(
                    Paragraph(f"How sure I feel I can do this: {action.confidence} out of 10", s.body)
                )
        out.append(KeepTogether(block))
    return out


def _medicine_change(m: MedicineData) -> str:
    words = DECISION_WORDS.get(m.decision, "")
    if words and m.decision_reason.strip():
        words += f": {m.decision_reason.strip()}"
    return words


def _medicines(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    meds = [m for m in plan.content.medical.medicines if m.name.strip()]
    if not meds:
        return []
    out: list[Flowable] = [Paragraph("My medicines", s.h2)]
    changes = [m for m in meds if m.decision in DECISION_WORDS]
    if changes:
        out.append(Paragraph("<b>Changes we agreed today</b>", s.body))
        out += _items((f"{m.name} — {_medicine_change(m)}" for m in changes), s)
    if s.large:
        for m in meds:
            block: list[Flowable] = [pb.para(m.name, s.bold)]
            how = ", ".join(p for p in (m.dose, m.how_taken) if p.strip())
            if how:
                block.append(pb.labelled("How I take it:", how, s))
            if m.purpose.strip():
                block.append(pb.labelled("What it is for:", m.purpose, s))
            out.append(KeepTogether(block))
        return out
    header = [
        Paragraph(f"<b>{h}</b>", s.body)
        for h in ("Medicine", "How I take it", "What it is for", "Change today")
    ]
    rows: list[list[object]] = [header]
    for m in meds:
        how = ", ".join(p for p in (m.dose, m.how_taken) if p.strip())
        rows.append(
            [
                pb.para(m.name, s.body),
                pb.para(how, s.body),
                pb.para(m.purpose, s.body),
                pb.para(_medicine_change(m), s.body),
            ]
        )
    table = Table(rows, colWidths=["30%", "26%", "26%", "18%"], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), pb.NHS_PALE_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, pb.NHS_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    out.append(table)
    return out


def _conditions(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    names = [c.plain_name.strip() or c.term.strip() for c in plan.content.medical.conditions]
    names = [n for n in names if n]
    return [Paragraph("My health conditions", s.h2), *_items(names, s)] if names else []


def _support(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for r in plan.content.goals.referrals:
        if not r.service.strip():
            continue
        lead = "I was referred to" if r.kind is ReferralKind.REFERRAL else "I was told about"
        line = f"{lead} <b>{pb.text(r.service)}</b>"
        if r.reason.strip():
            line += f" — {pb.text(r.reason)}"
        if r.contact.strip():
            line += f". Contact: {pb.phone(r.contact)}"
        out.append(Paragraph("• " + line, s.body))
    return [Paragraph("Support and services", s.h2), *out] if out else []


def _information(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    lines = [
        i.title + (f" ({i.source})" if i.source.strip() else "")
        for i in plan.content.goals.information_given
        if i.title.strip()
    ]
    return [Paragraph("Information I was given", s.h2), *_items(lines, s)] if lines else []


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _future_wishes(w: FutureWishesData, s: pb.Styles) -> list[Flowable]:
    if not w.wishes_to_discuss:
        return []
    cpr = {
        CprDecision.FOR_CPR: "If my heart or breathing stops, I want CPR (resuscitation) to be tried.",
        CprDecision.NOT_FOR_CPR: "If my heart or breathing stops, CPR (resuscitation) should not be tried.",
        CprDecision.NOT_DISCUSSED: "",
    }[w.cpr_decision]
    if cpr and w.cpr_decision_date:
        cpr += f" Decided on {pb.long_date(w.cpr_decision_date)}" + (
            f" by {w.cpr_decision_by.strip()}." if w.cpr_decision_by.strip() else "."
        )
    lpa = ""
    if w.lpa_health_welfare_exists:
        lpa = f"Health and welfare: {w.lpa_health_welfare_name.strip() or 'yes'}"
    if w.lpa_property_finance_exists:
        lpa += ("; " if lpa else "") + f"Property and money: {w.lpa_property_finance_name.strip() or 'yes'}"
    rows = [
        ("Where I would like to be cared for:", w.preferred_place_of_care),
        ("Where I would like to be when I die:", w.preferred_place_of_death),
        ("Resuscitation (CPR):", cpr),
        ("Where my CPR or ReSPECT form is kept:", w.cpr_form_location or w.respect_form_location),
        ("People who can decide for me (lasting power of attorney):", lpa),
        ("My advance decision to refuse treatment:", w.adrt_summary),
        ("My advance statement:", w.advance_statement_summary),
        ("Organ donation:", w.organ_donation),
        ("People to tell:", w.people_to_inform),
        ("What matters to me spiritually:", w.spiritual_needs),
        ("Other wishes:", w.other_wishes),
    ]
    out = [pb.labelled(label, value, s) for label, value in rows if value.strip()]
    return [Paragraph("My future wishes", s.h2), *out] if out else []


def _who_has_a_copy(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing
    out: list[Flowable] = []
    if sh.sharing.copies_given_to.strip():
        out.append(pb.labelled("Copies of this plan:", sh.sharing.copies_given_to, s))
    if sh.sharing.consent_to_share is True and sh.sharing.consent_shared_with.strip():
        out.append(pb.labelled("I agreed my plan can be shared with:", sh.sharing.consent_shared_with, s))
    elif sh.sharing.consent_to_share is False:
        out.append(Paragraph("I did not agree to share this plan with other services.", s.body))
    team = [
        ", ".join(p for p in (m.name, m.role, m.organisation) if p.strip())
        + (f" — {_nb(m.phone)}" if m.phone.strip() else "")
        for m in sh.care_team
        if m.name.strip() or m.role.strip()
    ]
    if team:
        out.append(Paragraph("<b>My care team</b>", s.body))
        out += _items(team, s)
    people = [
        ", ".join(p for p in (c.name, c.relationship_to_person) if p.strip())
        + (f" — {_nb(c.phone)}" if c.phone.strip() else "")
        for c in sh.personal_contacts
        if c.name.strip()
    ]
    if people:
        out.append(Paragraph("<b>People close to me</b>", s.body))
        out += _items(people, s)
    return [Paragraph("Who has a copy", s.h2), *out] if out else []


def _heading(
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


def build_story(
    person: PersonRecord, plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles
) -> list[Flowable]:
    """Every section of the person's copy, in the order of the conversation."""
    return [
        *_heading(person, plan, practice, s),
        *_if_i_get_worse(plan, practice, s),
        *_coordinator(plan, s),
        *_about_me(plan, s),
        *_goals(plan, s),
        *_conditions(plan, s),
        *_medicines(plan, s),
        *_support(plan, s),
        *_information(plan, s),
        *_future_wishes(plan.content.future_wishes.wishes, s),
        *_who_has_a_copy(plan, s),
    ]


def render_person_copy(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    *,
    large_print: bool | None = None,
    printed_on: date | None = None,
) -> bytes:
    """The person's copy as PDF bytes. `large_print=None` follows the person's communication needs."""
    large = person.wants_large_print if large_print is None else large_print
    styles = pb.make_styles(large=large)
    story = build_story(person, plan, practice, styles)
    if printed_on is not None:
        story.append(Paragraph(f"Printed on {pb.long_date(printed_on)}", styles.small))
    return pb.render(story, build_frame(person, plan), styles)
