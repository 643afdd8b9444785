"""Issue 12: after signing in, unlocking or Switch user, the keyboard is in the person search box (a
reviewing nurse typed a name after Switch user and it went nowhere)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.trust import Trust, install
from careplanner.ui.worker import Worker
from tests.trust.conftest import PASSWORD

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> Iterator[MainWindow]:
    previous = sys.excepthook
    application()
    QSettings().clear()
    admin = ctx.services.auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
    ctx.services.auth.add_user(
        username="nia", display_name="Nurse Nia", role=UserRole.NURSE, password=PASSWORD, actor=admin
    )
    session = UserSession(ctx.services.users.ensure_first_clinician())
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1200, 760)
    install(win, ctx.services, session)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.editor.flush()
    sys.excepthook = previous


def _trust(window: MainWindow) -> Trust:
    trust = getattr(window, "trust")  # noqa: B009
    assert isinstance(trust, Trust)
    return trust


def _type_sign_in(qtbot: QtBot, trust: Trust, username: str | None) -> Actor | None:
    screen = trust.lock_screen
    if username is not None:
        qtbot.keyClicks(screen.username, username)
        qtbot.keyClick(screen.username, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.password
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    return trust.session.actor


def _typing_goes_to_the_search(qtbot: QtBot, window: MainWindow) -> None:
    focus = QApplication.focusWidget()
    assert focus is window.people.search
    assert isinstance(focus, QLineEdit)
    qtbot.keyClicks(focus, "Hughes")
    assert window.people.search.text() == "Hughes"


def test_first_sign_in_then_switch_user_leave_the_keyboard_in_the_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    trust = _trust(window)
    assert trust.lock_screen.is_showing
    trust.lock_screen.username.setFocus(Qt.FocusReason.OtherFocusReason)
    actor = _type_sign_in(qtbot, trust, "ada")
    assert actor is not None and actor.username == "ada" and not trust.lock_screen.is_showing
    _typing_goes_to_the_search(qtbot, window)
    trust.switch_user()
    assert trust.lock_screen.is_showing
    actor = _type_sign_in(qtbot, trust, "nia")
    assert actor is not None and actor.username == "nia" and not trust.lock_screen.is_showing
    window.people.search.clear()
    _typing_goes_to_the_search(qtbot, window)
    # Locked (Ctrl+L) and unlocked with the same person's password: back in the search box too.
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert trust.lock_screen.is_showing
    _type_sign_in(qtbot, trust, None)
    assert not trust.lock_screen.is_showing
    assert QApplication.focusWidget() is window.people.search
