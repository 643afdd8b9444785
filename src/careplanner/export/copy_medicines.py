"""My medicines, in the person's copy: the medicines I take now, and a separate box of those I have stopped.

A stopped medicine is never listed with the ones I take: it prints only inside the "Medicines I have
stopped — do not take" box, kept whole on one page, with the date it was stopped (the date the plan was
agreed, or the date a draft last changed). A new medicine is marked NEW and a changed one says what changed.

The clinician's reason for a decision (`decision_reason`) is clinical shorthand ("High ACB with
oxybutynin…") and is never printed here: the copy says what the decision means for the person, in the
clinician's person-facing words (`person_note`, "What this means for me") when given, else in fixed plain
words derived from the decision.

Standard print uses a four-column table; large print gives each medicine its own short block, because a
table at 18 pt leaves columns one word wide. Either way the list is a table whose first row names it, so a
page it runs on to starts "The medicines I take now (continued)" rather than with a bare medicine name.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from careplanner.clinical.enums import MedicineDecision
from careplanner.export import pdf_base as pb
from careplanner.export.continued_table import continued_table
from careplanner.export.copy_language import t, t_both
from careplanner.services.plan_data import MedicineData, PlanVersion

STOPPED_HEADING = "Medicines I have stopped — do not take"
NEW_MARK = "NEW"
CHANGED_MARK = "CHANGED"

# What each decision means for the person, when the clinician wrote nothing in "What this means for me".
PLAIN_MEANING = {
    MedicineDecision.START: "This is a new medicine for me.",
    MedicineDecision.CHANGE: "How I take this has changed. I take it as written here, not as before.",
    MedicineDecision.STOP: "I do not take this any more.",
}


def when_decided(plan: PlanVersion) -> str:
    """'on 22 November 2026': the date agreed, or on a draft the date it last changed."""
    # A draft has no agreed date: the date it last changed, never "today" (the paper is read later).
    when = plan.agreed_at if not plan.is_draft and plan.agreed_at else plan.last_updated or plan.created_at
    return t("on {date}").format(date=pb.long_date(when.date()))


def current_medicines(plan: PlanVersion) -> list[MedicineData]:
    """The medicines the person takes after this review (named, and not stopped)."""
    return [
        m
        for m in plan.content.medical.medicines
        if m.name.strip() and m.decision is not MedicineDecision.STOP
    ]


def stopped_medicines(plan: PlanVersion) -> list[MedicineData]:
    return [
        m for m in plan.content.medical.medicines if m.name.strip() and m.decision is MedicineDecision.STOP
    ]


def what_changed(m: MedicineData, plan: PlanVersion) -> str:
    """Paragraph markup for a new or changed medicine: the mark in bold, then what it means for me in the
    clinician's person-facing words or the plain default ('' for one that carries on as before)."""
    when = when_decided(plan)
    if m.decision is MedicineDecision.START:
        lead = f"<b>{t(NEW_MARK)}</b> — " + t("started {when}.").format(when=when)
    elif m.decision is MedicineDecision.CHANGE:
        lead = f"<b>{t(CHANGED_MARK)}</b> {when}."
    else:
        return ""
    note = pb.typed(m.person_note) if m.person_note.strip() else pb.text(t(PLAIN_MEANING[m.decision]))
    return f"{lead} {note}"


def _how(m: MedicineData) -> str:
    return ", ".join(p.strip() for p in (m.dose, m.how_taken) if p.strip())


CURRENT_HEADING = "The medicines I take now"


def _current(meds: list[MedicineData], plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    title = Paragraph(t_both(CURRENT_HEADING), s.label)
    again = Paragraph(f"{t_both(CURRENT_HEADING)} {t('(continued)')}", s.label)
    if s.large:
        rows: list[list[object]] = [[title]]
        for m in meds:
            block: list[Flowable] = [pb.para(m.name, s.label)]
            change = what_changed(m, plan)
            if change:
                block.append(Paragraph(change, s.body))
            if _how(m):
                block.append(pb.labelled(t("How I take it:"), _how(m), s))
            if m.purpose.strip():
                block.append(pb.labelled(t("What it is for:"), m.purpose, s))
            rows.append([block])  # a row is never split across pages: each medicine stays whole
        table = continued_table(rows, [again], colWidths=["100%"], repeatRows=1)
        table.tag_as_layout = True  # one medicine's words per row, not a grid of data
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
                ]
            )
        )
        return [table]
    header = [
        Paragraph(f"<b>{t(h)}</b>", s.body)
        for h in ("Medicine", "How I take it", "What it is for", "New or changed")
    ]
    rows = [[title, "", "", ""], header]
    for m in meds:
        rows.append(
            [
                pb.para(m.name, s.body),
                pb.para(_how(m), s.body),
                pb.para(m.purpose, s.body),
                Paragraph(what_changed(m, plan), s.body),
            ]
        )
    table = continued_table(rows, [again, "", "", ""], colWidths=["26%", "24%", "22%", "28%"], repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("LEFTPADDING", (0, 0), (-1, 0), 0),
                ("BACKGROUND", (0, 1), (-1, 1), pb.NHS_PALE_GREY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, pb.NHS_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [table]


def stopped_box(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    """The stopped medicines in one bordered box that is never split across pages."""
    stopped = stopped_medicines(plan)
    if not stopped:
        return []
    when = when_decided(plan)
    inner: list[Flowable] = [Paragraph(f"<b>{t_both(STOPPED_HEADING)}</b>", s.bold)]
    for m in stopped:
        note = m.person_note.strip() or t(PLAIN_MEANING[MedicineDecision.STOP])
        # Struck through as well as boxed, so a copied or photocopied line still reads as stopped.
        name = f"<strike><b>{pb.typed(m.name)}</b></strike>"
        stopped_when = t("stopped {when}.").format(when=when)
        inner.append(Paragraph(f"• {name} — {stopped_when} {pb.text(note)}", s.body))
    inner.append(
        Paragraph(
            t(
                "If I still have some at home, I take them back to my pharmacy. I do not start taking them "
                "again unless a doctor, nurse or pharmacist tells me to."
            ),
            s.body,
        )
    )
    box = Table([[inner]], colWidths=["100%"])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2 if s.large else 1.5, pb.NHS_RED),
                ("BACKGROUND", (0, 0), (-1, -1), pb.ZONE_TINTS["red"]),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [box]  # a one-cell table never splits: the box moves to the next page whole


def medicines(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    current = current_medicines(plan)
    stopped = stopped_box(plan, s)
    if not current and not stopped:
        return []
    # The stopped box comes first, straight under the heading, so "do not take" is the first thing read.
    out: list[Flowable] = [Paragraph(t("My medicines"), s.h2), *stopped]
    if current:
        out += _current(current, plan, s)
    return out
