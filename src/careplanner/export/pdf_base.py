"""What every printed document shares: the shipped font, two sets of styles (standard and large print),
and a page frame that prints "Page N of M", the date agreed and the version on every page.

The person's copy is the document people keep on the fridge door, so the frame is deliberately plain:
NHS blue headings, black body text, a footer that says whose plan it is and which version.
"""

from __future__ import annotations

import io
import re
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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    tables,
)

from careplanner.export import copy_language, pdf_tags
from careplanner.export.copy_language import t
from careplanner.export.pdf_outline import OutlinedDocTemplate

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
    red_number: float = 14.0  # the numbers in a red zone: 14 pt bold in standard print, bigger in large
    easy_read: bool = False  # the easy-read copy: one idea to a line, more room, pictures by headings

    @property
    def gap(self) -> float:
        return float(self.body.fontSize) * 0.6


def make_styles(*, large: bool, clear_print: bool = False) -> Styles:
    """`clear_print` is the person's own standard-print copy: body 12 pt and footers 10 pt (RNIB Clear
    Print), red-zone numbers 14 pt bold. Documents for staff keep the compact sizes."""
    register_fonts()
    if large:
        base, small, footer = 18.0, 16.0, 16.0
    elif clear_print:
        base, small, footer = 12.0, 10.0, 10.0
    else:
        base, small, footer = 10.5, 9.0, 8.5

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
            24.0 if large else (16.0 if clear_print else 15.0),
            font=FONT_BOLD,
            colour=NHS_BLUE,
            spaceBefore=base,
            spaceAfter=4,
            keepWithNext=1,
        ),
        h3=style(
            "h3",
            20.0 if large else (13.0 if clear_print else 11.5),
            font=FONT_BOLD,
            spaceBefore=base * 0.4,
            spaceAfter=2,
            keepWithNext=1,
        ),
        footer_size=footer,
        banner=style("banner", 20.0 if large else 12.0, font=FONT_BOLD, colour=colors.white),
        red_number=20.0 if large else 14.0,
    )


def text(value: str) -> str:
    """Escape typed text for a Paragraph and keep the person's line breaks."""
    return escape(value.strip()).replace("\n", "<br/>")


def typed(value: str) -> str:
    """What the clinician typed (or a name from the English reference data), escaped as `text` does. In a
    copy printed in another language (Welsh) it is marked as English (en-GB), so a screen reader reads it
    in English (`pdf_tags.LANGUAGE_MARK`)."""
    escaped = text(value)
    if not escaped or copy_language.current() == copy_language.ENGLISH:
        return escaped
    mark = pdf_tags.LANGUAGE_MARK
    return f'<onDraw name="{mark}" label="on"/>{escaped}<onDraw name="{mark}" label="off"/>'


# A run of digits with single spaces (or hyphens) inside it: a phone number as people type it,
# "0113 496 0555", "+44 113 496 0555", "(0113) 496 0555". Only these spaces become no-break spaces, so
# a note typed after a number ("Monday to Friday, 8am to 6pm") still wraps between its words.
_NUMBER = re.compile(r"\+?\(?\d[\d)]*(?:[ -]\(?\d[\d)]*)+")


def _keep_numbers_whole(value: str) -> str:
    return _NUMBER.sub(lambda m: m.group(0).replace(" ", "\u00a0"), value)


def phone(value: str) -> str:
    """A phone number (and any note after it) escaped for a Paragraph; the number never breaks."""
    return _keep_numbers_whole(escape(value.strip()))


def no_break(value: str) -> str:
    """Plain (unescaped) text whose phone numbers never break, for text that `labelled` escapes."""
    return _keep_numbers_whole(value.strip())


def bullets(values: Iterable[str], styles: Styles) -> list[Flowable]:
    """One bulleted line per non-blank value, escaped."""
    return [Paragraph("• " + typed(v), styles.body) for v in values if v.strip()]


def para(value: str, style: ParagraphStyle) -> Paragraph:
    """Typed text as a paragraph (marked as English in a copy printed in another language)."""
    return Paragraph(typed(value), style)


def labelled(
    label: str, value: str, styles: Styles, *, fixed: bool = False, markup: bool = False
) -> Paragraph:
    """ "<b>Label:</b> value": the label (fixed text, English as the key) in the language being printed.
    The value is what the clinician typed, unless `fixed` says it is the copy's own words (a date), or
    `markup` says it is already Paragraph markup (typed parts through `typed`, the rest escaped)."""
    shown = value if markup else text(value) if fixed else typed(value)
    return Paragraph(f"<b>{escape(t(label))}</b> {shown}", styles.body)


def long_date(day: date | None) -> str:
    """Dates as people write them: 22 November 2026."""
    return "" if day is None else f"{day.day} {copy_language.month_year(day)}"


