"""File → Import a record (FHIR): the app refuses someone else's record under a held NHS number, and shows
which of a person's details would change and changes them only when the clinician chooses to."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.record_import import RecordImport, install
from careplanner.ui.session import UserSession
from tests.conftest import make_person

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class Answers:
    """Answers the message boxes and the preview the import shows, in order: each answer is a button's
    text ("Import", "OK", "Update details", "Keep details held", "Cancel"). Records what each said."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, ImportPreviewDialog) and self.answers:
            self.seen.append(box.summary.text())
            wanted = self.answers.pop(0)
            button = box.import_button if wanted == "Import" else box.cancel_button
            assert button.text().replace("&", "") == wanted
            button.click()
            return
        if not isinstance(box, QMessageBox) or not self.answers:
            return
        self.seen.append(" ".join(t for t in (box.text(), box.informativeText()) if t))
        wanted = self.answers.pop(0)
        for button in box.buttons():
            if button.text().replace("&", "") == wanted:
                button.click()
                return
        raise AssertionError(f"no button {wanted!r} in {[b.text() for b in box.buttons()]}")


@pytest.fixture
def held(ctx: AppContext, actor: Actor) -> PersonRecord:
    return ctx.services.people.create(make_person(), actor)


@pytest.fixture
def importer(qtbot: QtBot, window: MainWindow, ctx: AppContext, session: UserSession) -> RecordImport:
    return RecordImport(window, ctx.services, session, lambda: False, lambda _id: None)


def _record(tmp_path: Path, **patient: Any) -> Path:
    """A synthetic record for the held person (make_person), with `patient` fields changed."""
    resource = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
        "name": [{"use": "official", "family": "Quennell-Synthetic", "given": ["Zoë"]}],
        "gender": "unknown",
        "birthDate": "1948-03-14",
        **patient,
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
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource}, {"resource": allergy}],
    }
    path = tmp_path / "record.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def test_someone_elses_record_is_refused_and_nothing_changes(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(
        tmp_path, birthDate="1950-01-01", name=[{"family": "Smythe-Synthetic", "given": ["Rachel"]}]
    )
    answers = Answers("OK")
    assert importer.import_file(path) is None
    assert answers.seen == [
        "This record's NHS number belongs to a different person in this store (date of birth and family name "
        "differ). Nothing was imported. Check the record is for the right person."
    ]
    assert ctx.services.people.get(held.id).details == held.details
    assert ctx.services.plans.draft_of(held.id) is None


def test_changed_details_are_shown_and_cancel_imports_nothing(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(tmp_path, name=[{"family": "QUENNELL-SYNTHETIC", "given": ["Zoe"]}], gender="female")
    answers = Answers("Import", "Cancel")
    assert importer.import_file(path) is None
    assert answers.seen[1].startswith(
        "This record would change the person's details: first name, family name (spelling), sex."
    )
    assert ctx.services.people.get(held.id).details == held.details
    assert ctx.services.plans.draft_of(held.id) is None


def test_update_details_applies_them_and_says_so(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(tmp_path, name=[{"family": "Quennell-Synthetic", "given": ["Zoe"]}])
    answers = Answers("Import", "Update details", "OK")
    result = importer.import_file(path)
    assert result is not None and result.details_changed == ("first name",)
    assert ctx.services.people.get(held.id).details.first_name == "Zoe"
    assert "Updated the person's details: first name." in answers.seen[2]


def test_keep_details_imports_the_record_but_not_the_details(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(tmp_path, name=[{"family": "Quennell-Synthetic", "given": ["Zoe"]}])
    answers = Answers("Import", "Keep details held", "OK")
    result = importer.import_file(path)
    assert result is not None and result.details_kept == ("first name",)
    assert ctx.services.people.get(held.id).details.first_name == "Zoë"
    draft = ctx.services.plans.draft_of(held.id)
    assert draft is not None and [a.substance for a in draft.content.medical.allergies] == ["Penicillin"]
    assert "Kept the person's details as held (the record differs in: first name)." in answers.seen[2]


def test_the_file_menu_offers_the_import(window: MainWindow, ctx: AppContext, session: UserSession) -> None:
    install(window, ctx.services, session)
    texts = [a.text().replace("&", "") for a in window.file_menu.actions()]
    assert "Import a record (FHIR)…" in texts


def test_no_nhs_number_and_a_held_namesake_asks_and_cancel_imports_nothing(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(tmp_path, identifier=[])
    answers = Answers("Cancel")
    assert importer.import_file(path) is None
    assert answers.seen[0].startswith(
        "This record has no NHS number, and a person with the same family name and date of birth is already "
        "held."
    )
    assert [p.id for p in ctx.services.people.search(limit=10)] == [held.id]
    assert ctx.services.plans.draft_of(held.id) is None


def test_no_nhs_number_adds_a_new_person_only_when_chosen(
    ctx: AppContext, importer: RecordImport, held: PersonRecord, tmp_path: Path
) -> None:
    path = _record(tmp_path, identifier=[])
    answers = Answers("Add a new person", "Import", "OK")
    result = importer.import_file(path)
    assert result is not None and result.created_person and result.person_id != held.id
    assert len(ctx.services.people.search(limit=10)) == 2
    assert (
        "Added to the draft: 1 allergies. Updated in the draft: nothing. Nothing was removed."
        in answers.seen[2]
    )


def test_a_fifo_is_refused_without_waiting_for_it(importer: RecordImport, tmp_path: Path) -> None:
    fifo = tmp_path / "record.json"
    os.mkfifo(fifo)
    answers = Answers("OK")
    assert importer.import_file(fifo) is None
    assert answers.seen == ["The file to import must be an ordinary file (not a folder or a device)."]
