"""Issue 11: every document's PDF says its language (en-GB), has a title with no patient data that the
viewer shows, a real creation date (not 1 January 2000), only embedded fonts (no stray Helvetica), and
bookmarks from its headings. Read back with poppler's pdfinfo and pdffonts, and pypdf."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.export.conftest import Stored, pdf_text, store_plan

Make = Callable[[ExportService, Stored, Actor], bytes]
DOCUMENTS: dict[str, Make] = {
    "person's copy": lambda e, s, a: e.person_copy_pdf(s.person.id, a),
    "large print": lambda e, s, a: e.person_copy_pdf(s.person.id, a, large_print=True),
    "clinician summary": lambda e, s, a: e.clinician_summary_pdf(s.person.id, a),
    "preparation letter": lambda e, s, a: e.preparation_letter_pdf(s.person.id, a),
    "practice report": lambda e, s, a: e.practice_report_pdf(a),
}


def _tool(name: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run([name, str(path)], capture_output=True, check=True, text=True).stdout


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_metadata_language_date_and_fonts(
    kind: str,
    ctx: AppContext,
    actor: Actor,
    exports: ExportService,
    practice: PracticeSettings,
    tmp_path: Path,
) -> None:
    stored = store_plan(ctx, actor)
    pdf = DOCUMENTS[kind](exports, stored, actor)
    info = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in _tool("pdfinfo", pdf, tmp_path).splitlines())
    )
    d = stored.person.details
    assert info["Title"]
    for private in (
        d.first_name,
        d.family_name,
        d.nhs_number or "",
        d.nhs_number[-4:] if d.nhs_number else "",
    ):
        assert private and private not in info["Title"] and private not in info.get("Subject", "")
    assert str(ctx.services.clock.today().year) in info["CreationDate"]
    assert "2000" not in info["CreationDate"]
    fonts = _tool("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert not any("Helvetica" in line for line in fonts)
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_the_copy_has_bookmarks_that_go_to_their_headings(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    pdf = exports.person_copy_pdf(stored.person.id, actor, large_print=True)
    reader = PdfReader(io.BytesIO(pdf))
    marks = {
        m.title: reader.get_destination_page_number(m) for m in reader.outline if not isinstance(m, list)
    }
    assert "My medicines" in marks and "About me" in marks
    page = marks["My medicines"]
    assert page > 0  # large print: not on page 1
    one_page = PdfReader(io.BytesIO(pdf))
    text = one_page.pages[page].extract_text()
    assert "My medicines" in text
    assert "My medicines" in pdf_text(pdf, tmp_path)
