"""The first window is the sign-in form, shown while the store opens (ui/app_start.py).

What a person notices: they can type their name and password (and press Sign in) before the store is
open; when it opens, the main window takes the form's place and they are signed in without typing again.
A store that cannot be opened closes the form and the command line says why, as it always has.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.auth import AuthService
from careplanner.store.errors import StoreError
from careplanner.ui.app_start import Opened, StartUp

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

PASSWORD = "a long synthetic account password"


@pytest.fixture
def admin(ctx: AppContext) -> str:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth = AuthService(ctx.store.sessions, hasher=cheap)
    return auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD).username


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # never leave the background thread waiting


def _start(ctx: AppContext, gate: threading.Event) -> StartUp:
    def open_store() -> Opened:
        assert gate.wait(30), "the test never let the store open"
        return Opened(ctx, None)

    startup = StartUp(open_store)
    QSettings().clear()
    return startup


def test_sign_in_typed_before_the_store_opens_goes_ahead_when_it_does(
    qtbot: QtBot, ctx: AppContext, admin: str, gate: threading.Event
) -> None:
    startup = _start(ctx, gate)
    start = startup.start_window
    qtbot.addWidget(start)
    startup.show()
    qtbot.waitExposed(start)
    assert start.focusWidget() is start.username  # ready to type a name
    qtbot.keyClicks(start.username, admin)
    qtbot.keyClick(start.username, Qt.Key.Key_Return)  # on to the password
    qtbot.keyClicks(start.password, PASSWORD)
    qtbot.keyClick(start.password, Qt.Key.Key_Return)  # Sign in, while the store is still opening
    assert start.pending and not start.button.isEnabled()
    assert "as soon as it is open" in start.message.text()
    assert startup.window is None
    with qtbot.waitSignal(startup.window_ready, timeout=30_000) as ready:
        gate.set()
    window = ready.args[0]
    try:
        assert window.isVisible() and not start.isVisible()
        assert not window.trust.lock_screen.is_showing  # signed in, without typing again
        assert window.session.actor.username == admin
        assert start.password.text() == "" and window.trust.lock_screen.password.text() == ""
    finally:
        startup.app.aboutToQuit.disconnect(window.save_now)  # one QApplication for every test
        window.close()  # saves through the worker, then the worker stops
        window.worker.shutdown()


def test_a_wrong_password_typed_early_is_refused_on_the_main_windows_sign_in(
    qtbot: QtBot, ctx: AppContext, admin: str, gate: threading.Event
) -> None:
    startup = _start(ctx, gate)
    start = startup.start_window
    qtbot.addWidget(start)
    startup.show()
    qtbot.waitExposed(start)
    qtbot.keyClicks(start.username, admin)
    qtbot.keyClicks(start.password, "not the password")
    qtbot.mouseClick(start.button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(startup.window_ready, timeout=30_000) as ready:
        gate.set()
    window = ready.args[0]
    try:
        screen = window.trust.lock_screen
        assert screen.is_showing  # nobody signed in
        assert screen.username.text() == admin and window.focusWidget() is screen.password
        assert screen.message.text()  # the plain refusal, on the sign-in screen the person now sees
    finally:
        startup.app.aboutToQuit.disconnect(window.save_now)  # one QApplication for every test
        window.close()  # saves through the worker, then the worker stops
        window.worker.shutdown()


def test_a_store_that_cannot_open_closes_the_form_and_says_why(qtbot: QtBot) -> None:
    """The error is kept for run() to raise once the loop ends (the command line then prints it as it
    always has); the form closes. (run() itself is not called: it would end the test's QApplication.)"""

    def open_store() -> Opened:
        raise StoreError("The store is in use by another copy of Care Planner.")

    startup = StartUp(open_store)
    qtbot.addWidget(startup.start_window)
    startup.show()
    qtbot.waitUntil(lambda: not startup.start_window.isVisible(), timeout=30_000)
    assert isinstance(startup.loader.error, StoreError) and "in use" in str(startup.loader.error)
    assert startup.window is None


def test_the_form_stays_while_typing_when_the_store_opens_first(
    qtbot: QtBot, ctx: AppContext, admin: str, gate: threading.Event
) -> None:
    """The store opens while the person is still typing: the form stays where they type (no window takes
    the keyboard mid-word), and Sign in then opens the main window signed in."""
    startup = _start(ctx, gate)
    start = startup.start_window
    qtbot.addWidget(start)
    startup.show()
    qtbot.waitExposed(start)
    qtbot.keyClicks(start.username, admin)
    qtbot.keyClick(start.username, Qt.Key.Key_Return)
    qtbot.keyClicks(start.password, PASSWORD[:10])
    gate.set()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=30_000)  # open and built, behind the form
    window = startup.window
    try:
        assert start.isVisible() and not window.isVisible()
        assert start.message.text() == ""  # no longer "Opening the store…"
        qtbot.keyClicks(start.password, PASSWORD[10:])  # typing carries on in the same box
        with qtbot.waitSignal(startup.window_ready, timeout=5000):
            qtbot.keyClick(start.password, Qt.Key.Key_Return)
        assert window.isVisible() and not start.isVisible()
        assert not window.trust.lock_screen.is_showing
        assert window.session.actor.username == admin
    finally:
        startup.app.aboutToQuit.disconnect(window.save_now)
        window.close()
        window.worker.shutdown()
