"""The administrator's directory editor (issue 12): choosing another row used to drop the unsaved edits of
the row left. Now they are saved on leaving, or, when they cannot be saved, the row left stays chosen with
its edits kept and the bad field marked."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.users import Actor
from careplanner.ui.admin_directory import DirectoryAdminDialog

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def dialog(qtbot: QtBot, ctx: AppContext, practice_admin: Actor) -> DirectoryAdminDialog:
    made = DirectoryAdminDialog(ctx.services, practice_admin)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def _click_row(qtbot: QtBot, rows: QListWidget, row: int) -> None:
    item = rows.item(row)
    rows.scrollToItem(item)
    qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=rows.visualItemRect(item).center())


def _retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def _row_of(dialog: DirectoryAdminDialog, start: str) -> int:
    return next(i for i, e in enumerate(dialog.services_tab.entries) if e.name.startswith(start))


def test_choosing_another_row_saves_the_edits_of_the_row_left(
    qtbot: QtBot, ctx: AppContext, dialog: DirectoryAdminDialog
) -> None:
    tab = dialog.services_tab
    _click_row(qtbot, tab.list, _row_of(dialog, "Befriending"))
    _retype(qtbot, cast(QLineEdit, tab.fields["phone"]), "0113 000 3100")
    other = next(i for i, e in enumerate(tab.entries) if not e.name.startswith("Befriending"))
    other_name = tab.entries[other].name

    _click_row(qtbot, tab.list, other)

    stored = next(e for e in ctx.services.directory.services() if e.name.startswith("Befriending"))
    assert stored.service.phone == "0113 000 3100"  # kept: before, it was dropped here
    assert cast(QLineEdit, tab.fields["name"]).text() == other_name  # and the row chosen is shown
    assert "were saved" in tab.message.text()
    assert not tab.unsaved()


def test_edits_that_cannot_be_saved_stay_on_screen_marked(
    qtbot: QtBot, ctx: AppContext, dialog: DirectoryAdminDialog
) -> None:
    tab = dialog.services_tab
    befriending = _row_of(dialog, "Befriending")
    _click_row(qtbot, tab.list, befriending)
    phone = cast(QLineEdit, tab.fields["phone"])
    _retype(qtbot, phone, "not a number")
    other = 0 if befriending else 1

    _click_row(qtbot, tab.list, other)

    assert tab.list.currentRow() == befriending  # the row left is chosen again
    assert phone.text() == "not a number" and tab.unsaved()  # with what was typed
    assert phone.property("invalid") is True and tab.errors["phone"].isVisibleTo(tab)
    stored = next(e for e in ctx.services.directory.services() if e.name.startswith("Befriending"))
    assert stored.service.phone == "01632 960006"  # nothing half-saved


def test_add_new_keeps_the_edits_of_the_row_left(
    qtbot: QtBot, ctx: AppContext, dialog: DirectoryAdminDialog
) -> None:
    tab = dialog.leaflets_tab
    dialog.tabs.setCurrentWidget(tab)
    _click_row(qtbot, tab.list, 0)
    title = cast(QLineEdit, tab.fields["title"])
    _retype(qtbot, title, "Living well with a long-term condition")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    assert title.text() == ""  # a new, empty form
    titles = [e.title for e in ctx.services.directory.leaflets()]
    assert "Living well with a long-term condition" in titles
