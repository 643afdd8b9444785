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


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_preparation_letter_asks_for_the_appointment_and_prints_it(
    ctx: AppContext, actor: Actor, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QApplication

    from careplanner.ui import printing
    from careplanner.ui.letter_details import LetterDetailsDialog
    from tests.export.conftest import pdf_text

    person_id = _person_with_plan(ctx, actor)
    window = QWidget()
    qtbot.addWidget(window)
    actions = DocumentActions(window, ctx.services, UserSession(actor), lambda: person_id)
    actions.build()
    painted: list[bytes] = []
    real_paint = printing.paint_pdf

    def watch_paint(printer: QPrinter, pdf: bytes) -> int:
        painted.append(pdf)
        return real_paint(printer, pdf)

    monkeypatch.setattr(printing, "paint_pdf", watch_paint)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LetterDetailsDialog):
            seen.append(dialog.with_whom.text())
            qtbot.mouseClick(dialog.known, Qt.MouseButton.LeftButton)
            dialog.when.setDateTime(QDateTime(QDate(2026, 12, 3), QTime(10, 20)))
            dialog.place.clear()
            qtbot.keyClicks(dialog.place, "Riverside Surgery, room 3")
            dialog.accept()
            QTimer.singleShot(200, answer)
        elif isinstance(dialog, QPrintPreviewDialog):
            dialog.reject()
        else:
            QTimer.singleShot(100, answer)

    QTimer.singleShot(100, answer)
    actions.actions["letter"].trigger()
    assert seen == [f"{actor.display_name} (practice nurse)"]  # with whom: the signed-in clinician
    assert painted, "the print preview never painted the letter"
    text = pdf_text(painted[-1], tmp_path)
    assert "on Thursday 3 December 2026 at 10:20, at Riverside Surgery, room 3, with" in text
    assert ctx.services.audit.entries(person_id=person_id, action="printed")[0].detail == (
        "document=preparation_letter"
    )


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_plan_menu_prints_an_easy_read_copy(
    ctx: AppContext, actor: Actor, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QApplication

    from careplanner.export.easy_read import TITLE
    from careplanner.ui import printing
    from tests.export.conftest import pdf_text

    person_id = _person_with_plan(ctx, actor)
    window = QWidget()
    qtbot.addWidget(window)
    actions = DocumentActions(window, ctx.services, UserSession(actor), lambda: person_id)
    actions.build()
    painted: list[bytes] = []
    real_paint = printing.paint_pdf
    monkeypatch.setattr(printing, "paint_pdf", lambda p, pdf: painted.append(pdf) or real_paint(p, pdf))

    def close_preview() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintPreviewDialog):
            dialog.reject()
        else:
            QTimer.singleShot(100, close_preview)

    QTimer.singleShot(100, close_preview)
    actions.actions["easy"].trigger()
    assert painted and TITLE in pdf_text(painted[-1], tmp_path)
    printed = ctx.services.audit.entries(person_id=person_id, action="printed")
    assert printed[0].detail.startswith("document=person_copy_easy_read")
