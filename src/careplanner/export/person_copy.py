""" "My care and support plan": the person's own copy, in the first person and plain English.

Page 1 carries what the person needs in a hurry (`copy_page_one`): who they are, what matters to them,
their allergies (`copy_safety`: always, or a plain statement that none are known or none were recorded),
what to do and who to ring if they get worse (with the practice's real numbers) followed by the decisions
made for an emergency (CPR and where the form is, ceiling of treatment, avoiding hospital, where the advance
decision is kept), their coordinator and review date. The rest follows in the order of the conversation
(`copy_sections`, `copy_medicines`, `copy_future_wishes`). The large-print variant uses the same words in
one column at 18 pt (nothing under 16 pt), because people who need large print need all of it. At 18 pt
page 1 holds who they are, what matters, allergies, the coordinator and review date, and "If I get worse"
follows whole on the next page.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, PageBreak, Paragraph

from careplanner.clinical.practice import PracticeSettings
from careplanner.export import copy_page_one, copy_safety, copy_sections
from careplanner.export import pdf_base as pb
from careplanner.export.copy_future_wishes import future_wishes
from careplanner.export.copy_medicines import medicines
from careplanner.export.copy_page_one import TITLE
from careplanner.export.plan_frame import build_frame
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

__all__ = ["TITLE", "build_story", "render_person_copy"]


def build_story(
    person: PersonRecord, plan: PlanVersion, practice: PracticeSettings | None, s: pb.Styles
) -> list[Flowable]:
    """Every section of the person's copy, in the order of the conversation."""
    first = copy_page_one.heading(person, plan, practice, s) + copy_safety.allergies(plan, s)
    worse = copy_page_one.if_i_get_worse(plan, practice, s)
    coordinator = copy_page_one.coordinator(plan, practice, s)
    # At 18 pt the first page cannot hold everything, so large print puts the coordinator and review
    # date on page 1 and gives "If I get worse" the next page whole, rather than splitting the zones.
    if not s.large:
        first += [*worse, *coordinator]
    elif worse:
        pointer = Paragraph("What I do and who I call if I get worse is on the next page.", s.bold)
        first += [*coordinator, pointer, PageBreak(), *worse]
    else:
        first += coordinator
    return [
        *first,
        *copy_sections.about_me(plan, s),
        *copy_sections.goals(plan, s),
        *copy_sections.conditions(plan, s),
        *medicines(plan, s),
        *copy_sections.support(plan, s),
        *copy_sections.information(plan, s),
        *future_wishes(plan.content.future_wishes.wishes, s),
        *copy_sections.who_has_a_copy(plan, s),
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
    return pb.render(story, build_frame(person, plan, TITLE), styles)
