"""Printing from the app prints the PDF's own pages, and every print or save is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.users import Actor
from careplanner.ui.printing import DocumentActions, page_images, paint_pdf
from careplanner.ui.session import UserSession
from tests.conftest import make_person

pytestmark = pytest.mark.gui


def _person_with_plan(ctx: AppContext, actor: Actor) -> str:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(
        draft.id, d.AboutMeSection(about=d.AboutMeData(what_matters="Seeing my grandchildren")), actor
    )
    ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
    return person.id


def test_printed_pages_are_the_pdf_pages(ctx: AppContext, actor: Actor, qtbot: QtBot, tmp_path: Path) -> None:
    person_id = _person_with_plan(ctx, actor)
    pdf = ctx.services.exports.person_copy_pdf(person_id, actor)
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    images = page_images(pdf, 72)
    assert len(images) == pages
    assert not images[0].isNull()
    # An A4 page at 72 dpi is 595 x 842 points.
    assert abs(images[0].width() - 595) <= 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert paint_pdf(printer, pdf) == pages
    printed = PdfReader(out)
    assert len(printed.pages) == pages
    assert len(printed.pages[0].images) == 1  # the page itself, painted as an image


def test_save_as_pdf_writes_the_document_and_audits_it(
    ctx: AppContext, actor: Actor, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person_id = _person_with_plan(ctx, actor)
    window = QWidget()
    qtbot.addWidget(window)
    actions = DocumentActions(window, ctx.services, UserSession(actor), lambda: person_id)
    actions.build()
    target = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    actions.actions["pdf"].trigger()
    assert target.read_bytes().startswith(b"%PDF")
    printed = ctx.services.audit.entries(person_id=person_id, action="printed")
    assert len(printed) == 1
    assert "person_copy" in printed[0].detail
