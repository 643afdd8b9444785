"""The first demo makes its synthetic people before the window can open (issue 12): for a few seconds
there was nothing on screen. Now the start window says "Setting up the demo…" with a moving bar until the
demo's main window takes its place."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.ui.app_start import Opened, StartUp

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # never leave the background thread waiting


def test_the_demo_says_it_is_being_set_up_until_its_window_opens(
    qtbot: QtBot, ctx: AppContext, gate: threading.Event
) -> None:
    def set_up_demo() -> Opened:
        assert gate.wait(30), "the test never let the demo be set up"
        return Opened(ctx, None)  # as commands/gui.py hands over the demo store once it is seeded

    startup = StartUp(set_up_demo, demo=True)
    QSettings().clear()
    start = startup.start_window
    qtbot.addWidget(start)
    startup.show()
    qtbot.waitExposed(start)

    # While the people are being made: a plain message and a moving bar, no sign-in form.
    assert start.isVisible() and start.message.isVisible()
    assert start.message.text().startswith("Setting up the demo…")
    assert start.busy.isVisible() and start.busy.maximum() == 0  # busy, not a made-up percentage
    assert not start.username.isVisible() and not start.password.isVisible()
    assert not start.button.isVisible()
    assert startup.window is None

    with qtbot.waitSignal(startup.window_ready, timeout=30_000) as ready:
        gate.set()
    window = ready.args[0]
    try:
        assert window.isVisible() and not start.isVisible()
    finally:
        startup.app.aboutToQuit.disconnect(window.save_now)  # one QApplication for every test
        window.close()
        window.worker.shutdown()
