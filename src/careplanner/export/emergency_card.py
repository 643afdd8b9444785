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
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import ENGLISH, speaking, t, t_both
from careplanner.export.copy_medicines import current_medicines
from careplanner.export.copy_page_one import (
    EASY_READ_TITLE,
    TITLE,
    ZONE_ORDER,
    fallback_plan,
    heading,
    people_to_ring,
    zone_block,
)
from careplanner.export.copy_safety import (
    ALLERGIES_HEADING,
    DECISIONS_HEADING,
    allergies,
    emergency_decisions,
)
from careplanner.export.page_refs import PageRef
from careplanner.export.pictures import PictureHeading
from careplanner.export.plan_frame import build_frame, replaced_banner
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ContingencyData, PlanVersion

CARD_TITLE = "My emergency card"
# The titles page 1 of the person's copy can have: the standard and large-print copy's, the easy-read copy's.
COPY_TITLES = (TITLE, EASY_READ_TITLE)
WORSE = "If I get worse"
CONTINUED_BELOW = "Continued on the next page."
MEDICINES_ANCHOR = "medicines"
WHO_HEADING = "Who coordinates my care"
CONDITIONS_LABEL = "My conditions:"
# How the card names my conditions, in order of preference: in full after my allergies, by short names
# there, by short names at the end of the card (LAST, after everything else), or left out with a line
# saying where they are (the plan's "My health conditions" section, or the plan itself for the card
# alone). When none of these keeps the card to its pages, they go at the end (LAST) and the card runs on.
FULL, SHORT, LEFT_OUT, LAST = "full", "short", "left out", "last"
CONDITION_FORMS = (FULL, SHORT, LAST, LEFT_OUT)
MEDICINES_ELSEWHERE = "My medicines are listed in my care and support plan."
# When the card leaves my conditions out it says where they are, never dropping them silently.
CONDITIONS_ANCHOR = "conditions"
CONDITIONS_ON_PAGE = "My conditions are listed on page {page}."
CONDITIONS_LATER = "My conditions are listed later in this plan."
CONDITIONS_ELSEWHERE = "My conditions are listed in my care and support plan."
BOTH_ELSEWHERE = "My conditions and medicines are listed in my plan."


@dataclass(frozen=True)
class Block:
    """A piece of the card that is never split; `plan` names the contingency plan it belongs to, so a
    plan that runs on to the next page gets its name again with "(continued)"."""

    flowables: tuple[Flowable, ...]
    plan: str = ""
    heads: int = 0  # how many leading flowables are headings that must not end a page
    opens_worse: bool = False  # starts with the "If I get worse" heading itself
    section: str = ""  # the heading (as printed) of the part of the card this block belongs to


def _plan_blocks(
    cp: ContingencyData, practice: PracticeSettings | None, s: pb.Styles, named: bool
) -> list[Block]:
    title = cp.name.strip() or cp.condition.strip()
    # What runs on to the next page is named: the plan when it has a name, else "If I get worse".
    section = pb.typed(title) if named and title else escape(t(WORSE))
    blocks: list[Block] = []
    for zone in ZONE_ORDER:
        box = zone_block(zone, cp, practice, s)
        if box is not None:
            blocks.append(Block((box, Spacer(1, 1.5)), title, section=section))
    if cp.anticipatory_medicines:
        kept = pb.labelled(t("My rescue medicines and equipment:"), "; ".join(cp.anticipatory_medicines), s)
        blocks.append(Block((kept,), title, section=section))
    if named and title and blocks:
        first = blocks[0]
        named_heading = pictured("heart", pb.para(title, s.h3), s)
        blocks[0] = Block((named_heading, *first.flowables), title, heads=1, section=section)
    return blocks


def card_styles(s: pb.Styles) -> pb.Styles:
    """The card's styles: the same sizes (12 pt body in standard print, 18 pt in large print) set closer,
    with less room between lines and paragraphs, so three plans fit one page in standard print. The
    easy-read card is the other way: more room between lines and between one idea and the next."""

    line = 1.4 if s.easy_read else 1.12 if s.large else 1.16
    room = float(s.body.fontSize) * (0.45 if s.easy_read else 0.0)

    def tight(style: ParagraphStyle, before: float = 0.0, after: float = 0.0) -> ParagraphStyle:
        size = float(style.fontSize)
        return ParagraphStyle(
            f"card-{style.name}", parent=style, leading=size * line, spaceBefore=before, spaceAfter=after
        )

    base = float(s.body.fontSize)
    return dataclasses.replace(
        s,
        title=tight(s.title, after=2),
        body=tight(s.body, after=room),
        bold=tight(s.bold),
        h2=tight(s.h2, before=base * 0.3, after=1),
        h3=tight(s.h3, before=base * 0.1, after=room / 2),
    )


