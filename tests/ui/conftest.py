"""UI fixtures: a main window over a fresh encrypted store, with the worker running calls inline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker
from tests.conftest import make_person


@pytest.fixture
def session(actor: Actor) -> UserSession:
    return UserSession(actor)


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, session: UserSession) -> Iterator[MainWindow]:
    application()
    QSettings().clear()  # Qt caches the settings file per process: start each test from defaults
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.editor.flush()


@pytest.fixture
def person(ctx: AppContext, actor: Actor) -> PersonRecord:
    return ctx.services.people.create(make_person(first_name="Ada", family_name="Testwell"), actor)
