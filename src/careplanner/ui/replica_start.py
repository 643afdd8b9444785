"""The start of the app on a workstation that keeps its own copy of the practice (replica mode).

This computer's encrypted copy is already open (`app.open_replica_context`); nobody is signed in yet. The
sign-in dialog asks for the user name and password and signs in through `ctx.replica`: on the practice
server when it can be reached, else offline on this computer's copy (for people who have signed in here
while the server could be reached). Either way the main window opens on the copy, with the sync status in
the status bar, Tools → Sync…, and the background sync worker (ui/sync_window.py). Offline, the window
says so once; work goes on and is sent when the server is back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QMessageBox

from careplanner.server import joined
from careplanner.server.workstation import Outcome, PracticeServerAccess, outcome_of
from careplanner.sync.merge import MergeService
from careplanner.sync.person_choice import DetailConflicts
from careplanner.sync.status import SyncService
from careplanner.ui.server_sign_in import ServerSignInDialog, add_practice_server_tools, show_server
from careplanner.ui.sync_window import SyncPanel
from careplanner.ui.window_place import show_window
from careplanner.ui.worker import Worker

if TYPE_CHECKING:
    from careplanner.app import AppContext
    from careplanner.server.notify import ChangeListener
    from careplanner.sync.replica_open import ReplicaLink

log = logging.getLogger("careplanner.ui.replica")


class ReplicaAccess(PracticeServerAccess):
    """The practice server's access for a replica: sign-in goes through this computer's copy's link
    (online, or offline when the server cannot be reached); join, test and leave are as for any
    workstation (Tools → Practice server…)."""

    def __init__(self, ctx: AppContext) -> None:
        link = ctx.replica
        assert link is not None
        super().__init__(ctx.paths, link.address)
        self.ctx = ctx
        self.link: ReplicaLink = link

    @property
    def server_name(self) -> str:
        return joined.describe(self.link.address)

    def sign_in(self, username: str, password: str) -> Outcome:
        try:
            actor = self.link.sign_in(username, password)
        except Exception as exc:
            return outcome_of(exc)
        note = "" if self.link.online else offline_note()
        return Outcome("ok", note=note, context=self.ctx, actor=actor)


def offline_note() -> str:
    return (
        "Signed in on this computer's copy: the practice server cannot be reached. What you save is kept "
        "here and sent when it is back."
    )


def listen_for(link: ReplicaLink) -> Any:
    """Make a listener for the server's announcements (on the sync thread, once the server is reached)."""

    def make(on_event: Any) -> ChangeListener:
        from careplanner.server.notify import ChangeListener

        conn = link.connect()  # the signed-in person's own connection: the listener takes its engine
        try:
            engine = conn.engine
        finally:
            conn.close()
        return ChangeListener(engine, on_event)

    return make


def build_replica_window(ctx: AppContext, access: ReplicaAccess, actor: Any) -> tuple[Any, SyncPanel]:
    """The main window over the copy, with `actor` signed in and sync running in the background."""
    from careplanner.ui.main import build_window

    window, _session = build_window(ctx)  # no first-run set-up on a copy: AuthService.needs_first_run
    add_practice_server_tools(window, access)
    show_server(window, access.server_name)
    window.setWindowTitle(window.windowTitle() + window.tr(" (this computer's copy)"))
    trust = getattr(window, "trust", None)
    if trust is not None and actor is not None:
        trust.lock_screen.uncover()
        trust.lock_screen.signed_in.emit(actor)
    link = access.link
    sessions = ctx.store.sessions
    panel = SyncPanel(
        window,
        link.engine(),
        SyncService(sessions),
        MergeService(sessions, ctx.services.clock.now),
        listen=listen_for(link),
        details=DetailConflicts(sessions, ctx.services.people),
    )
    return window, panel


def run_replica_app(ctx: AppContext) -> int:
    """Sign in (online or offline), then the main window on this computer's copy; returns the exit code.
    `ctx` stays the caller's to close."""
    from careplanner.ui.main import application

    app = application()
    access = ReplicaAccess(ctx)
    dialog = ServerSignInDialog(access, Worker())
    dialog.title.setText(
        dialog.tr("Practice server: {0} (this computer keeps its own copy)").format(access.server_name)
    )
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.outcome is None:
        return 0
    outcome = dialog.outcome
    window, panel = build_replica_window(ctx, access, outcome.actor)
    app.aboutToQuit.connect(window.save_now)
    app.aboutToQuit.connect(panel.stop)
    show_window(window)  # maximised on the first start (ui/window_place.py)
    panel.start()
    if outcome.note:
        window.statusBar().showMessage(outcome.note, 20000)
    for notice in ctx.notices:
        QMessageBox.information(window, window.tr("Care Planner"), notice)
    code = app.exec()
    window.worker.shutdown()
    log.info("Window closed")
    return int(code)
