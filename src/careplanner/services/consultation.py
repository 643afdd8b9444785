"""The check list shown before a plan is agreed: gaps a careful clinician looks for, each pointing at
the field that would fix it. It lives in services (not the UI) so exports and tests reach the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careplanner.clinical.enums import CprDecision
from careplanner.services.plan_data import PlanContent

_EMERGENCY_WORDS = ("999", "ambulance", "a&e", "accident and emergency")
_OUT_OF_HOURS_WORDS = ("111", "out of hours", "out-of-hours", "ooh")


@dataclass(frozen=True)
class ChecklistItem:
    """One thing worth a second look before the plan is agreed, and where to fix it.

    `step` is a SECTION_TYPES key, `field` the field (or list) to go to, `index` the list item if any.
    """

    message: str
    step: str
    field: str
    index: int | None = None


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.casefold()
    return any(w in lowered for w in words)


def plan_checklist(content: PlanContent, today: date) -> list[ChecklistItem]:
    """The gaps a careful clinician checks for before agreeing; none of them blocks agreement."""
    items: list[ChecklistItem] = []
    for i, goal in enumerate(content.goals.goals):
        if goal.text.strip() and not goal.actions:
            items.append(
                ChecklistItem(f'The goal "{goal.text.strip()[:60]}" has no actions yet.', "goals", "goals", i)
            )
    wishes = content.future_wishes.wishes
    if wishes.cpr_decision is not CprDecision.NOT_DISCUSSED:
        if wishes.cpr_review_date is None:
            items.append(
                ChecklistItem("The CPR decision has no review date.", "future_wishes", "cpr_review_date")
            )
        if not wishes.cpr_form_location.strip():
            items.append(
                ChecklistItem(
                    "The CPR decision does not say where the form is kept.",
                    "future_wishes",
                    "cpr_form_location",
                )
            )
    plans = content.contingency.plans
    for i, plan in enumerate(plans):
        red = " ".join([plan.red_what_i_do, *(c.phone + " " + c.role_key for c in plan.contacts)])
        if plan.avoid_hospital_admission and _mentions(red, _EMERGENCY_WORDS):
            items.append(
                ChecklistItem(
                    f'"{plan.name or plan.condition or "A plan"}" says to call 999, but the person '
                    "wishes to avoid hospital admission. Check these agree.",
                    "contingency",
                    "plans",
                    i,
                )
            )
    if plans and not any(
        _mentions(
            " ".join(
                [
                    p.amber_what_i_do,
                    p.red_what_i_do,
                    *(c.role_key + " " + c.role + " " + c.phone for c in p.contacts),
                ]
            ),
            _OUT_OF_HOURS_WORDS,
        )
        for p in plans
    ):
        items.append(
            ChecklistItem(
                "No contact is given for when the practice is closed (out of hours or NHS 111).",
                "contingency",
                "plans",
                0,
            )
        )
    review = content.sharing.sharing.review_date
    if review is None:
        items.append(ChecklistItem("There is no review date yet.", "sharing", "review_date"))
    elif review < today:
        items.append(ChecklistItem("The review date is in the past.", "sharing", "review_date"))
    return items
