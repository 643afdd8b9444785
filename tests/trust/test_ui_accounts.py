"""Administrators manage accounts and the idle lock from the app; everyone else does not get the screens."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services import trust_settings
from careplanner.services.audit import Action
from careplanner.services.auth import SignInError
from careplanner.services.errors import NotAllowedError
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.trust import Trust, install
from careplanner.ui.trust.security_dialog import SecuritySettingsDialog
from careplanner.ui.trust.users_dialog import UsersDialog
from careplanner.ui.worker import Worker
from tests.trust.conftest import PASSWORD

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

NEW_PASSWORD = "a different long password"


@pytest.fixture
def trust(qtbot: QtBot, ctx: AppContext) -> Iterator[Trust]:
    """The main window with the trust layer installed, behind the sign-in screen."""
    previous = sys.excepthook
    application()
    QSettings().clear()
    session = UserSession(ctx.services.users.ensure_first_clinician())
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1200, 760)
    install(win, ctx.services, session)
    win.show()
    found = getattr(win, "trust")  # noqa: B009
    assert isinstance(found, Trust)
    yield found
    win.editor.flush()
    sys.excepthook = previous


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return ctx.services.auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)


def sign_in(trust: Trust, username: str) -> None:
    trust.lock_screen.username.setText(username)
    trust.lock_screen.password.setText(PASSWORD)
    trust.lock_screen.submit()
    assert not trust.lock_screen.is_showing, trust.lock_screen.message.text()


def add(ctx: AppContext, admin: Actor, username: str, role: UserRole) -> Actor:
    return ctx.services.auth.add_user(
        username=username, display_name=f"Synthetic {username}", role=role, password=PASSWORD, actor=admin
    )


def accounts(qtbot: QtBot, trust: Trust) -> UsersDialog:
    dialog = trust.show_users()
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_admin_changes_role_name_and_registration(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    nurse = add(ctx, admin, "nia", UserRole.NURSE)
    sign_in(trust, "ada")
    dialog = accounts(qtbot, trust)
    assert not dialog.save_button.isEnabled()  # nothing chosen yet
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # the list works from the keyboard
    assert dialog.selected() is not None and dialog.save_button.isEnabled()
    dialog.select_user(nurse.id)
    assert dialog.edit_name.text() == "Synthetic nia"
    dialog.edit_name.setText("Synthetic Nia Renamed")
    dialog.edit_role.setCurrentIndex(dialog.edit_role.findData(UserRole.GP.value))
    dialog.edit_registration.setText("GMC 7654321")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = next(r.actor for r in ctx.services.auth.users(admin) if r.actor.id == nurse.id)
    assert stored.role is UserRole.GP
    assert stored.display_name == "Synthetic Nia Renamed"
    assert stored.registration_number == "GMC 7654321"
    assert "Saved" in dialog.message.text()
    assert dialog.selected() is not None and dialog.selected().actor.id == nurse.id  # type: ignore[union-attr]
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 1).text() == "nia")
    assert dialog.table.item(row, 2).text() == "GP"
    newest = ctx.services.audit.entries(limit=1)[0]
    assert newest.action == Action.USER_CHANGED and newest.user_id == admin.id
    assert "role=gp" in newest.detail and nurse.id in newest.detail


def test_switching_off_the_last_administrator_is_refused_in_plain_words(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    sign_in(trust, "ada")
    dialog = accounts(qtbot, trust)
    dialog.select_user(admin.id)
    assert dialog.switch_button.text().replace("&", "") == "Switch off"
    qtbot.mouseClick(dialog.switch_button, Qt.MouseButton.LeftButton)
    assert "at least one active administrator" in dialog.message.text()
    assert all(r.active for r in ctx.services.auth.users(admin))
    # Making the last administrator a nurse is refused the same way, and the form shows what is stored.
    dialog.edit_role.setCurrentIndex(dialog.edit_role.findData(UserRole.NURSE.value))
    dialog.save_button.click()
    assert "at least one active administrator" in dialog.message.text()
    assert dialog.edit_role.currentData() == UserRole.ADMIN.value
    assert dialog.isVisible() and not trust.lock_screen.is_showing
    dialog.select_user(next(r.actor.id for r in ctx.services.auth.users(admin) if r.actor.id != admin.id))
    assert dialog.message.text() == ""  # the refusal was about the other account


def test_switch_another_account_off_and_on(qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor) -> None:
    hca = add(ctx, admin, "hal", UserRole.HCA)
    sign_in(trust, "ada")
    dialog = accounts(qtbot, trust)
    dialog.select_user(hca.id)
    dialog.switch_button.click()
    assert "cannot sign in" in dialog.message.text()
    assert dialog.switch_button.text().replace("&", "") == "Switch on"
    with pytest.raises(SignInError):
        ctx.services.auth.sign_in("hal", PASSWORD)
    dialog.switch_button.click()
    assert ctx.services.auth.sign_in("hal", PASSWORD).id == hca.id


def test_giving_up_ones_own_administrator_role_signs_out(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    add(ctx, admin, "bea", UserRole.ADMIN)
    sign_in(trust, "ada")
    dialog = accounts(qtbot, trust)
    dialog.select_user(admin.id)
    dialog.edit_role.setCurrentIndex(dialog.edit_role.findData(UserRole.READ_ONLY.value))
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert trust.lock_screen.is_showing and "Sign in again" in trust.lock_screen.message.text()
    sign_in(trust, "ada")
    assert not trust.actions["users"].isVisible() and not trust.actions["security"].isVisible()


def test_password_reset_lets_the_new_password_in_and_not_the_old(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    gp = add(ctx, admin, "gwen", UserRole.GP)
    sign_in(trust, "ada")
    dialog = accounts(qtbot, trust)
    dialog.select_user(gp.id)
    reset = dialog.reset_password()
    assert reset is not None and reset.isVisible()
    qtbot.keyClicks(reset.password, NEW_PASSWORD)
    qtbot.keyClicks(reset.again, NEW_PASSWORD + "x")
    reset.submit()
    assert "different" in reset.message.text() and reset.isVisible()
    reset.password.setText("short")
    reset.again.setText("short")
    reset.submit()
    assert "at least 10 characters" in reset.message.text() and reset.isVisible()
    reset.password.setText(NEW_PASSWORD)
    reset.again.setText(NEW_PASSWORD)
    qtbot.keyClick(reset.again, Qt.Key.Key_Return)  # the default button, from the keyboard
    assert not reset.isVisible()
    assert "new password" in dialog.message.text()
    assert ctx.services.auth.sign_in("gwen", NEW_PASSWORD).id == gp.id
    with pytest.raises(SignInError):
        ctx.services.auth.sign_in("gwen", PASSWORD)


def test_non_administrators_do_not_get_these_screens(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    nurse = add(ctx, admin, "nia", UserRole.NURSE)
    sign_in(trust, "nia")
    assert not trust.actions["users"].isVisible()
    assert not trust.actions["security"].isVisible()
    assert trust.show_users() is None and trust.show_security() is None
    with pytest.raises(NotAllowedError):
        UsersDialog(ctx.services, nurse)
    with pytest.raises(NotAllowedError):
        SecuritySettingsDialog(ctx.services, nurse)
    with pytest.raises(NotAllowedError):
        ctx.services.auth.record_settings_change(nurse, "security lock_minutes=60")


def test_idle_minutes_are_saved_audited_and_used_at_once(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    data_dir = ctx.services.backups.data_dir
    trust_settings.save(
        data_dir, trust_settings.TrustSettings(daily_backup=True, backup_folder="/tmp/x", backup_copies=7)
    )
    sign_in(trust, "ada")
    assert trust.actions["security"].isVisible()
    assert trust.idle.timer.interval() == 5 * 60_000
    dialog = trust.show_security()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.minutes.value() == 5
    assert (dialog.minutes.minimum(), dialog.minutes.maximum()) == (1, 60)
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "12")
    with qtbot.waitSignal(dialog.saved):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not dialog.isVisible()
    reloaded = trust_settings.load(data_dir)
    assert reloaded.lock_minutes == 12
    assert (reloaded.daily_backup, reloaded.backup_copies) == (True, 7)  # the backup settings are kept
    assert trust.idle.timer.interval() == 12 * 60_000 and trust.idle.timer.isActive()
    newest = ctx.services.audit.entries(limit=1)[0]
    assert newest.action == Action.SETTINGS_CHANGED and newest.detail == "security lock_minutes=12"


def test_cancelled_security_settings_change_nothing(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    sign_in(trust, "ada")
    dialog = trust.show_security()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.minutes.setValue(30)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert trust_settings.load(ctx.services.backups.data_dir).lock_minutes == 5
    assert trust.idle.timer.interval() == 5 * 60_000


def test_every_control_has_an_accessible_name(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    sign_in(trust, "ada")
    users = accounts(qtbot, trust)
    users.select_user(admin.id)
    reset = users.reset_password()
    security = trust.show_security()
    assert reset is not None and security is not None
    qtbot.addWidget(security)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QTableWidget)
    checked = 0
    for dialog in (users, reset, security):
        for widget in dialog.findChildren(QWidget):
            inner = isinstance(widget.parent(), QAbstractSpinBox | QComboBox | QTableWidget)
            if not isinstance(widget, kinds) or inner or not widget.isVisibleTo(dialog):
                continue
            name = widget.accessibleName()
            if not name and isinstance(widget, QAbstractButton):
                name = widget.text()  # a button's own words are its accessible name
            assert name.replace("&", "").strip(), f"{type(widget).__name__} in {dialog.windowTitle()}"
            checked += 1
    assert checked >= 20
