"""A copy printed after the plan's review date says so at the head of the plan, straight after the card.

A carer or paramedic trusts what the paper says. A plan printed months after it was due to be looked at
again may no longer be right (a medicine stopped since, a decision changed), so its first page says that
the review date has passed and to ask the practice, in the copy's language and in English.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t_both
from careplanner.export.plan_frame import is_replaced
from careplanner.services.plan_data import PlanVersion

OVERDUE = "This plan was due to be looked at again by {date}. I ask my GP practice whether it is still right."


def review_overdue(plan: PlanVersion, printed_on: date | None) -> date | None:
    """The review date that has passed by `printed_on`, for an agreed plan still current; else None."""
    if printed_on is None or plan.is_draft or plan.version_number is None or is_replaced(plan):
        return None
    review = plan.content.sharing.sharing.review_date
    return review if review is not None and review < printed_on else None


def overdue_banner(plan: PlanVersion, printed_on: date | None, s: pb.Styles) -> list[Flowable]:
    """An amber box heading the plan when the review date has passed; [] otherwise."""
    due = review_overdue(plan, printed_on)
    if due is None:
        return []
    words = t_both(OVERDUE).format(date=pb.long_date(due))
    box = Table([[Paragraph(f"<b>{pb.text(words)}</b>", s.body)]], colWidths=["100%"])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, pb.NHS_AMBER),
                ("BACKGROUND", (0, 0), (-1, -1), pb.ZONE_TINTS["amber"]),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [box, Spacer(1, 4)]
