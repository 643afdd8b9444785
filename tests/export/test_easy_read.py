"""Issue 11: the easy-read copy — the same emergency card first, a picture beside every section heading,
large type (nothing under 16 pt), every section of the copy, chosen automatically for a person whose
communication needs include easy read, and from the command line."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from careplanner.app import AppContext
from careplanner.clinical.enums import CommunicationNeed
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.easy_read import TITLE, build_story, easy_read_styles, render_easy_read
from careplanner.export.person_copy import render_person_copy
from careplanner.export.pictures import PictureHeading
from careplanner.export.plan_frame import build_frame
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.exports import ExportService
from careplanner.services.people import NeedEntry
from careplanner.services.plan_gaps import unmet_need_messages
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text
from tests.export.test_emergency_card import _sizes
from tests.export.test_export_cli import cli, home  # noqa: F401 - `home` is a fixture


def _flat(story: list[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for f in story:
        out += _flat(list(f._content)) if isinstance(f, KeepTogether) else [f]
    return out


@pytest.mark.parametrize("case", ["three-plans", "fourteen-medicines", "long-name", "draft"])
def test_every_section_heading_after_the_card_has_its_picture(case: str) -> None:
    person, plan, practice = HARD_CASES[case]()
    story = _flat(build_story(person, plan, practice, easy_read_styles()))
    pictured = [f for f in story if isinstance(f, PictureHeading)]
    texts = [f.getPlainText() for f in pictured]
    for wanted in ("About me", "My medicines", "My health conditions"):
        assert wanted in texts, wanted
    # No section heading is left without its picture: every h2 after the card's own headings is pictured.
    card_end = next(i for i, f in enumerate(story) if isinstance(f, PictureHeading))
    bare = [f.getPlainText() for f in story[card_end:] if isinstance(f, Paragraph) and f.style.name == "h2"]
    assert bare == []


def test_a_draft_easy_read_copy_is_marked_and_all_large_type(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["draft"]()
    pdf = render_easy_read(person, plan, practice)
    assert "Draft — not yet agreed" in pdf_text(pdf, tmp_path)
    assert min(size for text, size, _ in _sizes(pdf) if "DRAFT" not in text) >= 16


# A draft's diagonal watermark scatters its letters through the extracted text: it has its own test above.
@pytest.mark.parametrize("case", [case for case in HARD_CASES if case != "draft"])
def test_easy_read_starts_with_the_same_emergency_card_and_is_all_large_type(
    case: str, tmp_path: Path
) -> None:
    person, plan, practice = HARD_CASES[case]()
    easy = render_easy_read(person, plan, practice)
    large = render_person_copy(person, plan, practice, large_print=True)
    footer = pb.footer_room(pb.make_styles(large=True), build_frame(person, plan, TITLE))

    def card(pdf: bytes) -> str:
        """The card's words: everything above the footers before the first section after the card, without
        what a page break adds ("Continued on the next page.", "(continued)") or the document's name."""
        path = tmp_path / "doc.pdf"
        path.write_bytes(pdf)
        height = str(int(842 - footer))
        crop = ["-x", "0", "-y", "0", "-W", "595", "-H", height]
        run = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *crop, str(path), "-"], capture_output=True, text=True
        )
        pages = run.stdout.split("\f")
        # A page the card runs on to starts with "<the plan> (continued)": not the card's own words.
        pages = [pages[0], *(p.split("(continued)", 1)[-1] for p in pages[1:])]
        text = " ".join(" ".join(pages).split()).replace(TITLE, "My care and support plan")
        text = text.split("About me")[0].replace("Continued on the next page.", " ")
        text = re.sub(r"listed on page \d+", " ", text)
        # Easy read puts one idea on a line where large print runs them on with "; " between.
        return " ".join(text.replace(";", " ").split())

    assert card(easy) == card(large)
    smallest = min(size for _, size, _ in _sizes(easy))
    assert smallest >= 16


