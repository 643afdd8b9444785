"""With the practice's details not set, the copy leaves room to write the practice's name and number in.

Read as a carer at 3 a.m.: a zone may say "I ring the practice the same day", so page 1 must carry the
practice's number, or a space where the nurse writes it, never nothing at all.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from careplanner.export.copy_page_one import WRITE_IN
from careplanner.export.emergency_card import render_emergency_card
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES


def _page_one(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(out.stdout.split())


@pytest.mark.parametrize("large_print", [False, True])
def test_no_practice_details_leaves_a_line_to_write_them_in(large_print: bool, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["no-practice"]()
    assert practice is None
    copy = _page_one(render_person_copy(person, plan, practice, large_print=large_print), tmp_path)
    card = _page_one(render_emergency_card(person, plan, practice, large_print=large_print), tmp_path)
    for text in (copy, card):
        assert f"My GP practice: {WRITE_IN} — {WRITE_IN}" in text


def test_the_practice_details_print_when_set(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    assert practice is not None
    text = _page_one(render_person_copy(person, plan, practice, large_print=False), tmp_path)
    assert f"My GP practice: {practice.practice_name}" in text
    assert WRITE_IN not in text
