"""A reviewing nurse imported Kwame Ahmed's record with Jane Jackson selected, and the preview never said
whose record it was. The preview now names the record's person first (name, date of birth, NHS number)
and says plainly when someone else is selected or open. Also from that walk: re-importing the app's own
export no longer says the record is "not active"; a second import keeps the first one's medicines on
offer; entries are named by what they are, not by their place in the file; the Why column is not cut off.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.medicine_rows import ImportedRecords
from careplanner.ui.record_import import RecordImport, install
from careplanner.ui.session import UserSession
from tests.conftest import make_person
from tests.fhir.gpconnect import example

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class Driver:
    """Answers the preview ("Import" or "Cancel"), keeping what it showed, and OKs every message box."""

    def __init__(self, qtbot: QtBot, preview: str) -> None:
        self.qtbot, self.preview = qtbot, preview
        self.dialog: dict[str, Any] = {}
        self.boxes: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ImportPreviewDialog) and not self.dialog:
            self.dialog = {
                "whose": modal.whose.text(),
                "not_them": modal.not_them.text() if modal.not_them.isVisible() else "",
                "summary": modal.summary.text(),
                "rows": modal.rows_shown(),
                "cut": _cut_off(modal),
            }
            button = modal.import_button if self.preview == "Import" else modal.cancel_button
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        elif isinstance(modal, QMessageBox):
            self.boxes.append(modal.text())
            ok = modal.button(QMessageBox.StandardButton.Ok)
            keep = [b for b in modal.buttons() if b.text().replace("&", "") == "Keep details held"]
            (ok or (keep[0] if keep else modal.buttons()[-1])).click()


def _cut_off(dialog: ImportPreviewDialog) -> list[str]:
    """The cells whose text does not fit their cell (wrapped at the column's width), and a horizontal
    scroll bar hiding columns: what the nurse saw as a Why column cut off."""
    table = dialog.table
    out = [f"scrolls sideways by {table.horizontalScrollBar().maximum()}"] * bool(
        table.horizontalScrollBar().maximum() > 0
    )
    metrics = QFontMetrics(table.font())
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is None or not item.text():
                continue
            width = table.columnWidth(column) - 8
            needed = metrics.boundingRect(0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, item.text()).height()
            if (
                needed > table.rowHeight(row)
                or table.columnViewportPosition(column) + 20 > table.viewport().width()
            ):
                out.append(item.text())
    return out


JANE = make_person(
    first_name="Jane", family_name="Jackson", date_of_birth=date(1975, 11, 9), nhs_number="999 000 1235"
)
KWAME = make_person(
    first_name="Kwame", family_name="Ahmed", date_of_birth=date(1945, 6, 16), nhs_number="999 126 0706"
)


def _own_export(ctx: AppContext, actor: Actor, person: PersonRecord, tmp_path: Path) -> Path:
    """The app's own UK Core export of the person, with a draft holding a medicine."""
    draft = ctx.services.plans.start_draft(person.id, actor)
    medicine = d.MedicineData(name="Ramipril 5mg capsules", dose="One a day")
    ctx.services.plans.save_section(draft.id, d.MedicalSection(medicines=(medicine,)), actor)
    bundle = ctx.services.exports.fhir_bundle(person.id, actor, with_pdf=False)
    path = tmp_path / f"{person.details.family_name}.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def _select(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    people = window.people
    people.model.refresh()
    qtbot.waitUntil(lambda: people.model.rowCount() >= 2)
    row = next(r for r in range(people.model.rowCount()) if people.model.person(r).id == person.id)
    people.table.selectRow(row)


def test_the_preview_says_whose_record_it_is_and_that_it_is_not_the_person_selected(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, session: UserSession, tmp_path: Path
) -> None:
    jane, kwame = (ctx.services.people.create(p, actor) for p in (JANE, KWAME))
    record = _own_export(ctx, actor, kwame, tmp_path)
    importer = install(window, ctx.services, session)
    _select(qtbot, window, jane)  # the nurse had Jane Jackson selected in the list

    driver = Driver(qtbot, "Cancel")
    assert importer.import_file(record) is None
    assert (
        driver.dialog["whose"] == "This record is for Kwame AHMED · born 16/06/1945 · NHS number 999 126 0706"
    )
    assert driver.dialog["not_them"].startswith(
        "This record is for Kwame Ahmed, not Jane Jackson, who is selected in the list."
    )
    assert ctx.services.plans.draft_of(jane.id) is None  # Cancel: nothing reached Jane

    _select(qtbot, window, kwame)  # the right person selected: no warning, only whose record it is
    driver = Driver(qtbot, "Cancel")
    assert importer.import_file(record) is None
    assert driver.dialog["whose"].startswith("This record is for Kwame AHMED")
    assert driver.dialog["not_them"] == ""


def test_the_person_open_in_the_app_is_named_when_the_record_is_someone_elses(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    jane, kwame = (ctx.services.people.create(p, actor) for p in (JANE, KWAME))
    path = _own_export(ctx, actor, kwame, tmp_path)
    preview = ctx.services.importer.preview(json.loads(path.read_text("utf-8")), actor)
    dialog = ImportPreviewDialog(preview, window, jane.summary, open_now=True)
    qtbot.addWidget(dialog)
    assert dialog.not_them.text().startswith("This record is for Kwame Ahmed, not Jane Jackson, who is open.")
    assert not dialog.not_them.isHidden()


def test_reimporting_the_apps_own_export_never_says_the_record_is_not_active(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, session: UserSession, tmp_path: Path
) -> None:
    jane = ctx.services.people.create(JANE, actor)
    path = _own_export(ctx, actor, jane, tmp_path)
    patient = next(
        e["resource"]
        for e in json.loads(path.read_text("utf-8"))["entry"]
        if e["resource"]["resourceType"] == "Patient"
    )
    assert "active" not in patient  # not stated: not the same as not active
    importer = RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)
    driver = Driver(qtbot, "Import")
    assert importer.import_file(path) is not None
    assert "not active" not in driver.dialog["summary"]
    assert "not active" not in driver.boxes[0]

    data = json.loads(path.read_text("utf-8"))
    for entry in data["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["active"] = False  # said, this time
    path.write_text(json.dumps(data), "utf-8")
    driver = Driver(qtbot, "Import")
    assert importer.import_file(path) is not None
    assert "The sending system marks this person's record as not active." in driver.boxes[0]


def test_a_second_import_keeps_the_first_ones_medicines_on_offer(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession, tmp_path: Path
) -> None:
    importer = RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)
    meds, allergies = tmp_path / "meds.json", tmp_path / "allergies.json"
    meds.write_text(json.dumps(example("meds_response")), "utf-8")
    allergies.write_text(json.dumps(example("allergies_response1")), "utf-8")
    answers = Driver(qtbot, "Import")
    first = importer.import_file(meds)
    answers = Driver(qtbot, "Import")
    second = importer.import_file(allergies)  # the same person's allergies: no medicines in it
    assert first is not None and second is not None and first.person_id == second.person_id, answers.boxes
    offered = ImportedRecords.of(ctx.services).medicines[first.person_id]
    assert [m.name for m in offered] == ["Aspirin 75mg dispersible tablets"]


def test_entries_left_out_are_named_by_what_they_are_and_the_why_column_is_not_cut_off(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession, tmp_path: Path
) -> None:
    path = tmp_path / "gp.json"
    path.write_text(json.dumps(example("meds_response")), "utf-8")
    importer = RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)
    driver = Driver(qtbot, "Import")
    assert importer.import_file(path) is not None
    skipped = [r for r in driver.dialog["rows"] if r[0] == "Skipped"]
    assert skipped and all(r[2] for r in skipped)  # each skipped medicine has its name in the Item column
    message = driver.boxes[0]
    assert "• Medicine: Amoxicillin 250mg capsules — " in message
    assert "(MedicationStatement)" not in message and "(MedicationRequest)" not in message
    assert driver.dialog["cut"] == []
