"""Parts of the person's copy after the emergency card that carry what the card has no room for: the
rest of each plan for when I get worse (the signs, what sets it off, what helps me cope, my wishes about
hospital), my other plans (a falls plan, a diet plan), and where my legal papers are kept.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t
from careplanner.services.plan_data import FutureWishesData, PlanVersion

MORE_HEADING = "More about my plans for when I get worse"


def more_about_getting_worse(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for cp in plan.content.contingency.plans:
        rows = [
            ("Signs I am getting worse:", "; ".join(x for x in cp.warning_signs if x.strip())),
            ("Things that can set it off:", "; ".join(x for x in cp.triggers if x.strip())),
            ("What helps me cope:", "; ".join(x for x in cp.coping_strategies if x.strip())),
            ("About going into hospital:", cp.admission_wishes),
        ]
        lines: list[Flowable] = [pb.labelled(label, value, s) for label, value in rows if value.strip()]
        if cp.review_date is not None:
            review = pb.long_date(cp.review_date)
            if cp.review_responsible.strip():
                review += ", " + t("with {name}").format(name=cp.review_responsible.strip())
            lines.append(pb.labelled("We will look at this part again by:", review, s, fixed=True))
        if lines:
            title = cp.name.strip() or cp.condition.strip()
            named = pb.typed(title) if title else pb.text(t("My plan"))
            out.append(KeepTogether([Paragraph(named, s.h3), *lines]))
    return [Paragraph(t(MORE_HEADING), s.h2), *out] if out else []


def other_plans(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    sh = plan.content.sharing
    out: list[Flowable] = []
    for extra in sh.additional_plans:
        if not (extra.name.strip() or extra.content.strip()):
            continue
        name = pb.typed(extra.name) if extra.name.strip() else pb.text(t("Another plan"))
        block: list[Flowable] = [Paragraph(name, s.label)]
        if extra.content.strip():
            block.append(pb.para(extra.content, s.body))
        if extra.review_date is not None:
            review = pb.long_date(extra.review_date)
            if extra.review_responsible.strip():
                review += ", " + t("with {name}").format(name=extra.review_responsible.strip())
            block.append(pb.labelled("We will look at it again by:", review, s, fixed=True))
        out.append(KeepTogether(block))
    if sh.sharing.other_documents.strip():
        out.append(pb.labelled("Other papers about my care:", sh.sharing.other_documents, s))
    return [Paragraph(t("My other plans"), s.h2), *out] if out else []


def where_papers_are(w: FutureWishesData) -> list[tuple[str, str]]:
    """(label, where) for the legal papers whose place was recorded (the advance decision's place is on
    the emergency card)."""
    rows = [
        ("Where my health and welfare power of attorney is kept:", w.lpa_health_welfare_location),
        ("Where my property and money power of attorney is kept:", w.lpa_property_finance_location),
        ("Where my advance statement is kept:", w.advance_statement_location),
    ]
    return [(label, where) for label, where in rows if where.strip()]