def test_a_person_who_needs_easy_read_gets_it_without_asking(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(
        make_person(communication_needs=(NeedEntry(CommunicationNeed.EASY_READ),)), actor
    )
    draft = ctx.services.plans.start_draft(person.id, actor)
    text = pdf_text(exports.person_copy_pdf(person.id, actor, plan_id=draft.id), tmp_path)
    assert TITLE in text
    entry = ctx.services.audit.entries(person_id=person.id, action="printed")[0]
    assert entry.detail.startswith("document=person_copy_easy_read")
    # Asked for the standard copy, they get it.
    text = pdf_text(exports.person_copy_pdf(person.id, actor, plan_id=draft.id, easy_read=False), tmp_path)
    assert TITLE not in text


def test_easy_read_is_no_longer_an_unmet_need() -> None:
    assert unmet_need_messages(((CommunicationNeed.EASY_READ, ""),)) == []
    assert unmet_need_messages(((CommunicationNeed.BRAILLE, ""),))  # braille still warned about


def test_the_command_line_prints_easy_read(home: Path, tmp_path: Path) -> None:  # noqa: F811
    out = home / "easy.pdf"
    done = cli(home, "export", "--nhs-number", "999 000 1235", "--pdf", str(out), "--easy-read")
    assert done.returncode == 0, done.stderr
    assert TITLE in pdf_text(out.read_bytes(), tmp_path)


# Issue 11 residuals: the easy-read card (pages 1 and 2 onward) is not dense — one idea to a line, more
# room, and a picture beside each of its headings — while saying the same words as the large-print card.


def _lines_with_x(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Each page's lines as (y, left-most x, text), top to bottom."""
    from io import BytesIO

    from pypdf import PdfReader

    pages: list[list[tuple[float, float, str]]] = []
    for page in PdfReader(BytesIO(pdf)).pages:
        runs: dict[float, list[tuple[float, str]]] = {}

        def visit(
            text: str, cm: list[float], tm: list[float], font: object, size: float, runs: dict = runs
        ) -> None:
            if text.strip():
                y = round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1)
                runs.setdefault(y, []).append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text.strip()))

        page.extract_text(visitor_text=visit)
        lines = [(y, min(x for x, _ in rs), " ".join(t for _, t in rs)) for y, rs in runs.items()]
        pages.append(sorted(lines, reverse=True))
    return pages


def _card_lines(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """The lines of the pages the card fills (up to the page "About me" starts on)."""
    pages = _lines_with_x(pdf)
    end = next(i for i, page in enumerate(pages) if any(text == "About me" for _, _, text in page))
    return pages[:end]


@pytest.fixture(scope="module")
def easy_and_large() -> tuple[bytes, bytes]:
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    return render_easy_read(person, plan, practice), render_person_copy(
        person, plan, practice, large_print=True
    )


def test_the_easy_read_card_puts_one_idea_on_a_line(easy_and_large: tuple[bytes, bytes]) -> None:
    easy, large = (_card_lines(pdf) for pdf in easy_and_large)
    easy_texts = [text for page in easy for _, _, text in page]
    large_texts = [text for page in large for _, _, text in page]
    # The zone, what I do, "Who I call:" and each number: each on a line of its own.
    assert easy_texts.count("Red: I need help now.") == 3
    assert easy_texts.count("Who I call:") == 7  # every zone with someone to call
    assert "My GP practice — 0113 496 0123" in easy_texts
    assert "My allergies:" in easy_texts and "Penicillin — rash all over (moderate)" in easy_texts
    assert "Who I call:" not in large_texts  # large print runs them on, as before

    def words_per_line(texts: list[str]) -> float:
        return sum(len(t.split()) for t in texts) / len(texts)

    assert words_per_line(easy_texts) < 0.8 * words_per_line(large_texts)  # the same at HEAD
    # More room: the easy-read lines are further apart than large print's, at the same type size.
    gaps = [a[0] - b[0] for page in easy for a, b in itertools.pairwise(page)]
    large_gaps = [a[0] - b[0] for page in large for a, b in itertools.pairwise(page)]
    assert min(gaps) > min(large_gaps)
    # Page 1 is not left half empty: its last line is in the bottom fifth above the footer.
    footer = pb.footer_room(pb.make_styles(large=True))
    assert min(y for y, _, _ in easy[0]) - footer < pb.A4[1] / 5


def test_each_heading_on_the_easy_read_card_has_its_picture_beside_it(
    easy_and_large: tuple[bytes, bytes],
) -> None:
    easy, large = (_card_lines(pdf) for pdf in easy_and_large)
    margin = float(pb.PAGE_MARGIN) + 6  # the frame's padding

    def left_of(pages: list[list[tuple[float, float, str]]], heading: str) -> float:
        return next(x for page in pages for _, x, text in page if text == heading)

    for heading in ("If I get worse", "My COPD", "Decisions for an emergency", "Who coordinates my care"):
        assert left_of(large, heading) == pytest.approx(margin, abs=1), heading
        assert left_of(easy, heading) > margin + 30, f"no picture beside {heading!r}"
