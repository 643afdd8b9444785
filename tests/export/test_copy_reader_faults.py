"""Issue 11: faults a carer and a paramedic found reading the printed copy.

An old (replaced) copy looked current; the card dropped "My conditions" silently; a red zone ran the
Careline number into the next sentence; inhalers were printed "by mouth"; the declined-plan record had no
allergy line although the card for the same person has one. Each test reads a real render with pdftotext.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
from pathlib import Path

from pypdf import PdfReader

from careplanner.export.copy_language import WELSH, catalogue, recording
from careplanner.export.emergency_card import render_emergency_card
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.plan_data import PlanVersion
from tests.export.conftest import pdf_text

BAND = "REPLACED by version 3 — not my current plan"
THROW_AWAY = "This copy was replaced by version 3 — please throw it away."


def _replaced(plan: PlanVersion) -> PlanVersion:
    """Version 2 as the service reads it once version 3 is agreed."""
    return dataclasses.replace(plan, superseded=True, replaced_by_version=3)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_replaced_copy_says_so_on_every_page_and_is_not_to_be_kept(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    pdf = render_person_copy(person, _replaced(plan), practice, large_print=False)
    pages = _pages(pdf)
    assert len(pages) >= 4
    for page in pages:
        assert BAND in page  # the red band across the top of every page
    text = pdf_text(pdf, tmp_path)
    assert THROW_AWAY in text
    assert "please throw older copies away" not in text  # this IS the older copy
    card = _pages(render_emergency_card(person, _replaced(plan), practice, large_print=False))
    assert len(card) == 1 and BAND in card[0]


def test_the_current_copy_has_no_replaced_band(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    text = pdf_text(render_person_copy(person, plan, practice, large_print=False), tmp_path)
    assert "REPLACED" not in text
    assert "This replaces version 1 — please throw older copies away." in text


def test_a_replaced_welsh_copy_says_so_in_welsh_and_in_english(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    with recording() as used:
        pdf = render_person_copy(person, _replaced(plan), practice, large_print=False, language=WELSH)
    welsh = catalogue(WELSH)
    assert sorted(k for k in used if k not in welsh and k not in welsh.values()) == []
    for page in _pages(pdf):
        assert "WEDI'I DDISODLI gan fersiwn 3" in page
        assert BAND in page
    text = pdf_text(pdf, tmp_path)
    assert "Mae fersiwn 3 wedi disodli'r copi hwn" in text and THROW_AWAY in text


def test_conditions_left_off_the_card_say_where_they_are() -> None:
    # The 60-character name leaves no room on the large-print card alone for the list of conditions.
    person, plan, practice = HARD_CASES["long-name"]()
    card = _pages(render_emergency_card(person, plan, practice, large_print=True))
    assert len(card) <= 2
    text = " ".join(card)
    assert "My conditions:" not in text
    assert "My conditions and medicines are listed in my plan." in text


def test_conditions_left_off_page_one_give_their_page() -> None:
    # The long name's footer takes the room the list of conditions needs on page 1.
    person, plan, practice = HARD_CASES["long-name"]()
    pages = _pages(render_person_copy(person, plan, practice, large_print=False))
    assert "My conditions:" not in pages[0]
    number = next(n for n, page in enumerate(pages, start=1) if "My health conditions" in page)
    assert number > 1
    assert f"My conditions are listed on page {number}." in pages[0]


def test_the_careline_number_stands_alone_before_the_999_line(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    pdf = render_emergency_card(person, plan, practice, large_print=False)
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert "If it is an emergency, I ring 999." in lines  # a line of its own
    assert not any("0444 If it is" in line for line in lines)


def test_inhalers_are_inhaled_not_taken_by_mouth(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    inhalers = [m for m in plan.content.medical.medicines if "inhaler" in m.name.lower()]
    assert len(inhalers) == 3 and {m.how_taken for m in inhalers} == {"inhaled"}
    text = pdf_text(render_person_copy(person, plan, practice, large_print=True), tmp_path)
    assert text.count("inhaled") == 3


def test_the_declined_record_prints_the_cards_allergy_line(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["declined"]()
    record = pdf_text(render_person_copy(person, plan, practice, large_print=False), tmp_path)
    card = pdf_text(render_emergency_card(person, plan, practice, large_print=False), tmp_path)
    line = "My allergies: Allergies not recorded — ask your GP practice."
    assert line in card
    assert line in record
    assert record.index(line) < record.index("I chose not to have a written care and support plan.")
