"""The window of a workstation joined in replica mode, end to end with real parts: a practice server set
up as `careplanner server init` sets one up, this computer's own encrypted copy (joined with the real
keyring), the background sync worker on its own thread, and a Python TCP proxy that cuts the network.

The story the README tells: connected; the network goes and the status bar says since when and what
waits; a colleague changes the same draft on the server meanwhile; the network comes back and both
copies are kept ("1 plan needs a merge"); the clinician merges them section by section in the window,
and the server ends with one draft holding what was chosen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext, open_replica_context, open_server_context
from careplanner.config import resolve_paths
from careplanner.server.accounts import login_address
from careplanner.server.connection import ServerAddress
from careplanner.services import plan_data as d
from careplanner.store import keys
from careplanner.sync.replica_open import join_replica
from careplanner.ui.main import application
from careplanner.ui.replica_start import ReplicaAccess, build_replica_window, offline_note
from careplanner.ui.server_sign_in import ServerSignInDialog
from careplanner.ui.trust.first_run import FirstRunDialog
from careplanner.ui.worker import Worker
from tests import server_support
from tests.cli_signin import CLINICIAN, PASSWORD, READER
from tests.server.join_support import provision
from tests.sync_support.proxy import Proxy
from tests.ui.helpers import type_into
from tests.ui.test_presence_ui import what_matters

pytestmark = [pytest.mark.gui, pytest.mark.keyring, pytest.mark.qt_log_ignore("This plugin does not support")]

WAIT_MS = 30_000


def _about(text: str) -> d.AboutMeSection:
    return d.AboutMeSection(about=d.AboutMeData(what_matters=text))


@dataclass
class Practice:
    url: str  # through the proxy
    proxy: Proxy
    direct: ServerAddress  # the server itself, no user


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[Practice]:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path / "provisioning"))
    with Proxy(("127.0.0.1", server.cluster.port)) as proxy:
        url = f"postgresql://127.0.0.1:{proxy.port}/{database}?sslmode=disable"
        yield Practice(url, proxy, replace(server.address(database), user=None))
    server.drop_database(database)


@pytest.fixture
def replica(tmp_path: Path, practice: Practice) -> Iterator[AppContext]:
    paths = resolve_paths(tmp_path / "workstation")
    saved = join_replica(practice.url, None, CLINICIAN, PASSWORD, paths)
    ctx = open_replica_context(paths, saved)
    yield ctx
    ctx.close()


def test_offline_edit_then_merge_in_the_window(
    qtbot: QtBot, tmp_path: Path, practice: Practice, replica: AppContext
) -> None:
    application()
    access = ReplicaAccess(replica)
    signed = access.sign_in(CLINICIAN, PASSWORD)
    assert signed.ok and signed.note == ""  # online
    window, panel = build_replica_window(replica, access, signed.actor)
    qtbot.addWidget(window)
    window.show()
    assert "this computer's copy" in window.windowTitle()
    # The practice's accounts are the server's: no "set up a new practice" over the window of a copy,
    # not even one opened and then closed (the copy's administrators have no password hash here).
    assert not replica.services.auth.needs_first_run()
    assert window.findChildren(FirstRunDialog) == []
    panel.start()
    qtbot.waitUntil(lambda: panel.button.text() == "Connected", timeout=WAIT_MS)

    # A draft started here reaches the server.
    services, actor = replica.services, signed.actor
    person = next(p for p in services.people.search("Serverton") if p.first_name == "Orla")
    draft = services.plans.start_draft(person.id, actor)
    services.plans.save_section(draft.id, _about("Getting back to my allotment"), actor)
    panel.worker.nudge()
    qtbot.waitUntil(lambda: panel.worker.cycles >= 2 and panel.button.text() == "Connected", timeout=WAIT_MS)
    colleague = resolve_paths(tmp_path / "colleague")
    colleague.ensure()
    server = open_server_context(login_address(practice.direct, CLINICIAN), PASSWORD, colleague)
    try:
        on_server = server.services.plans.draft_of(person.id)
        assert on_server is not None and on_server.id == draft.id

        # The network goes: the clinician keeps typing in the window, and the status bar says since when
        # and what waits (the save nudges the sync worker; no test hook).
        practice.proxy.offline()
        window.open_person(person.id)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor, timeout=WAIT_MS)
        field = what_matters(window)
        field.selectAll()
        qtbot.keyClick(field, Qt.Key.Key_Delete)
        type_into(qtbot, field, "Seeing my grandchildren at Christmas")
        window.save_now()
        qtbot.waitUntil(lambda: panel.button.text().startswith("Offline since"), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: panel.button.text().endswith("— 1 change waiting"), timeout=WAIT_MS)

        # Meanwhile a colleague changes the same draft on the server.
        server.services.plans.save_section(draft.id, _about("Walking to the shop on my own"), actor)

        # The network is back: both copies are kept, and the window says a plan needs a merge.
        practice.proxy.online()
        panel.worker.sync_now()
        qtbot.waitUntil(lambda: panel.button.text() == "Connected — 1 plan needs a merge", timeout=WAIT_MS)

        dialog = panel.open_dialog()
        qtbot.waitUntil(lambda: dialog.selected_conflict() is not None, timeout=WAIT_MS)
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        merge = panel.merge_dialog
        assert merge is not None
        qtbot.waitUntil(lambda: merge.case is not None and merge.save_button.isEnabled(), timeout=WAIT_MS)
        about = next(s for s in merge.sections if s.key == "about_me")
        texts = " ".join(label.text() for label in about.findChildren(type(merge.title)))
        assert "Walking to the shop on my own" in texts and "Seeing my grandchildren at Christmas" in texts
        qtbot.mouseClick(about.second_button, Qt.MouseButton.LeftButton)  # the words typed here, offline
        with qtbot.waitSignal(merge.merged, timeout=WAIT_MS):
            qtbot.mouseClick(merge.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.button.text() == "Connected", timeout=WAIT_MS)
        # The plan on screen is the merged draft, opened again.
        qtbot.waitUntil(
            lambda: what_matters(window).toPlainText() == "Seeing my grandchildren at Christmas",
            timeout=WAIT_MS,
        )

        # The server ends with one draft holding what was chosen, and no conflict left.
        kept = server.services.plans.draft_of(person.id)
        assert kept is not None and kept.id == draft.id
        assert kept.content.about_me.about.what_matters == "Seeing my grandchildren at Christmas"
        drafts = [h for h in server.services.plans.history(person.id) if h.status.value == "draft"]
        assert len(drafts) == 1
    finally:
        panel.stop()  # as at quit: the sync thread and the listener end before the network does
        window.close()
        server.close()


def test_signing_in_offline_through_the_window(qtbot: QtBot, practice: Practice, replica: AppContext) -> None:
    """With the network gone, someone who signed in here while the server could be reached signs in on
    this computer's copy (told so); someone who never did is refused in plain words."""
    application()
    practice.proxy.offline()
    access = ReplicaAccess(replica)
    dialog = ServerSignInDialog(access, Worker(inline=True))
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.username, READER)
    type_into(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome is None and dialog.isVisible()
    assert "cannot be reached" in dialog.message.text()
    assert "signed in on this computer while the server could be reached" in dialog.message.text()
    dialog.username.clear()
    type_into(qtbot, dialog.username, CLINICIAN)
    type_into(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome is not None and dialog.outcome.ok
    assert dialog.outcome.note == offline_note()
    assert dialog.outcome.actor is not None and dialog.outcome.actor.username == CLINICIAN
