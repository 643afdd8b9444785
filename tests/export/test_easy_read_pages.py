"""Every page of the easy-read copy starts with a heading that says what it is about.

A page that starts with the last bullet of a list, or part-way through a section, loses a reader who needs
easy read: the heading and its picture are what tell them what the words are about. The hardest plans are
rendered in English and Welsh and each page's first line is read back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from careplanner.export.copy_language import speaking, t
from careplanner.export.copy_medicines import CURRENT_HEADING, STOPPED_HEADING
from careplanner.export.easy_read import PICTURE_FOR, render_easy_read
from careplanner.export.sample_hard import HARD_CASES

CASES = ["three-plans", "fourteen-medicines", "no-contingency", "long-name"]


def _first_lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "easy.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    pages = text.stdout.split("\f")[:-1]
    return [" ".join(page.split())[:120] for page in pages]


@pytest.mark.parametrize("language", ["en-GB", "cy"])
@pytest.mark.parametrize("case", CASES)
def test_no_page_starts_with_a_stray_bullet_or_part_way_through_a_section(
    case: str, language: str, tmp_path: Path
) -> None:
    person, plan, practice = HARD_CASES[case]()
    pdf = render_easy_read(person, plan, practice, language=language)
    with speaking(language):
        headings = [t(h) for h in (*PICTURE_FOR, CURRENT_HEADING, STOPPED_HEADING)]
        continued = t("(continued)")
    starts = _first_lines(pdf, tmp_path)
    body = [i for i, page in enumerate(starts) if any(page.startswith(h) for h in headings)]
    assert body, starts  # the sections after the card were found
    for number, page in enumerate(starts[body[0] :], start=body[0] + 1):
        assert not page.startswith("•"), (number, page)
        named = any(page.startswith(h) for h in headings) or continued in page[:80]
        assert named, (number, page)
