"""Layout rules read back from the PDFs: no heading left alone at the foot of a page, and page 1 of the
person's copy keeps its promise (who I am, what matters, If I get worse with numbers, my coordinator and
review date). Extra goals move the page breaks about, so the rules are checked at many break positions.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from careplanner.export import pdf_base as pb
from careplanner.export.clinician_summary import render_clinician_summary
from careplanner.export.copy_medicines import STOPPED_HEADING
from careplanner.export.person_copy import render_person_copy
from careplanner.export.practice_report import PracticeReportData, ReportRow, render_practice_report
from careplanner.export.preparation_letter import Appointment, ResultPair, render_preparation_letter
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from careplanner.export.sample_rich import rich_content
from careplanner.services.plan_data import PlanVersion

# Bold lines at body size that head what follows them (the "label" style).
SUB_HEADINGS = {"The medicines I take now", "My care team", "People close to me"}

Line = tuple[float, str, float, bool]  # (y, text, size, all bold)


def _page_lines(pdf: bytes, large: bool) -> list[list[Line]]:
    """Each page's story lines, top to bottom, without the footer."""
    floor = pb.footer_room(pb.make_styles(large=large))
    pages: list[list[Line]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        runs: dict[float, list[tuple[str, float, bool]]] = {}

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            runs: dict[float, list[tuple[str, float, bool]]] = runs,
        ) -> None:
            if not text.strip():
                return
            y = round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1)
            bold = isinstance(font, dict) and "Bold" in str(font.get("/BaseFont", ""))
            runs.setdefault(y, []).append((text.strip(), size, bold))

        page.extract_text(visitor_text=visit)
        lines = [
            (y, " ".join(t for t, _, _ in rs), max(s for _, s, _ in rs), all(b for _, _, b in rs))
            for y, rs in runs.items()
            if y > floor
        ]
        pages.append(sorted(lines, key=lambda line: -line[0]))
    return pages


def _assert_no_stranded_heading(pdf: bytes, *, large: bool, extra: frozenset[str] = frozenset()) -> None:
    styles = pb.make_styles(large=large)
    heading_sizes = {float(styles.h2.fontSize), float(styles.h3.fontSize), float(styles.title.fontSize)}
    pages = _page_lines(pdf, large)
    for number, lines in enumerate(pages[:-1], start=1):
        assert lines, f"page {number} is empty"
        _, text, size, bold = lines[-1]
        is_heading = size in heading_sizes or (bold and text in SUB_HEADINGS | extra)
        assert not is_heading, f"page {number} ends with the heading {text!r}"


def _with_extra_goals(extra: int, *, draft: bool = False, rich: bool = False) -> PlanVersion:
    content = rich_content() if rich else sample_content()
    goals = content.goals.goals
    more = tuple(
        dataclasses.replace(goals[i % len(goals)], text=f"{goals[i % len(goals)].text} ({i + 1})")
        for i in range(extra)
    )
    content = dataclasses.replace(content, goals=dataclasses.replace(content.goals, goals=goals + more))
    return sample_plan(draft=draft, content=content)


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("draft", [False, True], ids=["agreed", "draft"])
@pytest.mark.parametrize("extra_goals", range(0, 9))
def test_no_heading_is_left_at_the_foot_of_a_page_of_the_persons_copy(
    large: bool, draft: bool, extra_goals: int
) -> None:
    plan = _with_extra_goals(extra_goals, draft=draft)
    pdf = render_person_copy(sample_person(), plan, SAMPLE_PRACTICE, large_print=large)
    goal_texts = frozenset(g.text for g in plan.content.goals.goals)
    _assert_no_stranded_heading(pdf, large=large, extra=goal_texts)


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("extra_goals", range(0, 9))
def test_the_richest_copy_keeps_headings_and_the_stopped_box_whole(large: bool, extra_goals: int) -> None:
    """Wherever the medicines fall, the stopped box is on one page and no heading is left behind."""
    plan = _with_extra_goals(extra_goals, rich=True)
    pdf = render_person_copy(sample_person(), plan, SAMPLE_PRACTICE, large_print=large)
    _assert_no_stranded_heading(pdf, large=large, extra=frozenset(g.text for g in plan.content.goals.goals))
    pages = [_page_text(pdf, i, large) for i in range(len(_page_lines(pdf, large)))]
    holding = [i for i, text in enumerate(pages) if "do not take" in text or "back to my pharmacy" in text]
    assert len(holding) == 1, f"the stopped box is split over pages {holding}"
    assert STOPPED_HEADING in pages[holding[0]]


