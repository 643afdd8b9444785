"""On a practice-server workstation the lock screen cannot switch to another person, and says so plainly.

A reviewer locked the screen and signed in as a second clinician: the app is connected to the server as
the first person's own database login, so every attempt said "The user name or password is not right"
(with the right password) and went into the audit trail as a failed sign-in. Now Switch user is not
offered on the server, the lock screen says to close and restart Care Planner, nothing is recorded as a
failed attempt, and the first person still unlocks with their own password (checked by the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.ui.main import application, build_window
from tests import server_support
from tests.server_provisioned import ADMIN, ProvisionedDatabase

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

OTHER = "nia"
RESTART = "To sign in as someone else, close Care Planner and start it again."


@pytest.fixture
def practice() -> Iterator[ProvisionedDatabase]:
    db = server_support.provisioned_database(accounts=[(OTHER, "Nia Nurse-Synthetic", UserRole.NURSE)])
    yield db
    db.server.drop_database(db.database)


@pytest.fixture
def window(qtbot: QtBot, practice: ProvisionedDatabase, tmp_path: Path) -> Iterator[Any]:
    """The main window on the server, connected and signed in as the administrator (as at a real start)."""
    application()
    QSettings().clear()
    paths = resolve_paths(tmp_path / "workstation")
    paths.ensure()
    ctx, actor = practice.open_as(ADMIN, paths)
    win: Any = None
    try:
        assert ctx.on_server
        win, _session = build_window(ctx)
        qtbot.addWidget(win)
        win.show()
        win.trust.lock_screen.uncover()
        win.trust.lock_screen.signed_in.emit(actor)  # as build_server_window does after the sign-in dialog
        assert win.session.actor.username == ADMIN
        yield win
    finally:
        if win is not None:
            win.close()
            win.worker.shutdown()
        ctx.close()


def failures(practice: ProvisionedDatabase) -> tuple[int, int]:
    """(failed sign-ins in the audit trail, the other account's failed-attempt count), read as the owner."""
    engine = practice.owner_engine()
    try:
        with engine.connect() as conn:
            failed = conn.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'sign_in_failed'"))
            count = conn.scalar(
                text("SELECT failed_attempts FROM app_user WHERE username = :u"), {"u": OTHER}
            )
    finally:
        engine.dispose()
    return int(failed or 0), int(count or 0)


def type_in(qtbot: QtBot, window: Any, username: str, password: str) -> None:
    screen = window.trust.lock_screen
    screen.username.clear()
    qtbot.keyClicks(screen.username, username)
    screen.password.clear()
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def test_switch_user_is_not_offered_and_the_lock_screen_says_to_restart(
    qtbot: QtBot, window: Any, practice: ProvisionedDatabase
) -> None:
    trust = window.trust
    assert not trust.actions["switch"].isVisible()
    before = failures(practice)
    trust.lock()
    screen = trust.lock_screen
    assert screen.is_showing
    assert "sign in as someone else" not in screen.title.text()
    assert screen.message.text() == RESTART

    type_in(qtbot, window, OTHER, practice.password)  # the other person's right password
    assert screen.is_showing and window.session.actor.username == ADMIN
    assert screen.message.text() == RESTART
    assert "not right" not in screen.message.text()
    assert failures(practice) == before  # not counted, not in the trail as a failed sign-in

    type_in(qtbot, window, ADMIN, "not the synthetic password")  # a real wrong password still is one
    assert screen.is_showing and "not right" in screen.message.text()

    type_in(qtbot, window, ADMIN, practice.password)
    assert not screen.is_showing and window.session.actor.username == ADMIN


def test_switch_user_from_the_menu_locks_for_the_same_person(
    qtbot: QtBot, window: Any, practice: ProvisionedDatabase
) -> None:
    """Switch user reached anyway (a shortcut or an old menu) just locks, with the restart message."""
    trust = window.trust
    trust.switch_user()
    screen = trust.lock_screen
    assert screen.is_showing and screen.username.text() == ADMIN
    assert screen.message.text() == RESTART
    type_in(qtbot, window, ADMIN, practice.password)
    assert not screen.is_showing and window.session.actor.username == ADMIN
