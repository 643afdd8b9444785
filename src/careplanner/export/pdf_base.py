"""What every printed document shares: the shipped font, two sets of styles (standard and large print),
and a page frame that prints "Page N of M", the date agreed and the version on every page.

The person's copy is the document people keep on the fridge door, so the frame is deliberately plain:
NHS blue headings, black body text, a footer that says whose plan it is and which version.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

FONT = "NotoSans"
FONT_BOLD = "NotoSans-Bold"

NHS_BLUE = colors.HexColor("#005EB8")
NHS_DARK_BLUE = colors.HexColor("#003087")
NHS_GREEN = colors.HexColor("#007F3B")
NHS_AMBER = colors.HexColor("#FFB81C")
NHS_RED = colors.HexColor("#D5281B")
NHS_GREY = colors.HexColor("#425563")
NHS_PALE_GREY = colors.HexColor("#E8EDEE")
ZONE_TINTS = {
    "green": colors.HexColor("#E5F2EB"),
    "amber": colors.HexColor("#FFF4DD"),
    "red": colors.HexColor("#FBE9E8"),
}
ZONE_COLOURS = {"green": NHS_GREEN, "amber": NHS_AMBER, "red": NHS_RED}


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the shipped Noto Sans once per process (it covers Zoë, Siobhán, Łukasz and Nguyễn)."""
    folder = files("careplanner.resources") / "fonts"
    for name, filename in ((FONT, "NotoSans-Regular.ttf"), (FONT_BOLD, "NotoSans-Bold.ttf")):
        with (folder / filename).open("rb") as fh:
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(fh.read())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles for one print size. `large` documents use nothing under 16 pt and one column."""

    large: bool
    body: ParagraphStyle
    small: ParagraphStyle
    bold: ParagraphStyle
    label: ParagraphStyle  # a bold sub-heading inside a section ("My care team"): kept with what follows
    title: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    footer_size: float
    banner: ParagraphStyle

    @property
    def gap(self) -> float:
        return float(self.body.fontSize) * 0.6


def make_styles(*, large: bool) -> Styles:
    register_fonts()
    base = 18.0 if large else 10.5
    small = 16.0 if large else 9.0

    def style(name: str, size: float, *, font: str = FONT, colour: Any = colors.black, **kw: Any) -> Any:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * 1.3,
            textColor=colour,
            **kw,
        )

    return Styles(
        large=large,
        body=style("body", base, spaceAfter=base * 0.35),
        small=style("small", small, colour=NHS_GREY, spaceAfter=small * 0.3),
        bold=style("bold", base, font=FONT_BOLD, spaceAfter=base * 0.25),
        label=style(
            "label", base, font=FONT_BOLD, spaceBefore=base * 0.4, spaceAfter=base * 0.25, keepWithNext=1
        ),
        title=style("title", 30.0 if large else 22.0, font=FONT_BOLD, colour=NHS_DARK_BLUE, spaceAfter=6),
        h2=style(
            "h2",
            24.0 if large else 15.0,
            font=FONT_BOLD,
            colour=NHS_BLUE,
            spaceBefore=base,
            spaceAfter=4,
            keepWithNext=1,
        ),
        h3=style(
            "h3",
            20.0 if large else 11.5,
            font=FONT_BOLD,
            spaceBefore=base * 0.4,
            spaceAfter=2,
            keepWithNext=1,
        ),
        footer_size=16.0 if large else 8.5,
        banner=style("banner", 20.0 if large else 12.0, font=FONT_BOLD, colour=colors.white),
    )


def text(value: str) -> str:
    """Escape typed text for a Paragraph and keep the person's line breaks."""
    return escape(value.strip()).replace("\n", "<br/>")


def phone(value: str) -> str:
    """A phone number escaped for a Paragraph that never breaks across lines (no-break spaces)."""
    return escape(value.strip()).replace(" ", "\u00a0")


def no_break(value: str) -> str:
    """Plain (unescaped) text with no-break spaces, for a number inside text that `labelled` escapes."""
    return value.strip().replace(" ", "\u00a0")


def bullets(values: Iterable[str], styles: Styles) -> list[Flowable]:
    """One bulleted line per non-blank value, escaped."""
    return [Paragraph("• " + text(v), styles.body) for v in values if v.strip()]


def para(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text(value), style)


def labelled(label: str, value: str, styles: Styles) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {text(value)}", styles.body)


