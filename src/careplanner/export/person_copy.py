""" "My care and support plan": the person's own copy, in the first person and plain English.

Page 1 is the emergency card (`emergency_card`): who I am, my allergies, "If I get worse" (red, then
amber, then green for each plan, who I call with the number), the decisions made for an emergency, my
coordinator and next of kin with their numbers, and the page my medicines are on. The rest follows in
the order of the conversation (`copy_sections`, `copy_medicines`, `copy_more`, `copy_future_wishes`) and
ends with the agreement box (`copy_agreement`): who I made the plan with, who helped, room to sign, and
which version this replaces. Standard print is Clear Print (12 pt body, 10 pt footers); the large-print
variant uses the same words in one column at 18 pt (nothing under 16 pt). A draft carries a red band, a
diagonal "DRAFT — NOT AGREED" on every page and says so in its agreement box; a copy a later version
replaced carries "REPLACED by version N — not my current plan" the same way (`plan_frame`), in English
too on a Welsh copy, and its box says to throw it away. A declined plan prints a one-page record instead.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import copy_more, copy_sections
from careplanner.export import pdf_base as pb
from careplanner.export.copy_agreement import Replaces, agreement_box, declined_story
from careplanner.export.copy_future_wishes import future_wishes
from careplanner.export.copy_language import ENGLISH, speaking
from careplanner.export.copy_medicines import current_medicines, medicines, stopped_medicines
from careplanner.export.copy_overdue import overdue_banner
from careplanner.export.copy_page_one import TITLE
from careplanner.export.emergency_card import CONDITIONS_ANCHOR, MEDICINES_ANCHOR, card_story
from careplanner.export.page_refs import PageAnchor
from careplanner.export.plan_frame import build_frame
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

__all__ = ["TITLE", "Replaces", "body_part", "build_story", "card_part", "render_person_copy"]


def build_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    replaces: Replaces | None = None,
    printed_on: date | None = None,
    title: str = TITLE,
) -> list[Flowable]:
    """Every section of the person's copy: the emergency card, then the order of the conversation."""
    if plan.status is PlanStatus.DECLINED:
        return declined_story(person, plan, practice, s, printed_on=printed_on)
    return [
        *card_part(person, plan, practice, s, title),
        # At the head of the plan, after the card: the card's own paging leaves no room above it.
        *overdue_banner(plan, printed_on, s),
        *body_part(person, plan, s, replaces=replaces, printed_on=printed_on),
    ]


def card_part(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    title: str = TITLE,
) -> list[Flowable]:
    """Page 1: the emergency card, pointing at the page the medicines are on."""
    has_medicines = bool(current_medicines(plan) or stopped_medicines(plan))
    frame = build_frame(person, plan, title)
    return card_story(person, plan, practice, s, frame, standalone=False, medicines_on_page=has_medicines)


def body_part(
    person: PersonRecord,
    plan: PlanVersion,
    s: pb.Styles,
    *,
    replaces: Replaces | None = None,
    printed_on: date | None = None,
) -> list[Flowable]:
    """After the card, in the order of the conversation, ending with the agreement box."""
    meds = medicines(plan, s)
    if meds:
        meds = [PageAnchor(MEDICINES_ANCHOR), *meds]
    conditions = copy_sections.conditions(plan, s)
    if conditions:  # the card points here when it has no room for my conditions
        conditions = [PageAnchor(CONDITIONS_ANCHOR), *conditions]
    return [
        *copy_sections.about_me(plan, s, person),
        *copy_sections.goals(plan, s),
        *conditions,
        *meds,
        *copy_more.more_about_getting_worse(plan, s),
        *copy_more.other_plans(plan, s),
        *copy_sections.support(plan, s),
        *copy_sections.information(plan, s),
        *future_wishes(plan.content.future_wishes.wishes, s),
        *copy_sections.who_has_a_copy(plan, s),
        *agreement_box(plan, s, replaces=replaces, printed_on=printed_on),
    ]


def render_person_copy(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    *,
    large_print: bool | None = None,
    printed_on: date | None = None,
    replaces: Replaces | None = None,
    language: str = ENGLISH,
) -> bytes:
    """The person's copy as PDF bytes. `large_print=None` follows the person's communication needs;
    `language` is the language of its fixed words (`copy_language`)."""
    large = person.wants_large_print if large_print is None else large_print
    with speaking(language):
        styles = pb.make_styles(large=large, clear_print=not large)
        story = build_story(person, plan, practice, styles, replaces=replaces, printed_on=printed_on)
        return pb.render(story, build_frame(person, plan, TITLE), styles)
