"""The trust screens in a real (offscreen) main window: first run, sign-in, lock, switch user, admin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services.audit import Action
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.trust import Trust, install
from careplanner.ui.trust.audit_viewer import AuditViewer
from careplanner.ui.trust.backup_dialog import BackupDialog
from careplanner.ui.trust.first_run import FirstRunDialog
from careplanner.ui.trust.users_dialog import UsersDialog
from careplanner.ui.worker import Worker
from tests.trust.conftest import PASSWORD

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def hook_restored() -> Iterator[None]:
    previous = sys.excepthook
    yield
    sys.excepthook = previous


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, hook_restored: None) -> Iterator[MainWindow]:
    application()
    QSettings().clear()
    session = UserSession(ctx.services.users.ensure_first_clinician())
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1200, 760)
    install(win, ctx.services, session)
    win.show()
    yield win
    win.editor.flush()


def trust_of(window: MainWindow) -> Trust:
    trust = getattr(window, "trust")  # noqa: B009
    assert isinstance(trust, Trust)
    return trust


def _visible_outside_lock(window: MainWindow, trust: Trust) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible()
        and w is not trust.lock_screen
        and not trust.lock_screen.isAncestorOf(w)
        and w.window() is window
    ]


def _first_run(qtbot: QtBot, window: MainWindow) -> Actor:
    dialog = window.findChild(FirstRunDialog)
    assert dialog is not None and dialog.isVisible()
    values = {
        "practice_name": "Riverside Surgery (synthetic)",
        "ods_code": "Y12345",
        "in_hours_phone": "0113 496 0000",
        "out_of_hours_phone": "0113 496 0999",
        "display_name": "Ada Admin",
        "username": "ada",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    for key, value in values.items():
        dialog.fields[key].setText(value)
    dialog.submit()
    assert dialog.admin is not None, dialog.message.text()
    return dialog.admin


def test_new_store_starts_behind_sign_in_with_first_run_set_up(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    trust = trust_of(window)
    assert trust.lock_screen.is_showing
    assert _visible_outside_lock(window, trust) == []
    admin = _first_run(qtbot, window)
    assert not trust.lock_screen.is_showing
    assert window.centralWidget().isVisible()
    assert trust.session.actor == admin
    assert trust.actions["users"].isVisible() and trust.actions["audit"].isVisible()
    settings = ctx.services.practice.get()
    assert settings is not None and settings.ods_code == "Y12345"


def test_first_run_marks_bad_fields_and_saves_nothing(window: MainWindow, ctx: AppContext) -> None:
    dialog = window.findChild(FirstRunDialog)
    assert dialog is not None
    dialog.fields["ods_code"].setText("not an ODS code")
    dialog.submit()
    assert dialog.admin is None
    assert "ODS code" in dialog.message.text()
    assert ctx.services.auth.needs_first_run()


def _nurse(ctx: AppContext, admin: Actor, username: str = "nia") -> Actor:
    return ctx.services.auth.add_user(
        username=username,
        display_name=f"Nurse {username}",
        role=UserRole.NURSE,
        password=PASSWORD,
        actor=admin,
    )


def test_ctrl_l_hides_everything_keeps_typing_and_needs_the_password(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    trust = trust_of(window)
    admin = _first_run(qtbot, window)
    nurse = _nurse(ctx, admin)
    trust.lock()
    trust.lock_screen.username.setText("nia")
    trust.lock_screen.password.setText(PASSWORD)
    trust.lock_screen.submit()
    assert trust.session.actor == nurse
    window.people.search.setText("typed before the lock")
    with qtbot.waitSignal(trust.session.locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert trust.lock_screen.is_showing
    assert _visible_outside_lock(window, trust) == []
    trust.lock_screen.password.setText("wrong password here")
    trust.lock_screen.submit()
    assert trust.lock_screen.is_showing
    assert "not right" in trust.lock_screen.message.text()
    trust.lock_screen.password.setText(PASSWORD)
    with qtbot.waitSignal(trust.session.unlocked):
        trust.lock_screen.submit()
    assert not trust.lock_screen.is_showing
    assert window.people.search.text() == "typed before the lock"
    actions = [e.action for e in ctx.services.audit.entries(limit=4)]
    assert actions[:3] == [Action.UNLOCK, Action.SIGN_IN_FAILED, Action.LOCK]


def test_idle_time_locks_the_screen(qtbot: QtBot, window: MainWindow) -> None:
    trust = trust_of(window)
    _first_run(qtbot, window)
    trust.idle.timer.setInterval(30)
    trust.idle.timer.start()
    qtbot.waitUntil(lambda: trust.lock_screen.is_showing, timeout=3000)
    assert trust.session.is_locked


def test_switch_user_saves_first_then_signs_the_other_in(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    trust = trust_of(window)
    admin = _first_run(qtbot, window)
    other = _nurse(ctx, admin, "gus")
    with qtbot.waitSignal(trust.session.locked):
        trust.switch_user()
    trust.lock_screen.username.setText("gus")
    trust.lock_screen.password.setText(PASSWORD)
    with qtbot.waitSignal(trust.session.actor_changed):
        trust.lock_screen.submit()
    assert trust.session.actor == other
    assert not trust.actions["users"].isVisible()


def test_admin_screens(qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path) -> None:
    admin = _first_run(qtbot, window)
    users = UsersDialog(ctx.services, admin, window)
    qtbot.addWidget(users)
    users.name.setText("Gwen GP")
    users.username.setText("gwen")
    users.role.setCurrentIndex(users.role.findData(UserRole.GP.value))
    users.password.setText(PASSWORD)
    users.add()
    assert "Added" in users.message.text()
    assert users.table.rowCount() == 3  # the placeholder clinician, Ada and Gwen
    viewer = AuditViewer(ctx.services, admin, window)
    qtbot.addWidget(viewer)
    assert viewer.table.rowCount() >= 2
    viewer.verify()
    assert "intact" in viewer.status.text()
    viewer.export_to(tmp_path / "audit.csv")
    assert "user_created" in (tmp_path / "audit.csv").read_text(encoding="utf-8")
    backup = BackupDialog(ctx.services, admin, Worker(inline=True), window)
    qtbot.addWidget(backup)
    backup.file.setText(str(tmp_path / "b.cpbackup"))
    backup.passphrase.setText("backup passphrase!")
    backup.again.setText("backup passphrase!")
    backup.run_backup()
    assert backup.progress.value() == 100, backup.stage.text()
    assert (tmp_path / "b.cpbackup").stat().st_size > 0


def test_crash_dialog_and_log_hold_no_patient_data(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise ValueError("could not save Wilhelmina Quakenbush-Synthetic 999 339 5633")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    box = window.findChild(QMessageBox)
    assert box is not None and box.isVisible()
    assert "did not expect" in box.text()
    assert "Quakenbush" not in box.text()
    assert "Traceback" in caplog.text
    assert "Quakenbush" not in caplog.text and "999 339 5633" not in caplog.text
    box.close()
