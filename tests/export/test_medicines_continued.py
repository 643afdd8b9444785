"""A medicines list that runs on to another page says so at the top of that page.

Read as a paramedic handed one page: a page that starts part-way through "The medicines I take now" must
say what the list is, not begin with a bare medicine name.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from careplanner.export.copy_medicines import current_medicines
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES


@pytest.mark.parametrize(
    ("large_print", "language", "heading", "continued"),
    [
        (True, "en-GB", "The medicines I take now", "The medicines I take now (continued)"),
        (False, "en-GB", "The medicines I take now", "The medicines I take now (continued)"),
        (
            True,
            "cy",
            "Y meddyginiaethau rwy'n eu cymryd nawr (The medicines I take now)",
            "Y meddyginiaethau rwy'n eu cymryd nawr (The medicines I take now) (parhad)",
        ),
    ],
)
def test_every_page_of_the_medicines_list_names_it(
    tmp_path: Path, large_print: bool, language: str, heading: str, continued: str
) -> None:
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    pdf = render_person_copy(person, plan, practice, large_print=large_print, language=language)
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    pages = text.stdout.split("\f")
    flat = [" ".join(page.split()) for page in pages]  # a name wraps inside a narrow table column
    names = [m.name for m in current_medicines(plan)]
    start = next(i for i, page in enumerate(flat) if heading in page)
    holding = [i for i, page in enumerate(flat) if i >= start and any(name in page for name in names)]
    # The medicines list is long enough to run on: otherwise this test proves nothing.
    assert len(holding) >= 2, holding
    first, *later = holding
    assert first == start
    for i in later:
        # The repeated heading starts the page (it may wrap over two lines), before any medicine.
        assert flat[i].startswith(continued), (i, flat[i][:120])
    assert continued not in flat[first]
