"""The easy-read copy of the person's plan: the same emergency card first, then every section of the copy
with a simple picture beside its heading, in large type with room between lines.

The words are the copy's own (`person_copy.body_part`): first person, short, one item to a line. What the
clinician typed is printed as typed; the app does not rewrite it, so the clinician keeps it short when the
person needs easy read. Pictures are drawn in `pictures.py`. A person whose communication needs include
easy read gets this copy automatically (`ExportService.person_copy_pdf`).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.copy_agreement import AGREEMENT_HEADING, Replaces, declined_story
from careplanner.export.copy_language import ENGLISH, speaking, t
from careplanner.export.copy_more import MORE_HEADING
from careplanner.export.copy_overdue import overdue_banner
from careplanner.export.copy_page_one import EASY_READ_TITLE
from careplanner.export.copy_safety import ALLERGIES_HEADING
from careplanner.export.copy_sections import WHO_HEADING
from careplanner.export.person_copy import body_part, card_part
from careplanner.export.pictures import PictureHeading
from careplanner.export.plan_frame import build_frame
from careplanner.export.whole_sections import whole_sections
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion

TITLE = EASY_READ_TITLE
PICTURE_FOR = {
    "About me": "person",
    "My goals and what I will do": "target",
    "What I have achieved": "target",
    "My health conditions": "heart",
    "My medicines": "pill",
    ALLERGIES_HEADING: "warning",
    MORE_HEADING: "warning",
    "My other plans": "paper",
    "Support and services": "hands",
    "Information I was given": "paper",
    "My future wishes": "paper",
    WHO_HEADING: "phone",
    AGREEMENT_HEADING: "pen",
}
FALLBACK_PICTURE = "paper"


def _pictured(flowable: Flowable, pictures: dict[str, str]) -> Flowable:
    if isinstance(flowable, Paragraph) and flowable.style.name == "h2":
        return PictureHeading(pictures.get(flowable.getPlainText(), FALLBACK_PICTURE), flowable)
    if isinstance(flowable, KeepTogether):
        kept = KeepTogether([_pictured(f, pictures) for f in flowable._content])
        kept.starts_section = getattr(flowable, "starts_section", False)
        return kept
    return flowable


def with_pictures(story: list[Flowable]) -> list[Flowable]:
    """Every section heading (h2) with its picture beside it (headings as printed, in any language)."""
    pictures = {t(heading): picture for heading, picture in PICTURE_FOR.items()}
    return [_pictured(f, pictures) for f in story]


def _is_heading(flowable: Flowable) -> bool:
    """A section's pictured heading, alone or at the head of a block kept with it, or a block that is a
    section of its own (the agreement box)."""
    if getattr(flowable, "starts_section", False):
        return True
    if isinstance(flowable, KeepTogether):
        return bool(flowable._content) and _is_heading(flowable._content[0])
    return isinstance(flowable, PictureHeading)


def build_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    replaces: Replaces | None = None,
    printed_on: date | None = None,
) -> list[Flowable]:
    if plan.status is PlanStatus.DECLINED:
        return declined_story(person, plan, practice, s, printed_on=printed_on)
    body = with_pictures(body_part(person, plan, s, replaces=replaces, printed_on=printed_on))
    frame = build_frame(person, plan, TITLE)
    # The room a page really has: as `pdf_base.render` lays it out, less the frame's 6 pt padding each side.
    width = A4[0] - 2 * pb.PAGE_MARGIN - 12
    height = A4[1] - pb.top_room(s, frame) - pb.footer_room(s, frame) - 12
    body = whole_sections(body, width, height, _is_heading)
    return [*card_part(person, plan, practice, s, TITLE), *overdue_banner(plan, printed_on, s), *body]


def easy_read_styles() -> pb.Styles:
    """Large print (body 18 pt, nothing under 16 pt), with more room between lines."""
    s = dataclasses.replace(pb.make_styles(large=True), easy_read=True)
    for style in (s.body, s.bold, s.small):
        style.leading = style.fontSize * 1.45
        style.spaceAfter = style.fontSize * 0.5
    return s


def render_easy_read(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    *,
    printed_on: date | None = None,
    replaces: Replaces | None = None,
    language: str = ENGLISH,
) -> bytes:
    with speaking(language):
        styles = easy_read_styles()
        story = build_story(person, plan, practice, styles, replaces=replaces, printed_on=printed_on)
        return pb.render(story, build_frame(person, plan, TITLE), styles)
