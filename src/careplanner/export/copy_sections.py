"""The sections of the person's copy after page 1: about me, goals and actions, health conditions,
support and services, information given and who has a copy (medicines and future wishes have their own
modules). Each returns nothing when the section is empty, so a short plan prints no empty headings.
A care-team member or a person close to me is printed only with a phone number: a contact without one is
left out (the consultation flags it before the plan is agreed).
"""

from __future__ import annotations

import dataclasses

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from careplanner.clinical.enums import CarerStatus, GoalStatus, ReferralKind
from careplanner.clinical.example_numbers import example_number_in
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import (
    ActionData,
    CareTeamData,
    GoalData,
    PersonalContactData,
    PlanVersion,
)

CARER_WORDS = {
    CarerStatus.IS_A_CARER: "I look after someone else (I am a carer).",
    CarerStatus.HAS_A_CARER: "Someone looks after me (I have a carer).",
    CarerStatus.BOTH: "I look after someone else, and someone looks after me.",
}
DONE_GOAL = {
    GoalStatus.ACHIEVED: "I did it",
    GoalStatus.PARTLY_ACHIEVED: "I partly did it",
    GoalStatus.NOT_ACHIEVED: "I did not manage it",
    GoalStatus.NO_LONGER_WANTED: "I no longer want this",
}


def communication(person: PersonRecord | None) -> str:
    """The interpreter language and other communication needs typed on the person's record."""
    if person is None:
        return ""
    d = person.details
    parts = []
    if d.interpreter_language.strip():
        parts.append(t("I need an interpreter ({language}).").format(language=d.interpreter_language.strip()))
    parts += [n.detail.strip() for n in d.communication_needs if n.detail.strip()]
    if d.communication_other.strip():
        parts.append(d.communication_other.strip())
    return " ".join(parts)


def about_me(plan: PlanVersion, s: pb.Styles, person: PersonRecord | None = None) -> list[Flowable]:
    about = plan.content.about_me.about
    holistic = plan.content.holistic.review
    carer = t(CARER_WORDS.get(holistic.carer_status, ""))
    if holistic.carer_details.strip():
        carer = f"{carer} {holistic.carer_details.strip()}".strip()
    rows = [
        ("What matters to me:", about.what_matters),
        ("People who are important to me:", about.people_important),
        ("How to communicate with me:", about.how_i_communicate),
        ("What keeps me well:", about.my_wellness),
        ("Please do:", about.please_do),
        ("Please don't:", about.please_dont),
        ("How to support me:", about.how_to_support_me),
        ("Also worth knowing about me:", about.also_worth_knowing),
        ("My communication needs:", communication(person)),
        ("Caring:", carer),
    ]
    own = {communication(person), carer}  # made with the copy's own words: not marked as typed English
    out: list[Flowable] = [
        pb.labelled(label, value, s, fixed=value in own) for label, value in rows if value.strip()
    ]
    strengths = [st.text for st in plan.content.about_me.strengths if st.text.strip()]
    if strengths:
        out.append(pb.labelled("My strengths:", "; ".join(strengths), s))
    return [Paragraph(t("About me"), s.h2), *out] if out else []


def _action(action: ActionData, s: pb.Styles) -> list[Flowable]:
    """The action as a bullet; who, when and how sure I feel on lines of their own, indented under it."""
    out: list[Flowable] = [Paragraph("• " + pb.typed(action.what), s.body)]
    indent = ParagraphStyle("action", parent=s.body, leftIndent=s.body.fontSize, spaceAfter=1)
    s = dataclasses.replace(s, body=indent)
    if action.who_name.strip():
        out.append(pb.labelled("Who:", action.who_name, s))
    when = action.when.strip() or pb.long_date(action.due_on)
    if when:
        out.append(pb.labelled("When:", when, s, fixed=not action.when.strip()))
    if action.strategies.strip():
        out.append(pb.labelled("What will help me do it:", action.strategies, s))
    if action.confidence is not None:
        sure = t("How sure I feel I can do this: {score} out of 10").format(score=action.confidence)
        out.append(Paragraph(sure, s.body))
    if action.review_on is not None:
        out.append(
            pb.labelled("We will check how it is going on:", pb.long_date(action.review_on), s, fixed=True)
        )
    return out


def _goal(goal: GoalData, s: pb.Styles) -> KeepTogether:
    block: list[Flowable] = [pb.para(goal.text, s.label)]
    if goal.importance is not None:
        matters = t("How much this matters to me: {score} out of 10").format(score=goal.importance)
        block.append(Paragraph(matters, s.body))
    for action in goal.actions:
        if action.what.strip():
            block += _action(action, s)
    return KeepTogether(block)


