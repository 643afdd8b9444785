"""My medicines, in the person's copy: what each is for, with the changes agreed today listed first.

Standard print uses a four-column table; large print gives each medicine its own short block, because a
table at 18 pt leaves columns one word wide.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.enums import MedicineDecision
from careplanner.export import pdf_base as pb
from careplanner.services.plan_data import MedicineData, PlanVersion

DECISION_WORDS = {
    MedicineDecision.CHANGE: "Changed today",
    MedicineDecision.STOP: "Stopped today",
    MedicineDecision.START: "Started today",
}


def medicine_change(m: MedicineData) -> str:
    words = DECISION_WORDS.get(m.decision, "")
    if words and m.decision_reason.strip():
        words += f": {m.decision_reason.strip()}"
    return words


def medicines(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    meds = [m for m in plan.content.medical.medicines if m.name.strip()]
    if not meds:
        return []
    out: list[Flowable] = [Paragraph("My medicines", s.h2)]
    changes = [m for m in meds if m.decision in DECISION_WORDS]
    if changes:
        out.append(Paragraph("Changes we agreed today", s.label))
        out += pb.bullets((f"{m.name} — {medicine_change(m)}" for m in changes), s)
    if s.large:
        for m in meds:
            block: list[Flowable] = [pb.para(m.name, s.label)]
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
                pb.para(medicine_change(m), s.body),
            ]
        )
    table = Table(rows, colWidths=["26%", "24%", "24%", "26%"], repeatRows=1)
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
