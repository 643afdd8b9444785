"""The worker after the app has closed: a late timer (the idle lock's backup) must not raise in Qt's loop."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from careplanner.ui.worker import Worker

pytestmark = pytest.mark.gui


def test_a_call_submitted_after_shutdown_is_dropped_not_raised(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    worker = Worker()
    ran: list[str] = []
    worker.submit(lambda: ran.append("before"))
    worker.shutdown()
    assert ran == ["before"]

    with caplog.at_level(logging.WARNING, logger="careplanner.ui.worker"):
        worker.submit(lambda: ran.append("after"))  # raised RuntimeError from the closed pool before
    assert ran == ["before"]
    assert not worker.busy
    assert "after shutdown" in caplog.text
