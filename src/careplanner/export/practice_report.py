"""The practice report: plans agreed per month, reviews due and overdue, people who declined a plan.

It is for the practice team's own planning meeting (it names people, so it stays in the practice). Each
list shows one page of people (the earliest review date first) under its full count, so a large practice
gets a report of a few pages, not thousands; the app's people list shows everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.export import pdf_base as pb

TITLE = "Care planning: practice report"
CONFIDENTIAL = "CONFIDENTIAL: contains patient-identifiable information"


@dataclass(frozen=True)
class ReportRow:
    name: str
    nhs_number: str | None
    on: date | None


@dataclass(frozen=True)
class PracticeReportData:
    practice_name: str
    produced_on: date
    agreed_per_month: tuple[tuple[date, int], ...]  # first day of the month, plans agreed in it
    overdue: tuple[ReportRow, ...]
    due_soon: tuple[ReportRow, ...]
    due_within_days: int
    declined: tuple[ReportRow, ...]
    people_total: int
    # Each list shows one page of rows; these are the lists' full counts (None: the rows are all there is).
    overdue_total: int | None = None
    due_soon_total: int | None = None
    declined_total: int | None = None
    page: int = 1
    per_page: int | None = None
    # People with no plan at all (none agreed, no draft, not declined) and people whose only plan is a
    # draft never agreed; `on` is their date of birth.
    no_plan: tuple[ReportRow, ...] = ()
    no_plan_total: int | None = None
    drafts: tuple[ReportRow, ...] = ()
    drafts_total: int | None = None


class Bar(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A horizontal bar for the per-month chart (drawn, so it needs no glyph from the font)."""

    def __init__(self, fraction: float, height: float) -> None:
        super().__init__()
        self.fraction = fraction
        self.bar_height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.bar_height

    def draw(self) -> None:
        self.canv.setFillColor(pb.NHS_BLUE)
        self.canv.rect(0, 0, self.avail * self.fraction, self.bar_height, stroke=0, fill=1)


def _table(rows: list[list[str | Flowable | list[Flowable]]], widths: list[str], s: pb.Styles) -> Table:
    cells = [
        [pb.para(c, s.bold if i == 0 else s.body) if isinstance(c, str) else c for c in row]
        for i, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), pb.NHS_PALE_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, pb.NHS_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _shown(data: PracticeReportData, rows: tuple[ReportRow, ...], total: int, app_filter: str) -> str:
    """Which part of a long list this page shows, and where to find the rest."""
    per_page = data.per_page or len(rows)
    first = (data.page - 1) * per_page + 1
    if not rows:
        return f"This list has {total:,} people; page {data.page} is past its end."
    if first == 1 and len(rows) == total:
        return ""
    last = first + len(rows) - 1
    text = f"Showing {first:,} to {last:,} of {total:,}, the earliest review date first."
    if last < total:
        if app_filter:
            text += f" The people list in the app shows them all (choose “{app_filter}”)."
        text += f" On the command line, report --page {data.page + 1} gives the next {per_page:,}."
    return text


def _people(
    title: str,
    rows: tuple[ReportRow, ...],
    total: int,
    labels: tuple[str, str, str],
    data: PracticeReportData,
    s: pb.Styles,
) -> list[Flowable]:
    date_label, empty, app_filter = labels
    out: list[Flowable] = [Paragraph(f"{title} ({total:,})", s.h2)]
    if not total:
        return [*out, pb.para(empty, s.body)]
    if note := _shown(data, rows, total, app_filter):
        out.append(pb.para(note, s.body))
    if not rows:
        return out
    body: list[list[str | Flowable | list[Flowable]]] = [["Name", "NHS number", date_label]]
    body += [
        [r.name, format_nhs_number(r.nhs_number) if r.nhs_number else "", pb.long_date(r.on)] for r in rows
    ]
    return [*out, _table(body, ["46%", "24%", "30%"], s)]


def _total(given: int | None, rows: tuple[ReportRow, ...]) -> int:
    return len(rows) if given is None else given


def build_story(data: PracticeReportData, s: pb.Styles) -> list[Flowable]:
    out: list[Flowable] = [
        Paragraph(TITLE, s.title),
        pb.para(f"{CONFIDENTIAL}. Keep it in the practice; do not email or leave it out.", s.bold),
        pb.para(
            f"{data.practice_name or 'This practice'} · {data.people_total:,} people on the list · "
            f"produced {pb.long_date(data.produced_on)}",
            s.body,
        ),
        Paragraph("Plans agreed per month", s.h2),
    ]
    if any(n for _, n in data.agreed_per_month):
        peak = max(n for _, n in data.agreed_per_month)
        rows: list[list[str | Flowable | list[Flowable]]] = [["Month", "Plans agreed", ""]]
        bar = s.body.fontSize * 0.8
        rows += [[f"{m:%B %Y}", str(n), [Bar(n / peak, bar)]] for m, n in data.agreed_per_month]
        out.append(_table(rows, ["30%", "20%", "50%"], s))
    else:
        out.append(pb.para("No plans were agreed in these months.", s.body))
    out += _people(
        "Reviews overdue",
        data.overdue,
        _total(data.overdue_total, data.overdue),
        ("Review was due", "No reviews are overdue.", "Review overdue"),
        data,
        s,
    )
    out += _people(
        f"Reviews due in the next {data.due_within_days} days",
        data.due_soon,
        _total(data.due_soon_total, data.due_soon),
        ("Review due", "None due.", "Recall: due or overdue within 30 days"),
        data,
        s,
    )
    out += _people(
        "People who declined a written plan",
        data.declined,
        _total(data.declined_total, data.declined),
        ("Next review", "Nobody has declined.", ""),
        data,
        s,
    )
    out += _people(
        "People with no plan yet",
        data.no_plan,
        _total(data.no_plan_total, data.no_plan),
        ("Date of birth", "Everyone has a plan, a draft or a recorded decline.", ""),
        data,
        s,
    )
    out += _people(
        "Drafts never agreed (no plan agreed yet)",
        data.drafts,
        _total(data.drafts_total, data.drafts),
        ("Date of birth", "No one has only an unagreed draft.", "Draft"),
        data,
        s,
    )
    return out


def render_practice_report(data: PracticeReportData) -> bytes:
    styles = pb.make_styles(large=False)
    who = data.practice_name or "This practice"
    frame = pb.Frame(TITLE, who, f"{CONFIDENTIAL} · Produced {pb.long_date(data.produced_on)}")
    return pb.render(build_story(data, styles), frame, styles)
