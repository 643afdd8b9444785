"""The emergency card on the hard cases, read back from the PDF: what a paramedic needs on page 1, red
before amber before green, fit rules, the card alone, and the readable sizes of standard print."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from careplanner.export import pdf_base as pb
from careplanner.export.emergency_card import (
    CONTINUED_BELOW,
    Block,
    card_blocks,
    card_styles,
    continued_heading,
    render_emergency_card,
)
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES, LONG_FAMILY, LONG_FIRST, Case
from careplanner.services.plan_data import ConditionData
from tests.export.test_pdf_layout import _page_lines
from tests.export.test_person_copy_safety import pages_of

STANDARD_CASES = ["three-plans", "fourteen-medicines", "no-practice", "no-contingency"]


def _sizes(pdf: bytes) -> list[tuple[str, float, bool]]:
    out: list[tuple[str, float, bool]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                bold = isinstance(font, dict) and "Bold" in str(font.get("/BaseFont", ""))
                out.append((text.strip(), round(size * scale, 1), bold))

        page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("case", STANDARD_CASES)
def test_standard_card_is_page_one_with_everything_a_paramedic_needs(case: str, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES[case]()
    pages = pages_of(render_person_copy(person, plan, practice, large_print=False), tmp_path)
    first = pages[0]
    assert "My allergies" in first and "Penicillin — rash all over (moderate)" in first
    assert "Red: I need help now" in first and "999" in first
    assert "Resuscitation (CPR): If my heart or breathing stops" in first
    assert "ReSPECT form in the kitchen drawer" in first
    assert "In the blue folder by my bed" in first  # where the advance decision is kept
    assert "My named coordinator: Jane Doyle, Practice nurse — 0113 496 0555" in first
    assert "Next of kin: Aoife Nguyễn, Daughter — 0113 496 0999" in first
    medicines = re.search(r"My medicines are listed on page (\d+)\.", first)
    assert medicines, "the card says which page the medicines are on"
    assert "My medicines" in pages[int(medicines.group(1)) - 1]
    assert CONTINUED_BELOW not in first  # standard print: one page


def test_three_plans_print_red_then_amber_then_green_each_on_one_page(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    first = pages_of(render_person_copy(person, plan, practice, large_print=False), tmp_path)[0]
    for name in ("My COPD", "My heart failure", "If I fall"):
        at = first.index(name)
        red, amber, green = (first.index(z, at) for z in ("Red:", "Amber:", "Green:"))
        assert red < amber < green


def test_no_contingency_plan_still_says_who_to_ring(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["no-contingency"]()
    first = pages_of(render_person_copy(person, plan, practice), tmp_path)[0]
    assert "My GP practice — 0113 496 0123" in first
    assert "NHS 111 — 111" in first and "Emergency — 999" in first


@pytest.mark.parametrize("case", list(HARD_CASES))
def test_large_print_card_takes_at_most_two_pages_and_marks_what_continues(case: str, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES[case]()
    pdf = render_emergency_card(person, plan, practice, large_print=True)
    pages = pages_of(pdf, tmp_path)
    assert len(pages) <= 2
    for number, page in enumerate(pages[:-1], start=1):
        assert CONTINUED_BELOW in page, f"page {number} runs on without saying so"
        assert "(continued)" in pages[number]
        # Page 1 is filled before page 2 starts: its last line is in the bottom fifth of the page.
        lowest = min(y for y, *_ in _page_lines(pdf, large=True)[number - 1])
        assert lowest - pb.footer_room(pb.make_styles(large=True)) < pb.A4[1] / 5
    assert CONTINUED_BELOW not in pages[-1]
    assert min(size for _, size, _ in _sizes(pdf)) >= 16
    # Inside the whole copy the card also ends by page 2: the coordinator is there.
    copy = pages_of(render_person_copy(person, plan, practice, large_print=True), tmp_path)
    if plan.content.sharing.sharing.lead_coordinator_name:
        assert "My named coordinator:" in " ".join(copy[:2])


@pytest.mark.parametrize("case", list(HARD_CASES))
def test_standard_card_is_one_page_for_every_hard_case(case: str, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES[case]()
    pages = pages_of(render_emergency_card(person, plan, practice, large_print=False), tmp_path)
    assert len(pages) == 1 and CONTINUED_BELOW not in pages[0]


def test_the_card_alone_is_one_page_in_standard_print_for_three_plans(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    pdf = render_emergency_card(person, plan, practice, large_print=False)
    pages = pages_of(pdf, tmp_path)
    assert len(pages) == 1
    assert pages[0].startswith("My emergency card")
    assert pages[0].count("Red: I need help now") == 3


def test_standard_print_is_clear_print_and_red_numbers_are_14_point_bold() -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    sizes = _sizes(render_person_copy(person, plan, practice, large_print=False))
    assert min(size for _, size, _ in sizes) >= 10  # footers 10 pt, nothing smaller
    body = [size for text, size, _ in sizes if text.startswith("What matters to me")]
    assert body and min(body) >= 12
    assert ("999", 14.0, True) in sizes


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
def test_a_60_character_name_wraps_in_the_footer_and_keeps_the_nhs_number(
    large: bool, tmp_path: Path
) -> None:
    person, plan, practice = HARD_CASES["long-name"]()
    pdf = render_person_copy(person, plan, practice, large_print=large)
    for page in pages_of(pdf, tmp_path):
        assert f"{LONG_FIRST} {LONG_FAMILY}" in page or LONG_FAMILY in page
        assert "NHS number 999 000 1235" in page
    width = pb.A4[0]
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        xs: list[float] = []

        def visit(
            text: str, cm: list[float], tm: list[float], font: object, size: float, xs: list[float] = xs
        ) -> None:
            if text.strip():
                xs.append(tm[4] * cm[0] + cm[4] + pb.stringWidth(text.rstrip(), pb.FONT, size))

        page.extract_text(visitor_text=visit)
        assert max(xs) <= width - 10 * pb.mm, "text runs off the page"


def test_a_phone_number_never_breaks_but_a_note_after_it_wraps() -> None:
    marked = pb.phone("0113 496 0555 (Monday to Friday, 8am to 6pm; leave a message)")
    assert "0113\u00a0496\u00a00555" in marked
    assert " (Monday to Friday," in marked  # ordinary spaces: the note can wrap between words


# Issue 11 residuals: the card names my conditions and where my medicines are, and a page it runs on to
# says which part continues.


def _hardest_with_a_past_condition() -> Case:
    """The richest, hardest plan (fourteen medicines, three plans) with a resolved condition added."""
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    medical = plan.content.medical
    past = ConditionData("Fractured wrist", "", "My broken wrist", clinical_status="resolved")
    content = dataclasses.replace(
        plan.content, medical=dataclasses.replace(medical, conditions=(*medical.conditions, past))
    )
    return person, dataclasses.replace(plan, content=content), practice


@pytest.fixture(scope="module")
def hardest_copies() -> dict[str, bytes]:
    person, plan, practice = _hardest_with_a_past_condition()
    return {
        "standard": render_person_copy(person, plan, practice, large_print=False),
        "large": render_person_copy(person, plan, practice, large_print=True),
        "card": render_emergency_card(person, plan, practice, large_print=False),
        "card large": render_emergency_card(person, plan, practice, large_print=True),
    }


def test_the_card_names_my_current_conditions_and_the_page_my_medicines_are_on(
    hardest_copies: dict[str, bytes], tmp_path: Path
) -> None:
    _, plan, _ = _hardest_with_a_past_condition()
    current = [c.plain_name for c in plan.content.medical.conditions if not c.is_history]
    assert len(current) == 4
    pages = pages_of(hardest_copies["standard"], tmp_path)
    first = pages[0]
    # One page in standard print, and the conditions in full, after the allergies and before the zones.
    assert CONTINUED_BELOW not in first
    conditions = "My conditions: " + "; ".join(current)
    assert conditions in first
    assert first.index("My allergies") < first.index(conditions) < first.index("If I get worse")
    assert "My broken wrist" not in first  # a past condition is not one I have now
    page = re.search(r"My medicines are listed on page (\d+)\.", first)
    assert page and "The medicines I take now" in pages[int(page.group(1)) - 1]
    # The card alone is one page, names the same conditions and says where the medicines are.
    alone = pages_of(hardest_copies["card"], tmp_path)
    assert len(alone) == 1
    assert conditions in alone[0] and "My medicines are listed in my care and support plan." in alone[0]


def test_the_large_print_card_names_my_conditions_within_two_pages_never_splitting_a_zone(
    hardest_copies: dict[str, bytes], tmp_path: Path
) -> None:
    for kind in ("large", "card large"):
        pdf = hardest_copies[kind]
        pages = pages_of(pdf, tmp_path)
        card = pages[:2]
        joined = " ".join(card)
        assert "My conditions: COPD" in joined and "Arthritis in my knees" in joined, kind
        assert "My named coordinator:" in joined and "Next of kin:" in joined, kind
        if kind == "card large":
            assert len(pages) <= 2
        # Never split inside a zone: every zone's words are whole on one page.
        for zone in ("Red: I need help now.", "Amber: I am getting worse.", "Green: I feel well."):
            assert sum(page.count(zone) for page in card) == 3, (kind, zone)
        for page in card:
            for start in (m.start() for m in re.finditer("Red: I need help now", page)):
                assert "Who I call:" in page[start:], (kind, "a red zone ends its page before its numbers")


@pytest.mark.parametrize(
    ("case", "language", "large", "first_line"),
    [
        # Who coordinates my care runs on: at HEAD the heading said "If I get worse (continued)".
        ("no-contingency", "en-GB", True, "Who coordinates my care (continued)"),
        # Decisions for an emergency run on in the Welsh copy of a long name.
        ("long-name", "cy", False, "Penderfyniadau ar gyfer argyfwng (parhad)"),
        # A plan runs on part-way through: the plan is named.
        ("three-plans", "en-GB", True, "My heart failure (continued)"),
    ],
)
def test_a_page_the_card_runs_on_to_names_what_continues(
    case: str, language: str, large: bool, first_line: str, tmp_path: Path
) -> None:
    person, plan, practice = HARD_CASES[case]()
    pages = pages_of(
        render_emergency_card(person, plan, practice, large_print=large, language=language), tmp_path
    )
    assert len(pages) == 2
    assert pages[1].startswith(first_line)
    section = first_line.rsplit(" (", 1)[0]
    assert section in pages[0]  # the part that continues began on page 1


def test_the_continued_heading_names_the_part_or_the_card() -> None:
    _, plan, practice = HARD_CASES["three-plans"]()
    s = card_styles(pb.make_styles(large=True))
    blocks = card_blocks(plan, practice, s, medicines_on_page=True)
    by_text = {_words(b): b for b in blocks}
    title = "My care and support plan"

    def heading_for(starts: str) -> str:
        return continued_heading(next(b for text, b in by_text.items() if text.startswith(starts)), title)

    assert (
        heading_for("Amber: I am getting worse. I ring the heart failure") == "My heart failure (continued)"
    )
    assert heading_for("My heart failure") == "If I get worse (continued)"  # a new plan begins
    assert heading_for("If I get worse") == f"{title} (continued)"
    assert heading_for("Decisions for an emergency") == f"{title} (continued)"
    assert heading_for("Going into hospital") == "Decisions for an emergency (continued)"
    assert heading_for("Next of kin") == "Who coordinates my care (continued)"


def _words(block: Block) -> str:
    out = []
    for f in block.flowables:
        for inner in getattr(f, "_cellvalues", [[f]]):
            for cell in inner:
                for item in cell if isinstance(cell, list) else [cell]:
                    if isinstance(item, Paragraph):
                        out.append(item.getPlainText())
    return " ".join(out)