def spacer(styles: Styles, factor: float = 1.0) -> Spacer:
    return Spacer(1, styles.gap * factor)


@dataclass(frozen=True)
class Frame:
    """What the header and footer of every page say."""

    title: str
    who: str  # "Zoë Quennell-Synthetic · NHS number 943 476 5919" (or the practice name on a report)
    status_line: str  # "Agreed 22 November 2026 · Version 2"
    draft: bool = False
    # A copy a later version replaced: the lines of its red band on every page (as for a draft), so an
    # old copy on the fridge can never pass for the current plan.
    replaced: tuple[str, ...] = ()


DRAFT_TEXT = "Draft — not yet agreed"


WATERMARK = "DRAFT — NOT AGREED"
# Across every page of a copy a later version replaced; in English in every language (a paramedic reads it).
REPLACED_WATERMARK = "REPLACED — OLD COPY"
PAGE_MARGIN = 16 * mm


def _wrap(line: str, width: float, size: float) -> list[str]:
    """`line` in lines no wider than `width`, broken first at " · " (so a long name is never cut off
    and the NHS number stays whole on a line of its own), then between words."""
    out: list[str] = []
    for part in line.split(" · "):
        if out and stringWidth(out[-1] + " · " + part, FONT, size) <= width:
            out[-1] += " · " + part
            continue
        words, current = part.split(" "), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and stringWidth(trial, FONT, size) > width:
                out.append(current)
                current = word
            else:
                current = trial
        out.append(current)
    return out


PAGE_SLOT = "\x00page"  # where "Page N of M" goes, filled in when the total is known


def page_words(number: int, total: int) -> str:
    return t("Page {number} of {total}").format(number=number, total=total)


def footer_lines(frame: Frame, styles: Styles) -> tuple[list[tuple[str, bool]], list[str]]:
    """(left, right) footer lines, top line first; each left line says whether it is the status line
    (red and bold on a draft). Large print stacks everything on the left."""
    width = A4[0] - 2 * PAGE_MARGIN
    size = styles.footer_size
    status = frame.status_line or (t(DRAFT_TEXT) if frame.draft else "")
    right = [] if styles.large else [PAGE_SLOT, frame.title]
    if right:
        widest = max(stringWidth(r, FONT, size) for r in (page_words(00, 00), frame.title))
        width -= widest + 6 * mm
    left = [(line, False) for line in _wrap(frame.who, width, size)]
    left += [(line, True) for line in _wrap(status, width, size)]
    if styles.large:  # "Page N of M" after the status when it fits, else on a line of its own
        last = left[-1][0] + " · " + page_words(00, 00)
        if stringWidth(last, FONT, size) <= width:
            left[-1] = (left[-1][0] + " · " + PAGE_SLOT, True)
        else:
            left.append((PAGE_SLOT, False))
    return left, right


def _footer_rows(frame: Frame | None, styles: Styles) -> int:
    if frame is None:  # a short name: name, then status (and the page number)
        return 2
    left, right = footer_lines(frame, styles)
    return max(len(left), len(right))