def long_date(day: date | None) -> str:
    """Dates as people write them: 22 November 2026."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def spacer(styles: Styles, factor: float = 1.0) -> Spacer:
    return Spacer(1, styles.gap * factor)


@dataclass(frozen=True)
class Frame:
    """What the header and footer of every page say."""

    title: str
    who: str  # "Zoë Quennell-Synthetic · NHS number 943 476 5919" (or the practice name on a report)
    status_line: str  # "Agreed 22 November 2026 · Version 2"
    draft: bool = False


DRAFT_TEXT = "Draft — not yet agreed"


def _make_canvas(frame: Frame, styles: Styles) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say "Page N of M"."""

    class FramedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = A4
            size = styles.footer_size
            self.saveState()
            self.setStrokeColor(NHS_BLUE)
            self.setLineWidth(0.8)
            bottom = 12 * mm
            rule = bottom + size * (3.9 if styles.large else 2.6)
            self.line(18 * mm, rule, width - 18 * mm, rule)
            lines = [frame.who, DRAFT_TEXT if frame.draft else frame.status_line]
            right = [f"Page {number} of {total}", frame.title]
            if styles.large:  # one column of 16 pt: stack everything on the left
                lines, right = [*lines, right[0]], []
            for row, line in enumerate(reversed(lines)):
                is_status = line == lines[1]
                self.setFont(FONT_BOLD if frame.draft and is_status else FONT, size)
                self.setFillColor(NHS_RED if frame.draft and is_status else NHS_GREY)
                self.drawString(18 * mm, bottom + row * size * 1.3, line)
            self.setFillColor(NHS_GREY)
            self.setFont(FONT, size)
            for row, line in enumerate(reversed(right)):
                self.drawRightString(width - 18 * mm, bottom + row * size * 1.3, line)
            if frame.draft:
                band = size * 2.0
                self.setFillColor(NHS_RED)
                self.rect(0, height - band, width, band, stroke=0, fill=1)
                self.setFillColor(colors.white)
                self.setFont(FONT_BOLD, size)
                self.drawCentredString(width / 2, height - band + size * 0.6, DRAFT_TEXT)
            self.restoreState()

    return FramedCanvas


TABLE_ROWS_KEPT = 3  # a heading above a long table moves to the next page unless this many rows fit under it
_TALL = 10_000.0


def _height(flowable: Flowable, width: float) -> float:
    _, height = flowable.wrap(width, _TALL)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def keep_headings(story: list[Flowable], width: float, height: float) -> list[Flowable]:
    """Make every heading stay with its content, so none is left alone at the foot of a page.

    reportlab's `keepWithNext` silently does nothing when the next flowable is a KeepTogether (a goal, a
    contingency plan), so a run of headings is merged into that block instead. A short table (up to a
    third of the page) moves whole with its heading, so a coding summary is never split. Before a long
    table a heading needs only the first rows with it: it gets a conditional page break sized for itself
    and TABLE_ROWS_KEPT rows, and the table splits page by page with its header row.
    """
    out: list[Flowable] = []
    i = 0
    while i < len(story):
        run: list[Flowable] = []
        while i < len(story) and story[i].getKeepWithNext():
            run.append(story[i])
            i += 1
        if not run or i == len(story):
            out += run or [story[i]]
            i += 0 if run else 1
            continue
        following = story[i]
        i += 1
        if isinstance(following, KeepTogether):
            out.append(KeepTogether([*run, *following._content]))
        elif isinstance(following, Table) and following.wrap(width, _TALL)[1] > height / 3:
            rows = float(sum(following._rowHeights[: TABLE_ROWS_KEPT + 1]))
            out.append(CondPageBreak(sum(_height(f, width) for f in run) + rows))
            for f in run:
                # The conditional break does the keeping; a KeepTogether would move the whole table.
                f.keepWithNext = 0
            out += [*run, following]
        else:
            out += [*run, following]
    return out


def footer_room(styles: Styles) -> float:
    """Height kept free at the foot of every page for the footer (nothing of the story goes below it)."""
    return float(12 * mm + styles.footer_size * (5.3 if styles.large else 4))


def render(story: list[Flowable], frame: Frame, styles: Styles) -> bytes:
    """Lay out `story` on A4 pages inside `frame` and return the PDF bytes."""
    out = io.BytesIO()
    top = 16 * mm + (styles.footer_size * 2 if frame.draft else 0)
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=top,
        bottomMargin=footer_room(styles),
        title=frame.title,
        author="Care Planner",
        subject=frame.title,
        invariant=1,
    )
    # The page frame keeps 6 pt of padding on each side: measure the story in the room it really has.
    room_w, room_h = doc.width - 12, doc.height - 12
    doc.build(keep_headings(story, room_w, room_h), canvasmaker=_make_canvas(frame, styles))
    return out.getvalue()
