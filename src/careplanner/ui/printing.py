"""Printing and exporting from the app: the same pages as the PDF, through Qt's preview and print dialog.

Every document comes from `services.exports`, which writes the PRINTED / EXPORTED audit entry, so what is
printed is exactly the PDF and each print is recorded. Pages are rasterised with PDFium at the printer's
resolution (QtPdf is an Add-on module we do not ship).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtCore import QDate, QObject, QRect, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.output_guard import check_output_path, write_output
from careplanner.ui.coding_dialog import CodingDialog
from careplanner.ui.letter_details import LetterDetailsDialog, clinician_words
from careplanner.ui.print_preview import preview_dialog, say_saved, suggested_name
from careplanner.ui.session import UserSession

log = logging.getLogger("careplanner.ui.printing")

Producer = Callable[[], bytes]


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    """Each page of `pdf` as an image at `dpi` (the printer's own resolution, so text stays sharp)."""
    document = pdfium.PdfDocument(pdf)
    images: list[QImage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, force_bitmap_format=pdfium_c.FPDFBitmap_BGRA)
            # Format_ARGB32 is B, G, R, A in memory on little-endian machines, which is PDFium's BGRA.
            image = QImage(
                bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_ARGB32
            )
            images.append(image.copy())
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of `pdf` on `printer`, fitted to the printable area; returns the page count."""
    dpi = max(150, min(printer.resolution(), 600))
    images = page_images(pdf, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            target = image.size().scaled(area.width(), area.height(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
    return len(images)


class DocumentActions(QObject):
    """The Print / Save as PDF / Export actions of the main window, for the person on screen."""

    def __init__(
        self,
        window: QWidget,
        services: Services,
        session: UserSession,
        current_person: Callable[[], str | None],
        current_plan: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self._window, self._services, self._session = window, services, session
        self._current_person = current_person
        # The version on screen (the open draft or a chosen version), so what is printed is what is shown.
        self._current_plan = current_plan
        self.actions: dict[str, QAction] = {}

    def _add(
        self,
        key: str,
        text: str,
        slot: Callable[[], None],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.actions[key] = action
        return action

    def build(self) -> None:
        tr = self.tr
        self._add(
            "print", tr("&Print the person's copy…"), self.print_person_copy, QKeySequence.StandardKey.Print
        )
        self._add("pdf", tr("Save the person's copy as P&DF…"), self.save_person_copy, "Ctrl+Shift+S")
        self._add("large", tr("Print a &large-print copy…"), lambda: self.print_person_copy(large_print=True))
        self._add("easy", tr("Print an eas&y-read copy…"), lambda: self.print_person_copy(easy_read=True))
        self._add("welsh", tr("Print in &Welsh (Cymraeg)…"), lambda: self.print_person_copy(language="cy"))
        self._add("card", tr("Print the &emergency card only…"), self.print_emergency_card)
        self._add("summary", tr("Print the &clinician summary…"), self.print_clinician_summary)
        self._add("codes", tr("C&odes for the GP record…"), self.show_codes)
        self._add("letter", tr("Print a preparation &letter…"), self.print_preparation_letter)
        self._add("fhir", tr("&Export for other services (FHIR)…"), self.export_fhir)
        self._add("report", tr("Practice &report…"), self.print_practice_report)

    # ---- the person in front of us ------------------------------------------------------------------

    def _person(self) -> str | None:
        person_id = self._current_person()
        if person_id is None:
            QMessageBox.information(
                self._window, self.tr("Choose a person"), self.tr("Open or select a person first.")
            )
        return person_id

    def _run(self, produce: Producer, title: str) -> bytes | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return produce()
        except ServiceError as exc:
            QMessageBox.warning(self._window, title, str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()

    def _print(self, produce: Producer, title: str) -> None:
        pdf = self._run(produce, title)
        if pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)  # no patient data in spool file names
        # Large and fitted to the page width (ui/print_preview.py).
        preview = preview_dialog(printer, self._window, title, lambda p: paint_pdf(p, pdf))
        preview.exec()

    def _save(self, produce: Producer, title: str, suggested: str, filters: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self._window, title, str(Path.home() / suggested), filters)
        if not path:
            return
        try:
            # Before the document is made (and audited): never over the store or into its data folder.
            check_output_path(path, self._services.paths)
        except ServiceError as exc:
            QMessageBox.warning(self._window, title, str(exc))
            return
        data = self._run(produce, title)
        if data is None:
            return
        try:
            write_output(path, data, self._services.paths)
        except ServiceError as exc:
            QMessageBox.warning(self._window, title, str(exc))
            return
        except OSError as exc:
            QMessageBox.warning(
                self._window, title, self.tr("The file could not be saved: {0}").format(exc.strerror)
            )
            return
        log.info("Saved a document the user asked for")
        say_saved(self._window, path, self.tr)  # where it went (ui/print_preview.py)

    # ---- the actions ---------------------------------------------------------------------------------

    def print_person_copy(
        self, large_print: bool | None = None, easy_read: bool | None = None, language: str | None = None
    ) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor, plan_id = self._services.exports, self._session.actor, self._current_plan()
        self._print(
            lambda: exports.person_copy_pdf(
                person_id,
                actor,
                large_print=large_print,
                easy_read=easy_read,
                language=language,
                plan_id=plan_id,
            ),
            self.tr("My care and support plan"),
        )

    def print_emergency_card(self) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor, plan_id = self._services.exports, self._session.actor, self._current_plan()
        self._print(
            lambda: exports.emergency_card_pdf(person_id, actor, plan_id=plan_id),
            self.tr("My emergency card"),
        )

    def save_person_copy(self) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor = self._services.exports, self._session.actor
        plan_id = self._current_plan()
        self._save(
            lambda: exports.person_copy_pdf(person_id, actor, plan_id=plan_id),
            self.tr("Save the person's copy"),
            suggested_name("care-plan", ".pdf"),
            self.tr("PDF files (*.pdf)"),
        )

    def print_clinician_summary(self) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor = self._services.exports, self._session.actor
        self._print(lambda: exports.clinician_summary_pdf(person_id, actor), self.tr("Clinician summary"))

    def show_codes(self) -> None:
        """The coding block for the plan on screen (else the latest), to copy into the GP system."""
        if (person_id := self._person()) is None:
            return
        plan = self._services.exports.plan_to_print(person_id, self._current_plan())
        if plan is None:
            QMessageBox.information(self._window, self.tr("Codes"), self.tr("This person has no plan yet."))
            return
        dialog = CodingDialog(plan, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def print_preparation_letter(self) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor = self._services.exports, self._session.actor
        practice = exports.practice()
        dialog = LetterDetailsDialog(
            self._window,
            place=practice.practice_name if practice else "",
            with_whom=clinician_words(actor.display_name, actor.role.value) if actor.can_edit_plans else "",
            today=QDate.currentDate(),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        appointment = dialog.appointment()
        self._print(
            lambda: exports.preparation_letter_pdf(person_id, actor, appointment=appointment),
            self.tr("Preparation letter"),
        )

    def print_practice_report(self) -> None:
        exports, actor = self._services.exports, self._session.actor
        self._print(lambda: exports.practice_report_pdf(actor), self.tr("Practice report"))

    def export_fhir(self) -> None:
        if (person_id := self._person()) is None:
            return
        exports, actor = self._services.exports, self._session.actor
        self._save(
            lambda: json.dumps(exports.fhir_bundle(person_id, actor), indent=2).encode("utf-8"),
            self.tr("Export for other services"),
            suggested_name("care-plan", ".fhir.json"),
            self.tr("FHIR JSON (*.json)"),
        )


def install(window: QWidget, services: Services, session: UserSession) -> DocumentActions:
    """Add the document actions to the main window's Plan, File and Tools menus."""

    def current_person() -> str | None:
        editor = getattr(window, "editor", None)
        stack = getattr(window, "stack", None)
        if editor is not None and stack is not None and stack.currentWidget() is editor and editor.person:
            save_now = getattr(window, "save_now", None)
            if callable(save_now):
                save_now()  # print what is on screen, not what was last autosaved
            return str(editor.person.id)
        people = getattr(window, "people", None)
        if people is not None:
            index = people.table.currentIndex()
            if index.isValid():
                return str(people.model.person(index.row()).id)
        return None

    def current_plan() -> str | None:
        editor = getattr(window, "editor", None)
        stack = getattr(window, "stack", None)
        if editor is not None and stack is not None and stack.currentWidget() is editor and editor.plan:
            return str(editor.plan.id)  # the draft or version on screen, never a silent older one
        return None

    actions = DocumentActions(window, services, session, current_person, current_plan)
    actions.build()
    plan_menu = getattr(window, "plan_menu", None)
    if plan_menu is not None:
        plan_menu.addSeparator()
        for key in ("print", "pdf", "large", "easy", "welsh", "card", "summary", "codes", "letter"):
            plan_menu.addAction(actions.actions[key])
    file_menu = getattr(window, "file_menu", None)
    if file_menu is not None:
        first = file_menu.actions()[-1] if file_menu.actions() else None
        file_menu.insertAction(first, actions.actions["fhir"])
    tools_menu = getattr(window, "tools_menu", None)
    if tools_menu is not None:
        tools_menu.addAction(actions.actions["report"])
    return actions


def print_directly(printer: QPrinter, parent: QWidget, pdf: bytes) -> bool:
    """The system print dialog without a preview (used by keyboard-only printing)."""
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pdf(printer, pdf)
    return True