def pictured(picture: str, heading: Paragraph, s: pb.Styles) -> Flowable:
    """In easy read, a heading with its picture beside it (`pictures`); else the heading as it is."""
    return PictureHeading(picture, heading, scale=1.9) if s.easy_read else heading


def card_blocks(
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    *,
    medicines_on_page: bool,
    conditions: str = FULL,
    standalone: bool = False,
) -> list[Block]:
    """Allergies, my conditions, If I get worse (red, amber, green per plan), decisions, who to ring and
    where my medicines are: in that order. `conditions` is how the conditions are named
    (`CONDITION_FORMS`); when they are left out, one line says where they are (with my medicines on the
    card alone: "My conditions and medicines are listed in my care and support plan.")."""
    blocks = [Block(tuple(allergies(plan, s, compact=True)), section=escape(t_both(ALLERGIES_HEADING)))]
    names = condition_names(plan, short=conditions != FULL) if conditions != LEFT_OUT else []
    said: list[Block] = []
    if names:
        gap, between = ("<br/>", "<br/>") if s.easy_read else (" ", "; ")  # easy read: one to a line
        label = f"<b>{escape(t(CONDITIONS_LABEL))}</b>"
        line = Paragraph(label + gap + between.join(map(pb.typed, names)), s.body)
        said.append(Block((line, Spacer(1, 2)), section=escape(t(CONDITIONS_LABEL).rstrip(":"))))
    if conditions != LAST:
        blocks += said
    if conditions == LEFT_OUT and condition_names(plan):  # where the list was: where to find it
        pointer = conditions_pointer(plan, s, medicines_on_page=medicines_on_page, standalone=standalone)
        blocks.append(Block((pointer,), section=escape(t(CONDITIONS_LABEL).rstrip(":"))))
    plans = plan.content.contingency.plans or (fallback_plan(),)
    named = len(plans) > 1 or bool(plan.content.contingency.plans)
    zones: list[Block] = []
    for cp in plans:
        zones += _plan_blocks(cp, practice, s, named)
    if zones:
        first = zones[0]
        zones[0] = dataclasses.replace(
            first,
            flowables=(pictured("warning", Paragraph(t(WORSE), s.h2), s), *first.flowables),
            heads=first.heads + 1,
            opens_worse=True,
        )
    blocks += zones
    # Decisions and the people to ring may run on to a second page between lines, never inside one.
    decisions = _flat(emergency_decisions(plan, s))
    if decisions:
        decided = escape(t(DECISIONS_HEADING))
        first_two = (
            (pictured("paper", decisions[0], s), decisions[1]) if len(decisions) > 1 else tuple(decisions)
        )
        blocks.append(Block(first_two, heads=1, section=decided))
        blocks += [Block((line,), section=decided) for line in decisions[2:]]
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
    elif current_medicines(plan) and not (conditions == LEFT_OUT and standalone):
        ring.append(Paragraph(t(MEDICINES_ELSEWHERE), s.bold))  # the card alone: say where the list is
    if ring:
        who = escape(t(WHO_HEADING))
        blocks.append(
            Block((pictured("phone", Paragraph(t(WHO_HEADING), s.h3), s), ring[0]), heads=1, section=who)
        )
        blocks += [Block((line,), section=who) for line in ring[1:]]
    return blocks + (said if conditions == LAST else [])


def conditions_pointer(
    plan: PlanVersion, s: pb.Styles, *, medicines_on_page: bool, standalone: bool
) -> Flowable:
    """One bold line where my conditions would have been, saying where they are: "My conditions are
    listed on page 2." in the person's copy; on the card alone "My conditions are listed in my care and
    support plan." (with my medicines, whose line the card then leaves out). Large print sets it at 16 pt,
    its smallest size, so it fits where a line of conditions did not."""
    base = s.small if s.large else s.body
    style = ParagraphStyle(
        "card-pointer", parent=base, fontName=pb.FONT_BOLD, leading=float(base.fontSize) * 1.12, spaceAfter=0
    )
    if not standalone:
        return PageRef(CONDITIONS_ANCHOR, t(CONDITIONS_ON_PAGE), t(CONDITIONS_LATER), style)
    both = bool(current_medicines(plan)) and not medicines_on_page
    return Paragraph(t(BOTH_ELSEWHERE if both else CONDITIONS_ELSEWHERE), style)


