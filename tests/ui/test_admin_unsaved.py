"""The directory and template editors (issue 12): Save stays put while a number is typed, and closing with
unsaved edits asks Save / Discard / Cancel instead of dropping them."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.services.users import Actor
from careplanner.ui.admin_directory import DirectoryAdminDialog
from careplanner.ui.admin_templates import TemplateAdminDialog
from careplanner.ui.unsaved_close import UnsavedGuard

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _click(qtbot: QtBot, widget: QWidget | None) -> None:
    assert widget is not None
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def _close(qtbot: QtBot, dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    _click(qtbot, box.button(QDialogButtonBox.StandardButton.Close))


def _answer(qtbot: QtBot, guard: UnsavedGuard, button: QMessageBox.StandardButton) -> None:
    box = guard.question
    assert box is not None and box.isVisible()
    assert "not saved" in box.text()
    _click(qtbot, box.button(button))
    qtbot.waitUntil(lambda: guard.question is None, timeout=2000)


@pytest.fixture
def directory_dialog(qtbot: QtBot, ctx: AppContext, practice_admin: Actor) -> DirectoryAdminDialog:
    dialog = DirectoryAdminDialog(ctx.services, practice_admin)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _choose_befriending(dialog: DirectoryAdminDialog) -> None:
    tab = dialog.services_tab
    tab.list.setCurrentRow(next(i for i, e in enumerate(tab.entries) if e.name.startswith("Befriending")))


def _save_at(dialog: DirectoryAdminDialog) -> int:
    layout = dialog.services_tab.layout()
    assert layout is not None
    layout.activate()
    return dialog.services_tab.save_button.mapTo(dialog, QPoint(0, 0)).y()


def test_save_stays_put_while_the_example_note_comes_and_goes(
    qtbot: QtBot, directory_dialog: DirectoryAdminDialog
) -> None:
    _choose_befriending(directory_dialog)
    assert directory_dialog.example_note.isVisible()
    before = _save_at(directory_dialog)
    phone = cast(QLineEdit, directory_dialog.services_tab.fields["phone"])
    _retype(qtbot, phone, "0113 000 3100")
    assert not directory_dialog.example_note.isVisible()
    assert _save_at(directory_dialog) == before
    _retype(qtbot, phone, "01632 960006")  # an example number again: the note is back, Save still put
    assert directory_dialog.example_note.isVisible()
    assert _save_at(directory_dialog) == before


def test_closing_the_directory_with_an_unsaved_edit_asks_first(
    qtbot: QtBot, ctx: AppContext, directory_dialog: DirectoryAdminDialog
) -> None:
    _close(qtbot, directory_dialog)  # nothing typed: closes at once
    assert not directory_dialog.isVisible()
    directory_dialog.show()
    _choose_befriending(directory_dialog)
    phone = cast(QLineEdit, directory_dialog.services_tab.fields["phone"])
    _retype(qtbot, phone, "0113 000 3100")
    guard = directory_dialog.guard

    _close(qtbot, directory_dialog)
    _answer(qtbot, guard, QMessageBox.StandardButton.Cancel)
    assert directory_dialog.isVisible() and phone.text() == "0113 000 3100"  # kept, still open

    qtbot.keyClick(directory_dialog, Qt.Key.Key_Escape)  # Escape asks too
    _answer(qtbot, guard, QMessageBox.StandardButton.Save)
    assert not directory_dialog.isVisible()
    entry = next(e for e in ctx.services.directory.services() if e.name.startswith("Befriending"))
    assert entry.service.phone == "0113 000 3100"


def test_discard_closes_without_saving(
    qtbot: QtBot, ctx: AppContext, directory_dialog: DirectoryAdminDialog
) -> None:
    _choose_befriending(directory_dialog)
    _retype(qtbot, cast(QLineEdit, directory_dialog.services_tab.fields["phone"]), "0113 000 3100")
    _close(qtbot, directory_dialog)
    _answer(qtbot, directory_dialog.guard, QMessageBox.StandardButton.Discard)
    assert not directory_dialog.isVisible()
    entry = next(e for e in ctx.services.directory.services() if e.name.startswith("Befriending"))
    assert entry.service.phone == "01632 960006"


def test_closing_the_templates_with_an_unsaved_edit_asks_first(
    qtbot: QtBot, ctx: AppContext, practice_admin: Actor
) -> None:
    dialog = TemplateAdminDialog(ctx.services, practice_admin)
    qtbot.addWidget(dialog)
    dialog.show()
    shipped = load_default_templates()[0]
    assert not dialog.unsaved()  # as loaded: nothing to ask about
    _retype(qtbot, dialog.name, "Chest: bad days")
    _close(qtbot, dialog)
    _answer(qtbot, dialog.guard, QMessageBox.StandardButton.Cancel)
    assert dialog.isVisible() and dialog.name.text() == "Chest: bad days"
    _close(qtbot, dialog)
    _answer(qtbot, dialog.guard, QMessageBox.StandardButton.Save)
    assert not dialog.isVisible()
    assert ctx.services.templates.get(shipped.key).template.name == "Chest: bad days"
