"""Issue 11: every document is a tagged PDF a screen reader can follow. Read back three independent ways:
the PDF/UA-1 checker `outloud` (installed from PyPI by the test command) finds no error; poppler's
`pdfinfo -struct-text` shows the headings, lists and table headers in reading order; and the page content
streams, parsed with pypdf, hold no text outside marked content (everything is in the tree or an artifact).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from careplanner.app import AppContext
from careplanner.export.easy_read import render_easy_read
from careplanner.export.emergency_card import render_emergency_card
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.export.conftest import store_plan
from tests.export.test_pdf_metadata import DOCUMENTS


def _outloud() -> str:
    found = shutil.which("outloud") or str(Path(sys.executable).with_name("outloud"))
    if not Path(found).exists():
        pytest.fail("the PDF/UA checker `outloud` is not installed: run ./scripts/test.sh")
    return found


def _errors(pdfs: dict[str, bytes], tmp_path: Path) -> dict[str, list[str]]:
    """Each document's PDF/UA errors (rule: message), from one run of the checker over them all."""
    paths = {}
    for number, (name, pdf) in enumerate(pdfs.items()):
        paths[name] = tmp_path / f"doc-{number}.pdf"
        paths[name].write_bytes(pdf)
    report = tmp_path / "report.json"
    subprocess.run(
        [_outloud(), "--fail-on", "never", "-q", "--json", str(report), *map(str, paths.values())],
        capture_output=True,
        check=True,
        timeout=600,
    )
    results = {r["path"]: r for r in json.loads(report.read_text())["results"]}
    found: dict[str, list[str]] = {}
    for name, path in paths.items():
        result = results[str(path)]
        errors = [f"{f['rule']}: {f['message']}" for f in result["findings"] if f["severity"] == "error"]
        if result["error"]:
            errors.append(f"unreadable: {result['error']}")
        if errors:
            found[name] = errors
    return found


def _struct(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, check=True, text=True
    ).stdout


def _text_outside_marked_content(pdf: bytes) -> list[str]:
    """Text-showing operators found outside any BDC/BMC … EMC, per page."""
    reader = PdfReader(io.BytesIO(pdf))
    loose: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        depth = 0
        for _operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
                assert depth >= 0, f"unbalanced EMC on page {number}"
            elif operator in (b"Tj", b"TJ", b"'", b'"', b"re", b"l", b"Do") and depth == 0:
                loose.append(f"page {number}: {operator.decode()}")
        assert depth == 0, f"marked content left open on page {number}"
    return loose


Render = Callable[[], bytes]


def _hard(case: str, *, large: bool, card: bool = False) -> Render:
    def render() -> bytes:
        person, plan, practice = HARD_CASES[case]()
        if card:
            return render_emergency_card(person, plan, practice, large_print=large)
        return render_person_copy(person, plan, practice, large_print=large)

    return render


def _easy(case: str) -> Render:
    def render() -> bytes:
        return render_easy_read(*HARD_CASES[case]())

    return render


HARD = {
    **{
        f"{case} {'large' if large else 'standard'}": _hard(case, large=large)
        for case in HARD_CASES
        for large in (False, True)
    },
    **{f"{case} easy read": _easy(case) for case in HARD_CASES},
}


def test_every_hard_case_is_tagged_with_no_pdf_ua_error(tmp_path: Path) -> None:
    pdfs = {name: render() for name, render in HARD.items()}
    pdfs["card alone, large print"] = _hard("three-plans", large=True, card=True)()
    # Welsh, with typed English tagged en-GB inside its paragraphs (test_pdf_language_tags).
    from tests.export.test_pdf_language_tags import split_over_two_pages

    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    pdfs["welsh standard"] = render_person_copy(person, plan, practice, language="cy")
    pdfs["welsh, a typed paragraph over two pages"] = split_over_two_pages()
    for name, pdf in pdfs.items():
        assert _text_outside_marked_content(pdf) == [], name
    assert _errors(pdfs, tmp_path) == {}


def test_every_document_kind_is_tagged_with_no_pdf_ua_error(
    ctx: AppContext, actor: Actor, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    pdfs = {kind: make(exports, stored, actor) for kind, make in DOCUMENTS.items()}
    for name, pdf in pdfs.items():
        assert _text_outside_marked_content(pdf) == [], name
    assert _errors(pdfs, tmp_path) == {}


def _lines(struct: str) -> list[tuple[str, str]]:
    """(role, text) for each element that directly holds text, in tree order."""
    out: list[tuple[str, str]] = []
    role = ""
    for raw in struct.splitlines():
        line = raw.strip()
        if line.startswith('"'):
            out.append((role, line.strip('"')))
        elif line and not line.startswith("/"):  # "/Scope /Column" is an attribute of the element above
            role = line.split()[0].rstrip(":")
    return out


def test_a_screen_reader_meets_the_headings_lists_and_medicines_table_in_reading_order(
    tmp_path: Path,
) -> None:
    pdf = _hard("fourteen-medicines", large=False)()
    found = _lines(_struct(pdf, tmp_path))
    roles = [role for role, _ in found]
    texts = [text for _, text in found]
    assert roles[0] == "H1"  # the title comes first, as a level-1 heading
    headings = [text for role, text in found if role in ("H1", "H2", "H3")]
    for wanted in ("If I get worse", "About me", "My medicines"):
        assert any(h.startswith(wanted) for h in headings), wanted
    # Reading order: the emergency card's "If I get worse" before the medicines, the medicines before
    # the agreement at the end.
    worse = next(i for i, t in enumerate(texts) if t.startswith("If I get worse"))
    medicines = next(i for i, (r, t) in enumerate(found) if r == "H2" and t.startswith("My medicines"))
    assert worse < medicines
    # The medicines table has its column headers as TH, and each medicine in a TD.
    assert ("TH", "Medicine") in found
    assert sum(1 for role, text in found if role == "TD" and "tablet" in text.lower()) >= 5
    # Bullet lines are list items.
    assert "LBody" in roles
