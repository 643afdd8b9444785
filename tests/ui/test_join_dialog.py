"""Tools → Practice server…: joining, testing and leaving from the app, typed as a person would.

A real server (the run's PostgreSQL, provisioned with database roles), a real Secret Service keyring, and
the dialog driven with qtbot.keyClicks. Every problem is a plain message in the dialog; nothing is kept
on a failure, and no password ever is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.config import Paths, resolve_paths
from careplanner.server import joined
from careplanner.server.cluster import free_port
from careplanner.server.workstation import PracticeServerAccess
from careplanner.store import keys
from careplanner.ui.join_dialog import PracticeServerDialog
from careplanner.ui.main import application
from careplanner.ui.worker import Worker
from tests import server_support
from tests.cli_signin import CLINICIAN, PASSWORD
from tests.server.join_support import TlsServer, plain_url, provision, start_tls_server

pytestmark = [pytest.mark.gui, pytest.mark.keyring, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture(autouse=True)
def _need_secret_service() -> None:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")


@pytest.fixture
def practice_url(tmp_path: Path) -> Iterator[str]:
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path / "provisioning"))
    yield plain_url(server.address(database))
    server.drop_database(database)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Paths]:
    paths = resolve_paths(tmp_path / "workstation")
    paths.ensure()
    yield paths
    joined.forget(paths)


@pytest.fixture
def dialog(qtbot: QtBot, ws: Paths) -> PracticeServerDialog:
    application()
    dlg = PracticeServerDialog(PracticeServerAccess(ws), Worker(inline=True))
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def type_in(qtbot: QtBot, dlg: PracticeServerDialog, url: str, password: str = PASSWORD) -> None:
    for edit, text in ((dlg.url, url), (dlg.username, CLINICIAN), (dlg.password, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_test_join_and_leave_from_the_dialog(
    qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths, practice_url: str
) -> None:
    assert "its own store" in dialog.state.text()
    assert not dialog.leave_button.isVisible()
    type_in(qtbot, dialog, practice_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "you can sign in there (Nia Nurse-Synthetic)" in dialog.message.text()
    assert not joined.is_joined(ws)  # a test changes nothing

    with qtbot.waitSignal(dialog.joined, timeout=30_000) as joined_signal:
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    server_name = practice_url.split("//")[1].split("?")[0]
    assert joined_signal.args == [server_name]
    assert "Joined." in dialog.message.text()
    assert f"uses the practice server {server_name}" in dialog.state.text()
    assert dialog.password.text() == ""  # the password is not kept, not even in the dialog
    saved = keyring.get_password(joined.KEYRING_SERVICE, str(ws.data_dir))
    assert saved is not None and server_name in saved and PASSWORD not in saved
    assert dialog.leave_button.isVisible()

    with qtbot.waitSignal(dialog.left, timeout=30_000):
        qtbot.mouseClick(dialog.leave_button, Qt.MouseButton.LeftButton)
    assert "its own store" in dialog.state.text()
    assert keyring.get_password(joined.KEYRING_SERVICE, str(ws.data_dir)) is None


def test_a_wrong_password_is_said_plainly_and_nothing_is_kept(
    qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths, practice_url: str
) -> None:
    type_in(qtbot, dialog, practice_url, password="not the synthetic password")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert "user name or password is not right" in dialog.message.text()
    assert "Traceback" not in dialog.message.text()
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    assert not joined.is_joined(ws)


def test_an_unreachable_server_is_said_plainly(qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths) -> None:
    type_in(qtbot, dialog, f"postgresql://127.0.0.1:{free_port()}/careplanner?sslmode=disable")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "cannot be reached" in dialog.message.text()
    assert dialog.test_button.isEnabled() and dialog.join_button.isEnabled()
    assert not joined.is_joined(ws)


def test_a_file_that_is_not_the_practice_certificate_is_said_plainly(
    qtbot: QtBot, dialog: PracticeServerDialog, tmp_path: Path, ws: Paths
) -> None:
    not_a_cert = tmp_path / "practice-ca.pem"
    not_a_cert.write_text("synthetic notes, not a certificate\n")
    type_in(qtbot, dialog, "postgresql://practice-server.example:5432/careplanner?sslmode=verify-full")
    qtbot.keyClicks(dialog.ca_file, str(not_a_cert))
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert "not a certificate" in dialog.message.text()
    assert dialog.ca_file.hasFocus()
    assert not joined.is_joined(ws)


def test_a_server_that_checks_certificates_needs_the_practice_certificate(
    qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths
) -> None:
    type_in(qtbot, dialog, "postgresql://practice-server.example:5432/careplanner")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "give the practice CA certificate" in dialog.message.text()


def test_an_address_with_a_password_in_it_is_refused(
    qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths
) -> None:
    type_in(qtbot, dialog, "postgresql://nia:secret-in-url@127.0.0.1:5432/careplanner?sslmode=disable")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert "Put no password in the server address" in dialog.message.text()
    assert dialog.url.hasFocus()
    assert not joined.is_joined(ws)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    server = start_tls_server(tmp_path_factory.mktemp("tls"))
    provision(server.superuser(), resolve_paths(tmp_path_factory.mktemp("tls-provisioning")))
    yield server
    server.cluster.remove()


def test_joining_over_tls_with_the_practice_certificate_and_again_without_choosing_it(
    qtbot: QtBot, dialog: PracticeServerDialog, ws: Paths, tls: TlsServer
) -> None:
    type_in(qtbot, dialog, tls.url())
    qtbot.keyClicks(dialog.ca_file, str(tls.ca_file))
    with qtbot.waitSignal(dialog.joined, timeout=30_000):
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    saved = joined.load(ws)
    assert saved is not None and saved.ca_fingerprint is not None
    # Opened again later: the certificate is kept, so testing (or joining again) needs no file chosen.
    again = PracticeServerDialog(PracticeServerAccess(ws), Worker(inline=True))
    qtbot.addWidget(again)
    again.show()
    assert again.url.text() == tls.url()
    assert saved.ca_fingerprint[:23] in again.ca_file.placeholderText() and again.ca_file.text() == ""
    for edit, text in ((again.username, CLINICIAN), (again.password, PASSWORD)):
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(again.test_button, Qt.MouseButton.LeftButton)
    assert "you can sign in there" in again.message.text(), again.message.text()