def goals(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    named = [g for g in plan.content.goals.goals if g.text.strip()]
    current = [g for g in named if g.status is GoalStatus.ACTIVE]
    done = [g for g in named if g.status is not GoalStatus.ACTIVE]
    out: list[Flowable] = []
    if current:
        out += [Paragraph(t("My goals and what I will do"), s.h2), *(_goal(g, s) for g in current)]
    if done:
        out.append(Paragraph(t("What I have achieved"), s.h2))
        for g in done:
            line = f"<b>{pb.typed(g.text)}</b> — {t(DONE_GOAL[g.status])}"
            if g.outcome.strip():
                line += f": {pb.typed(g.outcome)}"
            if g.outcome_recorded_on is not None:
                line += f" ({pb.long_date(g.outcome_recorded_on)})"
            out.append(Paragraph("• " + line, s.body))
    return out


def conditions(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    current = [c for c in plan.content.medical.conditions if not c.is_history]
    names = [c.plain_name.strip() or c.term.strip() for c in current]
    names = [n for n in names if n]
    return [Paragraph(t("My health conditions"), s.h2), *pb.bullets(names, s)] if names else []


def support(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for r in plan.content.goals.referrals:
        if not r.service.strip():
            continue
        lead = t("I was referred to") if r.kind is ReferralKind.REFERRAL else t("I was told about")
        line = f"{lead} <b>{pb.typed(r.service)}</b>"
        if r.reason.strip():
            line += f" — {pb.typed(r.reason)}"
        if example_number_in(r.contact):  # the shipped directory's example number: never printed as real
            line += f". {t('Contact:')} {t('not written down — ask my GP practice')}"
        elif r.contact.strip():
            line += f". {t('Contact:')} {pb.phone(r.contact)}"
        out.append(Paragraph("• " + line, s.body))
    return [Paragraph(t("Support and services"), s.h2), *out] if out else []


def information(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    lines = [
        i.title + (f" ({i.source})" if i.source.strip() else "")
        for i in plan.content.goals.information_given
        if i.title.strip()
    ]
    return [Paragraph(t("Information I was given"), s.h2), *pb.bullets(lines, s)] if lines else []


def who_has_a_copy(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing
    out: list[Flowable] = []
    if sh.sharing.copies_given_to.strip():
        out.append(pb.labelled("Copies of this plan:", sh.sharing.copies_given_to, s))
    if sh.sharing.consent_to_share is True and sh.sharing.consent_shared_with.strip():
        out.append(pb.labelled("I agreed my plan can be shared with:", sh.sharing.consent_shared_with, s))
    elif sh.sharing.consent_to_share is False:
        out.append(Paragraph(t("I did not agree to share this plan with other services."), s.body))
    team = [_team_line(m) for m in sh.care_team if (m.name.strip() or m.role.strip()) and m.phone.strip()]
    if team:
        out.append(Paragraph(t("My care team"), s.label))
        out += [Paragraph("• " + line, s.body) for line in team]
    people = [_person_line(c) for c in sh.personal_contacts if c.name.strip() and c.phone.strip()]
    if people:
        out.append(Paragraph(t("People close to me"), s.label))
        out += [Paragraph("• " + line, s.body) for line in people]
    return [Paragraph(t(WHO_HEADING), s.h2), *out] if out else []


WHO_HEADING = "Who is involved in my care"


def _team_line(m: CareTeamData) -> str:
    """Paragraph markup: what was typed is marked as English; "(my key worker)" is the copy's own."""
    line = pb.typed(", ".join(p for p in (m.name, m.role, m.speciality, m.team, m.organisation) if p.strip()))
    if m.is_key_worker:
        line += " " + pb.text(t("(my key worker)"))
    line += f" — {pb.phone(m.phone)}"
    return line + (f", {pb.text(m.email)}" if m.email.strip() else "")


def _person_line(c: PersonalContactData) -> str:
    flags = [
        word
        for word, on in (
            (t("next of kin"), c.is_next_of_kin),
            (t("my carer"), c.is_carer),
            (t("emergency contact"), c.is_emergency_contact),
            (t("can decide for me (power of attorney)"), c.is_lpa_holder),
        )
        if on
    ]
    line = pb.typed(", ".join(p for p in (c.name, c.relationship_to_person) if p.strip()))
    if flags:
        line += f" ({pb.text('; '.join(flags))})"
    line += f" — {pb.phone(c.phone)}"
    if c.email.strip():
        line += f", {pb.text(c.email)}"
    if c.comments.strip():
        line += f". {pb.typed(c.comments)}"
    return line
