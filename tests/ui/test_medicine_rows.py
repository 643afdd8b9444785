"""The medicines step: each medicine's line shows at once, as it is typed, whether it was recognised for
the anticholinergic burden; and after the person's record is imported, the medicine name field offers
that record's medicines to pick (or the clinician types any other)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.users import Actor
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.record_import import RecordImport
from careplanner.ui.session import UserSession
from careplanner.ui.steps.medical import MedicalStep
from tests.conftest import make_person
from tests.fhir.gpconnect import example
from tests.ui.helpers import alt

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _medical(window: MainWindow, person_id: str) -> MedicalStep:
    window.open_person(person_id)
    window.editor.go_to("medical")
    step = window.editor.step("medical")
    assert isinstance(step, MedicalStep)
    return step


def _rows(step: MedicalStep) -> list[str]:
    return [step.medicines.list.item(i).text() for i in range(step.medicines.list.count())]


def test_each_medicine_line_says_at_once_whether_it_counted_for_the_acb(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    person = ctx.services.people.create(make_person(first_name="Iris", family_name="Testrows"), actor)
    step = _medical(window, person.id)
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    name = QApplication.focusWidget()
    qtbot.keyClicks(name, "Seroq")
    assert _rows(step)[-1] == "Seroq   [ACB: not recognised — check by hand]"  # while still typing
    qtbot.keyClicks(name, "uel 25mg")
    assert _rows(step)[-1] == "Seroquel 25mg   [ACB 3]"  # the brand, recognised
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Oxybutinin 5mg")
    assert (
        _rows(step)[-1] == "Oxybutinin 5mg   [ACB: not recognised (did you mean oxybutynin?) — check by hand]"
    )
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Atropine 1% eye drops")
    assert _rows(step)[-1] == "Atropine 1% eye drops   [ACB: not counted (skin, eye or ear)]"


def _import(qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession, path: Path) -> str:
    importer = RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ImportPreviewDialog):
            qtbot.mouseClick(modal.import_button, Qt.MouseButton.LeftButton)
        elif isinstance(modal, QMessageBox):
            modal.button(QMessageBox.StandardButton.Ok).click()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    result = importer.import_file(path)
    timer.stop()
    assert result is not None
    return result.person_id


def test_after_an_import_the_records_medicines_are_offered_to_pick(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession, actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "gp.json"
    path.write_text(json.dumps(example("meds_response")), "utf-8")
    person_id = _import(qtbot, window, ctx, session, path)
    window.activateWindow()  # back to the main window once the import's boxes have closed
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    step = _medical(window, person_id)
    imported = step.medicines.items()[0]
    assert imported.name == "Aspirin 75mg dispersible tablets"
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    assert step.record_medicines.model.stringList() == []  # already in the list: never offered twice
    qtbot.mouseClick(step.medicines.remove_button, Qt.MouseButton.LeftButton)  # the new, empty row
    step.medicines.select(0)
    qtbot.mouseClick(step.medicines.remove_button, Qt.MouseButton.LeftButton)  # the imported one
    assert step.medicines.items() == ()
    assert step.record_medicines.model.stringList() == ["Aspirin 75mg dispersible tablets"]
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)
    name = step.record_medicines.name_edit
    assert QApplication.focusWidget() is name
    qtbot.keyClicks(name, "aspir")
    popup = step.record_medicines.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    picked = step.medicines.items()[-1]
    assert picked.name == "Aspirin 75mg dispersible tablets"
    assert (picked.dose, picked.dmd_code) == (imported.dose, imported.dmd_code) and picked.dmd_code
    assert _rows(step)[-1].startswith("Aspirin 75mg dispersible tablets")

    other = ctx.services.people.create(make_person(first_name="Bea", nhs_number=""), actor)
    assert _medical(window, other.id).record_medicines.model.stringList() == []  # nothing carries over
