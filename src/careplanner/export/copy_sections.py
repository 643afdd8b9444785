"""The sections of the person's copy after page 1: about me, goals and actions, health conditions,
support and services, information given and who has a copy (medicines and future wishes have their own
modules). Each returns nothing when the section is empty, so a short plan prints no empty headings.
A care-team member or a person close to me is printed only with a phone number: a contact without one is
left out (the consultation flags it before the plan is agreed).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from careplanner.clinical.enums import ReferralKind
from careplanner.export import pdf_base as pb
from careplanner.services.plan_data import PlanVersion


def about_me(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
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


def goals(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    goals = [g for g in plan.content.goals.goals if g.text.strip()]
    if not goals:
        return []
    out: list[Flowable] = [Paragraph("My goals and what I will do", s.h2)]
    for goal in goals:
        block: list[Flowable] = [pb.para(goal.text, s.label)]
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


def conditions(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    current = [c for c in plan.content.medical.conditions if not c.is_history]
    names = [c.plain_name.strip() or c.term.strip() for c in current]
    names = [n for n in names if n]
    return [Paragraph("My health conditions", s.h2), *pb.bullets(names, s)] if names else []


def support(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
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


def information(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    lines = [
        i.title + (f" ({i.source})" if i.source.strip() else "")
        for i in plan.content.goals.information_given
        if i.title.strip()
    ]
    return [Paragraph("Information I was given", s.h2), *pb.bullets(lines, s)] if lines else []


def who_has_a_copy(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing
    out: list[Flowable] = []
    if sh.sharing.copies_given_to.strip():
        out.append(pb.labelled("Copies of this plan:", sh.sharing.copies_given_to, s))
    if sh.sharing.consent_to_share is True and sh.sharing.consent_shared_with.strip():
        out.append(pb.labelled("I agreed my plan can be shared with:", sh.sharing.consent_shared_with, s))
    elif sh.sharing.consent_to_share is False:
        out.append(Paragraph("I did not agree to share this plan with other services.", s.body))
    team = [
        ", ".join(p for p in (m.name, m.role, m.organisation) if p.strip()) + f" — {pb.no_break(m.phone)}"
        for m in sh.care_team
        if (m.name.strip() or m.role.strip()) and m.phone.strip()
    ]
    if team:
        out.append(Paragraph("My care team", s.label))
        out += pb.bullets(team, s)
    people = [
        ", ".join(p for p in (c.name, c.relationship_to_person) if p.strip()) + f" — {pb.no_break(c.phone)}"
        for c in sh.personal_contacts
        if c.name.strip() and c.phone.strip()
    ]
    if people:
        out.append(Paragraph("People close to me", s.label))
        out += pb.bullets(people, s)
    return [Paragraph("Who has a copy", s.h2), *out] if out else []