def condition_names(plan: PlanVersion, *, short: bool = False) -> list[str]:
    """My current conditions by their plain names (past ones are left out), each once; `short` leaves out
    an explanation in brackets ("Heart failure (my heart does not pump as well)" → "Heart failure")."""
    names = [
        c.plain_name.strip() or c.term.strip() for c in plan.content.medical.conditions if not c.is_history
    ]
    if short:
        names = [n.split(" (")[0].strip() or n for n in names]
    return list(dict.fromkeys(n for n in names if n))


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


def continued_heading(block: Block, title: str) -> str:
    """The heading that opens the next page when `block` moves there, naming what continues: the part
    the block is in when it starts part-way through it ("Decisions for an emergency (continued)"), "If I
    get worse (continued)" when a new plan starts, else the card itself ("My emergency card
    (continued)"). Markup, as printed."""
    more = escape(t("(continued)"))
    if block.section and not block.heads:
        return f"{block.section} {more}"
    if block.plan and not block.opens_worse:
        return f"{escape(t(WORSE))} {more}"
    return f"{escape(title)} {more}"


def fit(
    head: list[Flowable],
    blocks: list[Block],
    s: pb.Styles,
    frame: pb.Frame,
    *,
    standalone: bool,
    title: str = "",
) -> list[Flowable]:
    """Lay the card's blocks on pages: fill a page, and move the next whole block to the next page with
    a "continued" heading naming what continues. Returns the story, ending with a page break when the
    rest of the plan should start on a fresh page. `title` is the card's title as printed."""
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
            # One "(continued)" line heads the next page, naming what continues.
            again = Paragraph(continued_heading(block, title or frame.title), s.h3)
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
    # My conditions never push what a paramedic must act on past the card's pages (one in standard
    # print, two in large print): see CONDITION_FORMS. The choice is made on the large-print layout with
    # the longer of the copy's two titles, so the easy-read card (laid out with more room) says the same
    # words as the large-print copy's.
    plain = card_styles(dataclasses.replace(s, easy_read=False))
    s = card_styles(s)
    title = t(CARD_TITLE) if standalone else frame.title
    own_title = CARD_TITLE if standalone else frame.title
    longest = CARD_TITLE if standalone else max(COPY_TITLES, key=len)
    width = frame_size(s, frame)[0]
    pages = 2 if s.large else 1

    def laid_out(styles: pb.Styles, head: list[Flowable], form: str) -> list[Flowable]:
        blocks = card_blocks(
            plan,
            practice,
            styles,
            medicines_on_page=medicines_on_page,
            conditions=form,
            standalone=standalone,
        )
        return fit(head, blocks, styles, frame, standalone=standalone, title=title)

    # A copy a later version replaced opens with a red banner saying so (`plan_frame.replaced_banner`)
    # when the card still keeps to its pages with it; its red band and watermark are on every page anyway.
    for banner in (True, False) if replaced_banner(plan, s) else (False,):
        head = _head(person, plan, practice, s, own_title, banner)
        decide_head = _head(person, plan, practice, plain, longest, banner)
        # When the trial is the card itself (not easy read, a head as tall), it is kept: one layout.
        same = not s.easy_read and _height(decide_head, width) == _height(head, width)
        for form in CONDITION_FORMS:
            story = laid_out(plain, head if same else decide_head, form)
            if pages_of(story) <= pages:
                return story if same else laid_out(s, head, form)
    return laid_out(s, _head(person, plan, practice, s, own_title, False), LAST)


def _head(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    title: str,
    banner: bool,
) -> list[Flowable]:
    return [*(replaced_banner(plan, s) if banner else []), *heading(person, practice, s, title)]


def pages_of(story: list[Flowable]) -> int:
    """How many pages a card's story takes (a page break at its very end starts the rest of the plan)."""
    return 1 + sum(isinstance(f, PageBreak) for f in story[:-1])


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