def test_no_heading_is_left_at_the_foot_of_a_page_of_the_clinician_summary() -> None:
    for extra in range(0, 12):
        pdf = render_clinician_summary(sample_person(), _with_extra_goals(extra), SAMPLE_PRACTICE)
        _assert_no_stranded_heading(pdf, large=False)


@pytest.mark.parametrize("overdue", [5, 20, 28, 33, 60, 111])
def test_the_practice_report_keeps_headings_with_their_first_rows(overdue: int) -> None:
    today = date(2026, 11, 22)
    rows = tuple(
        ReportRow(f"Synthetic Person {i}", "9990001235", today - timedelta(days=i + 1))
        for i in range(overdue)
    )
    data = PracticeReportData(
        practice_name="Riverside Surgery",
        produced_on=today,
        agreed_per_month=tuple((date(2026, m, 1), m) for m in range(1, 12)),
        overdue=rows,
        due_soon=rows[:13],
        due_within_days=30,
        declined=rows[:4],
        people_total=200,
    )
    pdf = render_practice_report(data)
    _assert_no_stranded_heading(pdf, large=False)
    pages = _page_lines(pdf, large=False)
    # A heading above a long table keeps a few rows with it rather than moving the table to a new page.
    first = [text for _, text, _, _ in pages[0]]
    assert any(text.startswith("Reviews overdue") for text in first)
    assert sum(text.startswith("Synthetic Person") for text in first) >= 3


def test_preparation_letter_in_large_print_keeps_each_write_in_box_whole() -> None:
    person = sample_person()
    pdf = render_preparation_letter(
        person,
        tuple(ResultPair(r) for r in sample_plan().content.medical.results),
        SAMPLE_PRACTICE,
        appointment=Appointment(datetime(2026, 12, 3, 10, 20), "Riverside Surgery"),
        written_on=date(2026, 11, 22),
        large_print=True,
    )
    _assert_no_stranded_heading(pdf, large=True)
    pages = _page_lines(pdf, large=True)
    floor = pb.footer_room(pb.make_styles(large=True))
    room = 4 * pb.make_styles(large=True).body.fontSize  # the writing space under each prompt
    prompts = [(y, t) for lines in pages for y, t, _, _ in lines if t.endswith("?")]
    assert len(prompts) == 5
    for y, prompt in prompts:
        assert y - floor >= room, f"the box for {prompt!r} runs off the page"
    text = " ".join(t for lines in pages for _, t, _, _ in lines)
    assert "0113 496 0123" in text  # the practice number on one line


def _page_text(pdf: bytes, index: int, large: bool) -> str:
    return " ".join(t for _, t, _, _ in _page_lines(pdf, large)[index])


def test_page_one_of_the_standard_copy_keeps_its_promise() -> None:
    pdf = render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE, large_print=False)
    first = _page_text(pdf, 0, large=False)
    for phrase in (
        "Siobhán Nguyễn",
        "999 000 1235",
        "My allergies",
        "Penicillin — rash (moderate)",
        "Decisions for an emergency",
        "CPR (resuscitation) should not be tried",
        "ReSPECT form in the kitchen drawer",
        "Green: I feel well",
        "Amber: I am getting worse",
        "Red: I need help now",
        "0113 496 0123",
        "0113 496 0777",
        "999",
        "My named coordinator: Jane Doyle",
        "Next of kin: Aoife Nguyễn, Daughter — 0113 496 0999",
        "My medicines are listed on page",
    ):
        assert phrase in first, phrase
    # Red first, then amber, then green.
    assert first.index("Red: I need help now") < first.index("Amber:") < first.index("Green:")


def test_large_print_card_fills_page_one_and_ends_by_page_two() -> None:
    pdf = render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE, large_print=True)
    first, second = _page_text(pdf, 0, large=True), _page_text(pdf, 1, large=True)
    for phrase in ("Siobhán Nguyễn", "999 000 1235", "My allergies", "Penicillin — rash (moderate)"):
        assert phrase in first, phrase
    for phrase in ("Red: I need help now", "Amber: I am getting worse", "Green: I feel well"):
        assert phrase in first + second, phrase
    for number in ("0113 496 0555", "0113 496 0123", "0113 496 0777", "111", "999"):
        assert number in first + second, number
    assert "My named coordinator:" in first + second
