"""Issue 11: the easy-read copy — the same emergency card first, a picture beside every section heading,
large type (nothing under 16 pt), every section of the copy, chosen automatically for a person whose
communication needs include easy read, and from the command line."""

from __future__ import annotations

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
        return " ".join(text.split())

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
