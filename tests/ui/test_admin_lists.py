"""The practice's own lists edited in the app by an administrator (Tools menu): the directory of services,
the leaflets and the contingency templates. Only administrators see or open them; each field is checked
(phone numbers as Practice settings checks them) and nothing is saved while one is wrong; every change is
audited; the shipped example numbers show "Example — replace"; and the Goals step's picker finds a
service by what the person says ("lonely")."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.clinical.enums import Zone
from careplanner.services import audit
from careplanner.services.errors import NotAllowedError
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.admin_directory import DirectoryAdminDialog
from careplanner.ui.admin_menu import install
from careplanner.ui.admin_templates import TemplateAdminDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.steps.goals import GoalsStep
from tests.ui.standalone import make_editor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _saved(ctx: AppContext, detail: str) -> list[audit.AuditEntry]:
    return [e for e in ctx.services.audit.entries(action=audit.Action.SETTINGS_CHANGED) if e.detail == detail]


def _click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def _retype(qtbot: QtBot, edit: QLineEdit | QPlainTextEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


@pytest.fixture
def directory_dialog(qtbot: QtBot, ctx: AppContext, practice_admin: Actor) -> DirectoryAdminDialog:
    dialog = DirectoryAdminDialog(ctx.services, practice_admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_only_an_administrator_sees_and_opens_them(
    window: MainWindow, ctx: AppContext, session: UserSession, actor: Actor, practice_admin: Actor
) -> None:
    admin = install(window, ctx.services, session)
    assert admin.directory_action in window.tools_menu.actions()
    assert not admin.directory_action.isVisible() and not admin.templates_action.isVisible()
    assert admin.show_directory() is None and admin.show_templates() is None
    with pytest.raises(NotAllowedError):
        DirectoryAdminDialog(ctx.services, actor)
    with pytest.raises(NotAllowedError):
        TemplateAdminDialog(ctx.services, actor)
    session.sign_in(practice_admin)
    assert admin.directory_action.isVisible() and admin.templates_action.isVisible()
    opened = admin.show_directory()
    assert isinstance(opened, DirectoryAdminDialog)
    opened.reject()
    session.lock()
    assert not admin.directory_action.isVisible()


def test_a_bad_phone_is_marked_and_nothing_saved_then_the_service_is_added_and_audited(
    qtbot: QtBot, ctx: AppContext, practice_admin: Actor, directory_dialog: DirectoryAdminDialog
) -> None:
    tab = directory_dialog.services_tab
    _click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.fields["name"], "Chair yoga")
    qtbot.keyClicks(tab.fields["phone"], "0113 49")
    _click(qtbot, tab.save_button)
    assert tab.fields["phone"].property("invalid") is True
    assert tab.errors["phone"].isVisible()
    assert tab.errors["phone"].text() == "This does not look like a UK phone number."
    assert tab.fields["phone"].hasFocus()
    assert "Chair yoga" not in [e.name for e in ctx.services.directory.services()]
    assert _saved(ctx, "directory service saved") == []
    _retype(qtbot, cast(QLineEdit, tab.fields["phone"]), "0113 000 3144")
    _click(qtbot, tab.save_button)
    added = next(e for e in ctx.services.directory.services() if e.name == "Chair yoga")
    assert added.service.phone == "0113 000 3144"
    assert [e.user_id for e in _saved(ctx, "directory service saved")] == [practice_admin.id]
    assert tab.list.currentItem().text() == "Chair yoga · 0113 000 3144"


def test_a_shipped_number_shows_example_replace_until_it_is_replaced_and_removing_is_audited(
    qtbot: QtBot, ctx: AppContext, directory_dialog: DirectoryAdminDialog
) -> None:
    tab = directory_dialog.services_tab
    row = next(i for i, e in enumerate(tab.entries) if e.name.startswith("Befriending"))
    _click(qtbot, tab.list.viewport())  # focus the list, then choose the row as a person would
    tab.list.setCurrentRow(row)
    assert tab.list.item(row).text() == "Befriending service (volunteer) · 01632 960006 (Example — replace)"
    assert directory_dialog.example_note.isVisible()
    _retype(qtbot, cast(QLineEdit, tab.fields["phone"]), "0113 000 3100")
    assert not directory_dialog.example_note.isVisible()
    _click(qtbot, tab.save_button)
    entry = next(e for e in ctx.services.directory.services() if e.name.startswith("Befriending"))
    assert entry.service.phone == "0113 000 3100" and not entry.example_number
    _click(qtbot, tab.remove_button)
    assert not [e for e in ctx.services.directory.services() if e.name.startswith("Befriending")]
    assert len(_saved(ctx, "directory service removed")) == 1


def test_a_leaflet_is_added_and_one_without_a_title_is_refused(
    qtbot: QtBot, ctx: AppContext, directory_dialog: DirectoryAdminDialog
) -> None:
    directory_dialog.tabs.setCurrentWidget(directory_dialog.leaflets_tab)
    tab = directory_dialog.leaflets_tab
    _click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.fields["topic"], "Loneliness")
    _click(qtbot, tab.save_button)
    assert tab.errors["title"].isVisible() and tab.fields["title"].hasFocus()
    qtbot.keyClicks(tab.fields["title"], "Feeling lonely: local groups")
    _click(qtbot, tab.save_button)
    titles = [e.title for e in ctx.services.directory.leaflets()]
    assert "Feeling lonely: local groups" in titles
    assert len(_saved(ctx, "directory leaflet saved")) == 1


@pytest.fixture
def templates_dialog(qtbot: QtBot, ctx: AppContext, practice_admin: Actor) -> TemplateAdminDialog:
    dialog = TemplateAdminDialog(ctx.services, practice_admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _choose_template(dialog: TemplateAdminDialog, key: str) -> None:
    dialog.list.setCurrentRow([e.key for e in dialog.entries].index(key))


def test_a_template_is_edited_saved_audited_and_put_back(
    qtbot: QtBot, ctx: AppContext, templates_dialog: TemplateAdminDialog
) -> None:
    shipped = load_default_templates()[0]
    _choose_template(templates_dialog, shipped.key)
    green = templates_dialog.what_i_do[Zone.GREEN]
    green.setFocus()
    green.moveCursor(green.textCursor().MoveOperation.End)
    qtbot.keyClick(green, Qt.Key.Key_Return)
    qtbot.keyClicks(green, "Ring the Riverside practice nurse on Mondays")
    _click(qtbot, templates_dialog.save_button)
    entry = ctx.services.templates.get(shipped.key)
    assert entry.edited
    assert entry.template.zone(Zone.GREEN).what_i_do[-1] == "Ring the Riverside practice nurse on Mondays"
    assert len(_saved(ctx, "contingency template saved")) == 1
    assert templates_dialog.list.currentItem().text() == f"{shipped.name} (changed by the practice)"
    _click(qtbot, templates_dialog.reset_button)  # "Put back as shipped"
    assert ctx.services.templates.get(shipped.key).template == shipped
    assert len(_saved(ctx, "contingency template reset")) == 1


def test_a_red_zone_without_999_is_refused_and_nothing_is_saved(
    qtbot: QtBot, ctx: AppContext, templates_dialog: TemplateAdminDialog
) -> None:
    shipped = load_default_templates()[0]
    _choose_template(templates_dialog, shipped.key)
    _retype(qtbot, templates_dialog.what_i_do[Zone.RED], "Ring the practice")
    _click(qtbot, templates_dialog.save_button)
    assert templates_dialog.message.text().startswith("Not saved:")
    assert "999" in templates_dialog.message.text()
    assert not ctx.services.templates.get(shipped.key).edited
    assert _saved(ctx, "contingency template saved") == []


def test_save_as_new_adds_a_practice_template_that_can_be_removed(
    qtbot: QtBot, ctx: AppContext, templates_dialog: TemplateAdminDialog
) -> None:
    shipped = load_default_templates()[0]
    _choose_template(templates_dialog, shipped.key)
    _retype(qtbot, templates_dialog.name, "Riverside asthma plan")
    _click(qtbot, templates_dialog.copy_button)
    added = [e for e in ctx.services.templates.list() if e.custom]
    assert [e.template.name for e in added] == ["Riverside asthma plan"]
    assert not ctx.services.templates.get(shipped.key).edited  # the one it was copied from is unchanged
    assert templates_dialog.reset_button.text().replace("&", "") == "Remove"
    _click(qtbot, templates_dialog.reset_button)
    assert not [e for e in ctx.services.templates.list() if e.custom]


def test_the_goals_picker_finds_by_meaning_and_marks_example_numbers(
    qtbot: QtBot, ctx: AppContext, session: UserSession, actor: Actor, person: PersonRecord
) -> None:
    editor = make_editor(qtbot, ctx, session)
    editor.open_plan(person, ctx.services.plans.start_draft(person.id, actor), step="goals")
    goals = cast(GoalsStep, editor.step("goals"))
    picker = goals.service_picker
    picker.box.setFocus()
    qtbot.keyClicks(picker.box, "lonely")
    qtbot.keyClick(picker.box, Qt.Key.Key_Return)
    shown = [picker.results.item(i).text() for i in range(picker.results.count())]
    line = "Befriending service (volunteer) — Voluntary sector · 01632 960006 (Example — replace)"
    assert line in shown
    picker.results.setCurrentRow(shown.index(line))
    _click(qtbot, picker.add)
    assert goals.referrals.items()[-1].contact == "01632 960006 (Example — replace)"
