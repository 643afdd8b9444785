"""File → Import a record shows a preview before anything is written: each entry and what happens to it
(added, updated, skipped and why, not read), for UK Core R4 bundles and GP Connect structured records.
Cancel (the default button) writes nothing, not even an audit entry; Import imports, and the message
afterwards says what came in and what was ignored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.record_import import RecordImport
from careplanner.ui.session import UserSession
from tests.conftest import make_person
from tests.fhir.gpconnect import example

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class Driver:
    """Answers the preview as a person would (`preview`: "click Import", "click Cancel", "Return") and
    presses OK on any message box after it; keeps what the preview showed and what each box said."""

    def __init__(self, qtbot: QtBot, preview: str) -> None:
        self.qtbot, self.preview = qtbot, preview
        self.rows: list[tuple[str, str, str, str]] = []
        self.summary = ""
        self.boxes: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ImportPreviewDialog) and not self.rows:
            self.rows, self.summary = modal.rows_shown(), modal.summary.text()
            if self.preview == "Return":
                self.qtbot.keyClick(modal, Qt.Key.Key_Return)
            else:
                button = modal.import_button if self.preview == "click Import" else modal.cancel_button
                self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        elif isinstance(modal, QMessageBox):
            self.boxes.append(modal.text())
            modal.button(QMessageBox.StandardButton.Ok).click()


@pytest.fixture
def importer(qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession) -> RecordImport:
    return RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)


@pytest.fixture
def held(ctx: AppContext, actor: Actor) -> PersonRecord:
    return ctx.services.people.create(make_person(), actor)


def _uk_core(tmp_path: Path) -> Path:
    """A UK Core R4 record for the held person: a current medicine, a medicine stopped in the past,
    an allergy and a consultation (a kind Care Planner does not read)."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
        "name": [{"use": "official", "family": "Quennell-Synthetic", "given": ["Zoë"]}],
        "gender": "unknown",
        "birthDate": "1948-03-14",
    }

    def medicine(name: str, status: str) -> dict[str, Any]:
        return {
            "resourceType": "MedicationStatement",
            "status": status,
            "subject": {"reference": "Patient/p1"},
            "medicationCodeableConcept": {"text": name},
        }

    allergy = {
        "resourceType": "AllergyIntolerance",
        "patient": {"reference": "Patient/p1"},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"text": "Penicillin"},
    }
    encounter = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": "Patient/p1"},
    }
    entries = [
        patient,
        medicine("Amitriptyline 10mg tablets", "active"),
        medicine("Oxybutynin 5mg", "completed"),
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in (*entries, allergy, encounter)],
    }
    path = tmp_path / "record.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def _audit_count(ctx: AppContext) -> int:
    return len(ctx.services.audit.entries(limit=100_000))


def test_gp_connect_record_is_previewed_and_cancel_writes_nothing(
    ctx: AppContext, importer: RecordImport, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "gp.json"
    path.write_text(json.dumps(example("meds_response")), "utf-8")
    before = _audit_count(ctx)
    driver = Driver(qtbot, "click Cancel")
    assert importer.import_file(path) is None
    assert "From: GP Connect (FHIR STU3)." in driver.summary
    assert "a person not yet held" in driver.summary
    assert ("Will be added", "a current medicine (dm+d coded)", "Aspirin 75mg dispersible tablets", "") in (
        driver.rows
    )
    skipped = [r for r in driver.rows if r[0] == "Skipped"]
    assert len(skipped) == 2 and all("a past medicine" in r[3] for r in skipped)
    assert any(r[:2] == ("Not read", "a prescription") for r in driver.rows)
    assert ctx.services.people.search(limit=10) == []  # no one added
    assert _audit_count(ctx) == before  # not even an audit entry
    assert driver.boxes == []


def test_uk_core_record_preview_then_import_says_what_came_in_and_what_was_ignored(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, qtbot: QtBot, tmp_path: Path
) -> None:
    driver = Driver(qtbot, "click Import")
    result = importer.import_file(_uk_core(tmp_path))
    assert result is not None and result.person_id == held.id, driver.boxes
    assert "a person already held" in driver.summary
    assert "2 to add, 0 to update, 1 skipped, 1 not read" in driver.summary
    assert ("Will be added", "a current medicine", "Amitriptyline 10mg tablets", "") in driver.rows
    assert ("Will be added", "a current allergy", "Penicillin", "") in driver.rows
    assert ("Skipped", "a medicine", "Oxybutynin 5mg", "status completed, so not imported") in driver.rows
    draft = ctx.services.plans.draft_of(held.id)
    assert draft is not None
    assert [m.name for m in draft.content.medical.medicines] == ["Amitriptyline 10mg tablets"]
    message = driver.boxes[0]
    assert "Added to the draft: 1 medicines, 1 allergies." in message
    assert "Not imported:" in message and "Ignored (kinds of entry Care Planner does not read):" in message
    assert "Encounter" in message


def test_return_in_the_preview_cancels_and_writes_nothing(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, qtbot: QtBot, tmp_path: Path
) -> None:
    before = _audit_count(ctx)
    driver = Driver(qtbot, "Return")
    assert importer.import_file(_uk_core(tmp_path)) is None
    assert driver.rows  # the preview was shown
    assert ctx.services.plans.draft_of(held.id) is None
    assert _audit_count(ctx) == before
