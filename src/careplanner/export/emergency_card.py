"""The emergency card: page 1 of the person's copy, and a document of its own for the fridge or wallet.

It is what a person, their carer or a paramedic at 3 a.m. reads first: who I am; my allergies; "If I
get worse" with red, then amber, then green for each of my plans, what I do and who I call with the
number; the decisions made for an emergency (CPR and where the form is, how far treatment should go,
whether I wish to avoid hospital and for which plan, where my advance decision is kept); my coordinator,
next of kin or carer with their numbers; and the page my medicines are on.

Fit rules: the card is made of blocks that never split (a zone, a block of decisions). In standard print
it fills page 1; in large print it takes at most two pages, the first filled before the second starts,
with "Continued on the next page" at the foot of the first and "(continued)" headings on the second.
When the card leaves less than a third of its last page free, the rest of the plan starts on a new page,
so the card can be cut out or copied on its own; otherwise the rest follows it, and page 1 is never left
half empty.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import ENGLISH, speaking, t
from careplanner.export.copy_page_one import (
    ZONE_ORDER,
    fallback_plan,
    heading,
    people_to_ring,
    zone_block,
)
from careplanner.export.copy_safety import allergies, emergency_decisions
from careplanner.export.page_refs import PageRef
from careplanner.export.plan_frame import build_frame
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ContingencyData, PlanVersion

CARD_TITLE = "My emergency card"
WORSE = "If I get worse"
CONTINUED_BELOW = "Continued on the next page."
MEDICINES_ANCHOR = "medicines"
WHO_HEADING = "Who coordinates my care"


@dataclass(frozen=True)
class Block:
    """A piece of the card that is never split; `plan` names the contingency plan it belongs to, so a
    plan that runs on to the next page gets its name again with "(continued)"."""

    flowables: tuple[Flowable, ...]
    plan: str = ""
    heads: int = 0  # how many leading flowables are headings that must not end a page
    opens_worse: bool = False  # starts with the "If I get worse" heading itself


def _plan_blocks(
    cp: ContingencyData, practice: PracticeSettings | None, s: pb.Styles, named: bool
) -> list[Block]:
    title = cp.name.strip() or cp.condition.strip()
    blocks: list[Block] = []
    for zone in ZONE_ORDER:
        box = zone_block(zone, cp, practice, s)
        if box is not None:
            blocks.append(Block((box, Spacer(1, 1.5)), title))
    if cp.anticipatory_medicines:
        kept = pb.labelled(t("My rescue medicines and equipment:"), "; ".join(cp.anticipatory_medicines), s)
        blocks.append(Block((kept,), title))
    if named and title and blocks:
        first = blocks[0]
        blocks[0] = Block((pb.para(title, s.h3), *first.flowables), title, heads=1)
    return blocks


def card_styles(s: pb.Styles) -> pb.Styles:
    """The card's styles: the same sizes (12 pt body in standard print, 18 pt in large print) set closer,
    with less room between lines and paragraphs, so three plans fit one page in standard print."""

    line = 1.12 if s.large else 1.16

    def tight(style: ParagraphStyle, before: float = 0.0, after: float = 0.0) -> ParagraphStyle:
        size = float(style.fontSize)
        return ParagraphStyle(
            f"card-{style.name}", parent=style, leading=size * line, spaceBefore=before, spaceAfter=after
        )

    base = float(s.body.fontSize)
    return dataclasses.replace(
        s,
        title=tight(s.title, after=2),
        body=tight(s.body),
        bold=tight(s.bold),
        h2=tight(s.h2, before=base * 0.3, after=1),
        h3=tight(s.h3, before=base * 0.1, after=0),
    )


def card_blocks(
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    medicines_on_page: bool,
) -> list[Block]:
    """Allergies, If I get worse (red, amber, green per plan), decisions, who to ring: in that order."""
    blocks = [Block(tuple(allergies(plan, s, compact=True)))]
    plans = plan.content.contingency.plans or (fallback_plan(),)
    named = len(plans) > 1 or bool(plan.content.contingency.plans)
    zones: list[Block] = []
    for cp in plans:
        zones += _plan_blocks(cp, practice, s, named)
    if zones:
        first = zones[0]
        zones[0] = Block((Paragraph(t(WORSE), s.h2), *first.flowables), first.plan, first.heads + 1, True)
    blocks += zones
    # Decisions and the people to ring may run on to a second page between lines, never inside one.
    decisions = _flat(emergency_decisions(plan, s))
    if decisions:
        blocks.append(Block(tuple(decisions[:2]), heads=1))
        blocks += [Block((line,)) for line in decisions[2:]]
    ring: list[Flowable] = list(people_to_ring(plan, practice, s))
    if medicines_on_page:
        ring.append(
            PageRef(
                MEDICINES_ANCHOR,
                t("My medicines are listed on page {page}."),
                t("My medicines are listed later in this plan."),
                s.bold,
            )
        )
    if ring:
        blocks.append(Block((Paragraph(t(WHO_HEADING), s.h3), ring[0]), heads=1))
        blocks += [Block((line,)) for line in ring[1:]]
    return blocks


def _height(flowables: tuple[Flowable, ...] | list[Flowable], width: float) -> float:
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):
            total += _height(f._content, width)
            continue
        _, h = f.wrap(width, 10_000.0)
        total += float(h + f.getSpaceBefore() + f.getSpaceAfter())
    return total


def _flat(flowables: tuple[Flowable, ...] | list[Flowable]) -> list[Flowable]:
    """Nested KeepTogethers unpacked: reportlab's KeepTogether reports a huge height to force a split, so
    one inside another always looks too tall for the page and throws a needless page break."""
    out: list[Flowable] = []
    for f in flowables:
        out += _flat(f._content) if isinstance(f, KeepTogether) else [f]
    return out


def frame_size(s: pb.Styles, frame: pb.Frame) -> tuple[float, float]:
    """The width and height the story really has on a page (the frame keeps 6 pt padding a side)."""
    width = A4[0] - 2 * pb.PAGE_MARGIN - 12
    height = A4[1] - pb.top_room(s, frame) - pb.footer_room(s, frame) - 12
    return width, height


def fit(
    head: list[Flowable], blocks: list[Block], s: pb.Styles, frame: pb.Frame, *, standalone: bool
) -> list[Flowable]:
    """Lay the card's blocks on pages: fill a page, and move the next whole block to the next page with
    "continued" markers. Returns the story, ending with a page break when the rest of the plan should
    start on a fresh page."""
    width, height = frame_size(s, frame)
    room = height - 2  # the same wrap reportlab does; 2 pt for its rounding
    marker = Paragraph(t(CONTINUED_BELOW), s.bold)
    marker_h = _height([marker], width)
    story: list[Flowable] = list(head)
    used = _height(head, width)
    for index, block in enumerate(blocks):
        need = _height(block.flowables, width)
        last = index == len(blocks) - 1
        if used + need > room - (0 if last else marker_h) and used > 0:
            story += [marker, PageBreak()]
            # One "(continued)" line heads the next page: the plan that runs on, else "If I get worse".
            used = 0.0
            again: Flowable | None = None
            if block.plan and not block.heads:
                again = pb.para(f"{block.plan} {t('(continued)')}", s.h3)
            elif not block.opens_worse:
                again = Paragraph(f"{t(WORSE)} {t('(continued)')}", s.h3)
            if again is not None:
                story.append(again)
                used = _height([again], width)
        story.append(KeepTogether(_flat(block.flowables)))
        used += need
    if not standalone and room - used < height / 3:
        story.append(PageBreak())
    elif not standalone:
        story.append(Spacer(1, s.gap * 2))
    return story


def card_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    frame: pb.Frame,
    *,
    standalone: bool,
    medicines_on_page: bool,
) -> list[Flowable]:
    s = card_styles(s)
    head = heading(person, practice, s, CARD_TITLE if standalone else frame.title)
    blocks = card_blocks(plan, practice, s, medicines_on_page=medicines_on_page)
    return fit(head, blocks, s, frame, standalone=standalone)


def render_emergency_card(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    *,
    large_print: bool | None = None,
    language: str = ENGLISH,
) -> bytes:
    """The emergency card alone (one page in standard print, at most two in large print)."""
    large = person.wants_large_print if large_print is None else large_print
    with speaking(language):
        s = pb.make_styles(large=large, clear_print=not large)
        frame = build_frame(person, plan, CARD_TITLE)
        story = card_story(person, plan, practice, s, frame, standalone=True, medicines_on_page=False)
        return pb.render(story, frame, s)
