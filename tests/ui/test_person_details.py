"""Person → Edit the person's details… (issue 12): a mistyped name or date of birth is corrected in the
app, checked as it is typed, audited by field name only; the NHS number already recorded is shown and
cannot be changed here; a read-only account is not offered the edit."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services.audit import Action
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.person_details import PersonDetailsDialog
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests.ui.test_open_to_read import open_from_list

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def details_dialog(qtbot: QtBot, window: MainWindow) -> PersonDetailsDialog:
    assert window.person_details.action.isEnabled()
    window.person_details.action.trigger()
    qtbot.waitUntil(lambda: window.person_details.dialog is not None)
    dialog = window.person_details.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def save(qtbot: QtBot, dialog: PersonDetailsDialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_mistyped_name_and_date_of_birth_are_corrected_and_audited_by_field(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    open_from_list(qtbot, window, "testwell", person)
    dialog = details_dialog(qtbot, window)
    nhs = dialog.edits["nhs_number"]
    assert nhs.isReadOnly() and nhs.text() == "943 476 5919"

    retype(qtbot, dialog.edits["first_name"], "Adah")
    retype(qtbot, dialog.edits["date_of_birth"], "31/02/1950")
    retype(qtbot, dialog.edits["phone"], "01632 960123")
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.errors["date_of_birth"].isVisible()
    assert "does not exist" in dialog.errors["date_of_birth"].text()
    assert ctx.services.audit.entries(person_id=person.id, action=Action.PERSON_UPDATED) == []

    retype(qtbot, dialog.edits["date_of_birth"], "02/03/1950")
    save(qtbot, dialog)

    qtbot.waitUntil(lambda: window.person_details.dialog is None)
    stored = ctx.services.people.get(person.id)
    assert stored.details.first_name == "Adah" and stored.details.date_of_birth == date(1950, 3, 2)
    assert [t.value for t in stored.details.telecoms if t.system == "phone"] == ["01632 960123"]
    assert stored.details.nhs_number == person.details.nhs_number
    entry = ctx.services.audit.entries(person_id=person.id, action=Action.PERSON_UPDATED)[0]
    assert entry.detail == "fields=first_name,date_of_birth,telecoms"
    banner = window.editor.banner.text()
    assert "TESTWELL, Adah" in banner and "02/03/1950" in banner
    assert ctx.services.plans.history(person.id) == []  # editing details starts no plan


def test_a_person_with_no_nhs_number_may_have_one_added_checked(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    from tests.conftest import make_person

    made = ctx.services.people.create(
        make_person(first_name="Bea", family_name="Newcombe", nhs_number=None), actor
    )
    open_from_list(qtbot, window, "newcombe", made)
    dialog = details_dialog(qtbot, window)
    nhs = dialog.edits["nhs_number"]
    assert not nhs.isReadOnly()
    qtbot.keyClicks(nhs, "943 476 5918")  # wrong check digit
    save(qtbot, dialog)
    assert dialog.errors["nhs_number"].isVisible()
    retype(qtbot, nhs, "943 476 5919")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: window.person_details.dialog is None)
    assert ctx.services.people.get(made.id).details.nhs_number == "9434765919"


def test_a_read_only_account_is_not_offered_the_edit(
    qtbot: QtBot, ctx: AppContext, person: PersonRecord, actor: Actor
) -> None:
    reader = ctx.services.users.create(
        username="rory", display_name="Rory Reader", role=UserRole.READ_ONLY, actor=actor
    )
    application()
    QSettings().clear()
    window = MainWindow(ctx.services, UserSession(reader), Worker(inline=True))
    qtbot.addWidget(window)
    window.show()
    open_from_list(qtbot, window, "testwell", person)
    assert not window.person_details.action.isEnabled()
    window.person_details.edit()
    assert window.person_details.dialog is None
