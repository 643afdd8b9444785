"""The practice server, as the window hears it: announcements from other workstations, and whether the
server can be reached (shown in the status bar as Connected / Not connected).

The LISTEN connection runs on its own background thread (server/notify.py); its events wait in a
thread-safe queue that a UI-thread timer drains, so no Qt object is touched off the UI thread (the same
pattern as ui/worker.py). On the local store there is no listener and nothing here is shown.
"""

from __future__ import annotations

import queue
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout

from careplanner.services.container import Services

if TYPE_CHECKING:
    from careplanner.services.presence import ChangeListener, ListenerEvent
    from careplanner.ui.main_window import MainWindow

DRAIN_MS = 100


class ServerEvents(QObject):
    """Signals: presence_changed(str, str) — a person's record id and the new holder's token ("-" when
    nobody holds it now); lists_changed() — people or plans were added or changed somewhere;
    plan_changed(str) — a person's plan (record id) was saved, agreed or declined somewhere;
    connection_changed(bool) — the server was reached (True) or lost (False)."""

    presence_changed = Signal(str, str)
    lists_changed = Signal()
    plan_changed = Signal(str)
    connection_changed = Signal(bool)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: queue.SimpleQueue[ListenerEvent] = queue.SimpleQueue()
        self._listener: ChangeListener | None = services.presence.listener(self._events.put)
        self.connected: bool | None = None  # not known yet
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_MS)
        self._timer.timeout.connect(self._drain)

    @property
    def enabled(self) -> bool:
        return self._listener is not None

    def start(self) -> None:
        if self._listener is not None:
            self._listener.start()
            self._timer.start()

    def stop(self) -> None:
        """Stop listening (waits up to about a second for the listening thread to end)."""
        self._timer.stop()
        if self._listener is not None:
            self._listener.stop()

    def report(self, reached: bool) -> None:
        """A call to the server (an autosave, a search) reached it or found it gone."""
        if self.enabled and reached != self.connected:
            self.connected = reached
            self.connection_changed.emit(reached)

    def _drain(self) -> None:
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            if event.kind in ("connected", "disconnected"):
                reached = event.kind == "connected"
                if reached and self.connected is not None:
                    self.lists_changed.emit()  # anything announced while it was away was missed
                self.report(reached)
            elif event.kind == "presence":
                person_id, _, holder = event.payload.partition(" ")
                self.presence_changed.emit(person_id, holder or "-")
            elif event.payload.startswith("plan "):
                self.plan_changed.emit(event.payload.removeprefix("plan "))
            else:
                self.lists_changed.emit()


class ServerStatusLabel(QLabel):
    """Connected / Not connected, for the status bar of a workstation joined to a practice server."""

    def __init__(self, events: ServerEvents) -> None:
        super().__init__()
        self.setObjectName("serverStatus")
        self.setAccessibleName(self.tr("Practice server"))
        events.connection_changed.connect(self.show_state)
        self.show_state(events.connected)

    def show_state(self, connected: bool | None) -> None:
        if connected is None:
            self.setText(self.tr("Connecting…"))
            return
        self.setText(self.tr("Connected") if connected else self.tr("Not connected"))
        self.setToolTip(
            self.tr("The practice server can be reached.")
            if connected
            else self.tr("The practice server cannot be reached. What you type is kept here.")
        )


class ServerLink(QObject):
    """A window's link to the practice server: the status bar's Connected / Not connected, the plain
    message while it cannot be reached (typing is kept and saved when it is back), live lists, and
    presence announcements for the plan on screen. Does nothing on the local store."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.events = ServerEvents(window.services, self)
        self.label: ServerStatusLabel | None = None
        self.notice: QLabel | None = None
        if not self.events.enabled:
            return
        self.label = ServerStatusLabel(self.events)
        window.statusBar().addPermanentWidget(self.label)
        # Also across the top of the window: a narrow window's status bar has no room for a long message.
        self.notice = QLabel(self.outage_text())
        self.notice.setObjectName("serverNotice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.outage_text())
        self.notice.setStyleSheet(
            "#serverNotice { background: #fff9d6; border-left: 6px solid #ffb81c; color: #212b32;"
            " font-weight: bold; padding: 8px 24px; }"
        )
        self.notice.hide()
        top = window.centralWidget()
        column = top.layout() if top is not None else None
        if isinstance(column, QVBoxLayout):
            column.insertWidget(0, self.notice)
        self.events.connection_changed.connect(self._connection)
        self.events.presence_changed.connect(window.sharing.keeper.heard)
        self.events.lists_changed.connect(window.people.refresh_soon)
        self.events.plan_changed.connect(window.sharing.watch.heard)
        window.editor.server_reached.connect(self.events.report)
        self.events.start()

    def outage_text(self) -> str:
        return self.tr(
            "The practice server cannot be reached — your typing is kept here and will be saved when it "
            "is back"
        )

    def _connection(self, connected: bool) -> None:
        status = self.window.statusBar()
        if self.notice is not None:
            self.notice.setVisible(not connected)
        if not connected:
            status.showMessage(self.outage_text())
            return
        if status.currentMessage() == self.outage_text():
            status.clearMessage()
        self.window.editor.retry_now()

    def stop(self) -> None:
        self.events.stop()
