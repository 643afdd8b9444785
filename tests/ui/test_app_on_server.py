"""The app on a joined workstation: it starts by asking who is signing in, opens the practice server as
them, and shows the server's people, with the server named in the title and the status bar. A server that
cannot be reached at the start is a plain message with Retry, never a crash."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from careplanner.config import Paths, resolve_paths
from careplanner.server import joined, workstation
from careplanner.server.connection import ServerAddress
from careplanner.server.workstation import PracticeServerAccess
from careplanner.store import keys
from careplanner.ui.main import application
from careplanner.ui.server_sign_in import ServerSignInDialog, build_server_window
from careplanner.ui.worker import Worker
from tests import server_support
from tests.cli_signin import CLINICIAN, PASSWORD
from tests.server.join_support import SERVER_PEOPLE, plain_url, provision, start_tls_server

pytestmark = [pytest.mark.gui, pytest.mark.keyring, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture(autouse=True)
def _need_secret_service() -> None:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")


@pytest.fixture
def joined_ws(tmp_path: Path) -> Iterator[Paths]:
    """A workstation joined (`careplanner join`'s own code) to a provisioned practice database."""
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path / "provisioning"))
    paths = resolve_paths(tmp_path / "workstation")
    paths.ensure()
    workstation.join(plain_url(server.address(database)), None, CLINICIAN, PASSWORD, paths)
    yield paths
    joined.forget(paths)
    server.drop_database(database)


def access_at_start(paths: Paths) -> PracticeServerAccess:
    """What `careplanner gui` builds on a joined workstation (commands/gui.py run_gui)."""
    url = joined.saved_url(paths)
    assert url is not None
    return PracticeServerAccess(paths, ServerAddress.parse(url))


def sign_in(qtbot: QtBot, dialog: ServerSignInDialog, password: str = PASSWORD) -> None:
    for edit, text in ((dialog.username, CLINICIAN), (dialog.password, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def test_the_app_signs_in_to_the_server_and_lists_its_people(qtbot: QtBot, joined_ws: Paths) -> None:
    application()
    QSettings().clear()
    access = access_at_start(joined_ws)
    dialog = ServerSignInDialog(access, Worker(inline=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert access.server_name in dialog.title.text()
    sign_in(qtbot, dialog, password="not the synthetic password")
    assert "not right" in dialog.message.text() and dialog.result() != dialog.DialogCode.Accepted
    sign_in(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.message.text()
    outcome = dialog.outcome
    assert outcome is not None and outcome.context is not None
    ctx = outcome.context
    window: Any = None
    try:
        assert ctx.on_server
        window = build_server_window(ctx, access, outcome.actor)
        qtbot.addWidget(window)
        window.show()
        model = window.people.model
        qtbot.waitUntil(lambda: model.rowCount() == len(SERVER_PEOPLE), timeout=15_000)
        families = {model.person(row).family_name for row in range(model.rowCount())}
        assert families == {family for _first, family, _born, _nhs in SERVER_PEOPLE}
        assert access.server_name in window.windowTitle()
        assert window.server_label.text() == f"Server: {access.server_name}"
        assert window.session.actor.username == CLINICIAN  # signed in once, at the start
        assert not window.trust.lock_screen.is_showing
        assert window.practice_server_action.isVisible()
    finally:
        if window is not None:
            window.close()
            window.worker.shutdown()
        ctx.close()


def test_an_unreachable_server_at_start_offers_retry(qtbot: QtBot, tmp_path: Path) -> None:
    server = start_tls_server(tmp_path / "tls")
    try:
        provision(server.superuser(), resolve_paths(tmp_path / "provisioning"))
        paths = resolve_paths(tmp_path / "workstation")
        paths.ensure()
        workstation.join(server.url(), server.ca_file, CLINICIAN, PASSWORD, paths)
        access = access_at_start(paths)
        server.cluster.stop()
        application()
        dialog = ServerSignInDialog(access, Worker(inline=True))
        qtbot.addWidget(dialog)
        dialog.show()
        sign_in(qtbot, dialog)
        assert "cannot be reached" in dialog.message.text()
        assert "Traceback" not in dialog.message.text()
        assert dialog.retry_button.isVisible() and dialog.isVisible()
        assert dialog.password.text() == PASSWORD  # kept on screen so Retry tries again as typed

        server.start_again()
        qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == dialog.DialogCode.Accepted
        assert dialog.outcome is not None and dialog.outcome.context is not None
        assert dialog.outcome.context.store.counts()["people"] == len(SERVER_PEOPLE)
        dialog.outcome.context.close()
        joined.forget(paths)
    finally:
        server.cluster.remove()