def _make_canvas(frame: Frame, styles: Styles) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say "Page N of M"."""

    class FramedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.setNamedCB(pdf_tags.LANGUAGE_MARK, pdf_tags.language_mark)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            # Page references (`page_refs.PageRef`) are written now that every anchor's page is known.
            anchors: dict[str, int] = self.__dict__.get("_anchors", {})
            refs: list[tuple[int, float, float, str, str, str, float, int]] = self.__dict__.get("_refs", [])
            outline: list[tuple[int, str, int]] = self.__dict__.get("_outline", [])  # see pdf_outline
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                for key, (on_page, heading, level) in enumerate(outline):
                    if on_page == number:
                        self.bookmarkPage(f"h{key}")
                        self.addOutlineEntry(heading, f"h{key}", level)
                for _, x, y, anchor, template, fallback, size, mcid in (r for r in refs if r[0] == number):
                    page = anchors.get(anchor)
                    pdf_tags.begin_marked(self, "P", mcid)
                    self.setFont(FONT_BOLD, size)
                    self.setFillColor(colors.black)
                    self.drawString(x, y, template.format(page=page) if page else fallback)
                    pdf_tags.end_marked(self)
                self._decorate(number, total)
                super().showPage()
                pdf_tags.mark_page(self, number)
            pdf_tags.write_structure(self, frame.title, copy_language.current())
            super().save()

        def _watermark(self, width: float, height: float, words: str) -> None:
            """A pale diagonal "DRAFT — NOT AGREED" (or "REPLACED — OLD COPY") across the page, drawn over
            the text but see-through, so a draft or an old copy can never pass for the current plan on the
            fridge door."""
            self.saveState()
            self.setFillColor(NHS_RED)
            self.setFillAlpha(0.13)
            self.setFont(FONT_BOLD, 64 if not styles.large else 72)
            self.translate(width / 2, height / 2)
            self.rotate(52)
            self.drawCentredString(0, -20, words)
            self.restoreState()

        def _decorate(self, number: int, total: int) -> None:
            width, height = A4
            size = styles.footer_size
            step = size * 1.3
            page = page_words(number, total)
            left, right = footer_lines(frame, styles)
            bottom = 11 * mm
            rule = bottom + step * (max(len(left), len(right)) - 1) + size * 1.4
            self.saveState()
            pdf_tags.begin_artifact(self, "Footer")
            self.setStrokeColor(NHS_BLUE)
            self.setLineWidth(0.8)
            self.line(PAGE_MARGIN, rule, width - PAGE_MARGIN, rule)
            pdf_tags.end_marked(self)
            pdf_tags.begin_footer(self, number)
            for row, (line, is_status) in enumerate(reversed(left)):
                red = (frame.draft or bool(frame.replaced)) and is_status
                self.setFont(FONT_BOLD if red else FONT, size)
                self.setFillColor(NHS_RED if red else NHS_GREY)
                self.drawString(PAGE_MARGIN, bottom + row * step, line.replace(PAGE_SLOT, page))
            self.setFillColor(NHS_GREY)
            self.setFont(FONT, size)
            for row, line in enumerate(reversed(right)):
                self.drawRightString(width - PAGE_MARGIN, bottom + row * step, line.replace(PAGE_SLOT, page))
            pdf_tags.end_marked(self)
            lines = band_lines(frame)
            if lines:
                pdf_tags.begin_artifact(self, "Header")
                band = band_height(styles, frame)
                self.setFillColor(NHS_RED)
                self.rect(0, height - band, width, band, stroke=0, fill=1)
                self.setFillColor(colors.white)
                self.setFont(FONT_BOLD, max(size, 12.0))
                step = max(size, 12.0) * 1.25
                first = height - band + band * 0.3 + step * (len(lines) - 1)
                for row, line in enumerate(lines):
                    self.drawCentredString(width / 2, first - row * step, line)
                self._watermark(width, height, t(WATERMARK) if frame.draft else REPLACED_WATERMARK)
                pdf_tags.end_marked(self)
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


def footer_room(styles: Styles, frame: Frame | None = None) -> float:
    """Height kept free at the foot of every page for the footer (nothing of the story goes below it):
    room for every footer line of `frame` (a long name wraps rather than running off the page)."""
    rows = _footer_rows(frame, styles)
    return float(11 * mm + styles.footer_size * (1.3 * (rows - 1) + 2.4))


def band_lines(frame: Frame) -> list[str]:
    """The words of the red band across the top of every page: a draft's, or a replaced copy's."""
    return [t(DRAFT_TEXT)] if frame.draft else list(frame.replaced)


def band_height(styles: Styles, frame: Frame) -> float:
    lines = len(band_lines(frame))
    if not lines:
        return 0.0
    return float(max(styles.footer_size * 2, 22.0) + max(styles.footer_size, 12.0) * 1.25 * (lines - 1))


def top_room(styles: Styles, frame: Frame) -> float:
    """Height kept free at the top of every page: more on a draft or a replaced copy, for its red band."""
    return float(14 * mm + band_height(styles, frame))


def render(story: list[Flowable], frame: Frame, styles: Styles) -> bytes:
    """Lay out `story` on A4 pages inside `frame` and return the PDF bytes.

    The metadata carries no patient data: the title is the document's kind. /Lang is en-GB, the viewer
    shows the title, the creation date is the real one, and every font is embedded (the canvas starts in
    Noto Sans, so no unused, unembedded Helvetica is listed). The PDF is tagged as it is drawn
    (`pdf_tags`): headings, paragraphs, lists and tables in a structure tree, the rest marked as artifacts."""
    out = io.BytesIO()
    doc = OutlinedDocTemplate(
        out,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=top_room(styles, frame),
        bottomMargin=footer_room(styles, frame),
        title=frame.title,
        author="Care Planner",
        subject=frame.title,
        creator="Care Planner",
        lang=copy_language.current(),
        displayDocTitle=1,
        initialFontName=FONT,
        invariant=0,
    )
    # A table cell's default font is Helvetica, which reportlab then lists (unembedded) on every page that
    # has a table, even though every cell here is a Paragraph in Noto Sans: make the default Noto Sans.
    tables.CellStyle.fontname = FONT
    # The page frame keeps 6 pt of padding on each side: measure the story in the room it really has.
    room_w, room_h = doc.width - 12, doc.height - 12
    doc.build(keep_headings(story, room_w, room_h), canvasmaker=_make_canvas(frame, styles))
    return out.getvalue()
