"""The practice server stops in the middle of typing (PostgreSQL killed, then started again): the window says
so in plain words and shows Not connected, keeps every character typed on screen, tries again, and saves it
all when the server is back, showing Connected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests import server_support
from tests.server.conftest import Practice
from tests.server.conftest import practice as practice  # the fixture: two workstations on one server
from tests.ui.helpers import type_into

pytestmark = pytest.mark.gui

OUTAGE = "The practice server cannot be reached — your typing is kept here and will be saved when it is back"


@pytest.fixture
def window(qtbot: QtBot, practice: Practice) -> Iterator[MainWindow]:
    application()
    QSettings().clear()
    ws = practice.room3
    win = MainWindow(ws.ctx.services, UserSession(ws.actor), Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.close()


def test_typing_while_the_server_is_down_is_kept_and_saved_when_it_is_back(
    qtbot: QtBot, practice: Practice, window: MainWindow
) -> None:
    label = window.server.label
    assert label is not None
    qtbot.waitUntil(lambda: label.text() == "Connected")
    window.open_person(practice.person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    field = window.editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]
    type_into(qtbot, field, "Gardening")
    qtbot.waitSignal(window.editor.saved, timeout=3000).wait()

    cluster = server_support.test_server().cluster
    cluster.stop("immediate")
    try:
        type_into(qtbot, field, " and my dog")
        waiting = "Not saved yet: waiting for the practice server"
        qtbot.waitUntil(lambda: window.save_label.text() == waiting, timeout=10000)  # the autosave failed
        assert window.statusBar().currentMessage() == OUTAGE
        assert window.server.notice is not None and window.server.notice.isVisible()
        assert window.server.notice.text() == OUTAGE
        assert label.text() == "Not connected"
        assert field.toPlainText() == "Gardening and my dog"  # nothing typed is lost
        assert not field.isReadOnly()
        type_into(qtbot, field, " Rex")  # and typing goes on while it is away
        qtbot.wait(4000)  # a retry or two, each failing
        assert window.statusBar().currentMessage() == OUTAGE
    finally:
        cluster.start()

    with qtbot.waitSignal(window.editor.saved, timeout=20000):
        pass
    qtbot.waitUntil(lambda: label.text() == "Connected", timeout=20000)
    qtbot.waitUntil(lambda: not window.editor.has_pending(), timeout=10000)
    assert window.statusBar().currentMessage() != OUTAGE
    assert not window.server.notice.isVisible()
    assert window.save_label.text().startswith("Saved ")
    draft = practice.room5.ctx.services.plans.draft_of(practice.person.id)
    assert draft is not None and draft.content.about_me.about.what_matters == "Gardening and my dog Rex"
