"""The status bar's word on sync, for a workstation that keeps its own copy of the practice (replica mode):
"Connected", "Offline since 10:42 — 3 changes waiting", "2 plans need a merge", or why sync stopped.

A flat button, so a click (or Space with the keyboard) opens the Sync dialog: what waits, what conflicts.
It only shows a SyncStatus (sync/status.py) handed to it by the sync worker; it reads nothing itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QPushButton

from careplanner.sync.status import SyncStatus

ATTENTION = "#fff9d6"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


def clock_text(when: datetime, now: datetime) -> str:
    """10:42 today; 28 Nov 10:42 on another day (local time: a time to read, never to order by)."""
    local, today = when.astimezone(), now.astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return local.strftime("%d %b %H:%M").lstrip("0")


def status_text(status: SyncStatus, now: datetime | None = None) -> str:
    """The words the status bar shows for `status`."""
    now = now or datetime.now(UTC)
    if status.problem:
        return _tr("Sync stopped: {0}").format(status.problem)
    parts: list[str] = []
    if status.connected:
        parts.append(_tr("Connected"))
    elif status.offline_since is not None:
        parts.append(_tr("Offline since {0}").format(clock_text(status.offline_since, now)))
    else:
        parts.append(_tr("Not connected"))
    parts.extend(count_parts(status.waiting, status.conflicts))
    return " — ".join(parts)


def count_parts(waiting: int, conflicts: int) -> list[str]:
    """ "3 changes waiting", "2 plans need a merge" (nothing for a zero)."""
    parts: list[str] = []
    if waiting:
        parts.append(_tr("1 change waiting") if waiting == 1 else _tr("{0} changes waiting").format(waiting))
    if conflicts:
        parts.append(
            _tr("1 plan needs a merge") if conflicts == 1 else _tr("{0} plans need a merge").format(conflicts)
        )
    return parts


def status_tip(status: SyncStatus, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    lines = []
    if status.last_sync is not None:
        lines.append(
            _tr("Last synced with the practice server: {0}").format(clock_text(status.last_sync, now))
        )
    else:
        lines.append(_tr("Not yet synced with the practice server."))
    if not status.connected and not status.problem:
        lines.append(
            _tr("You can keep working: what you save is kept here and sent when the server is back.")
        )
    lines.append(_tr("Click to see what is waiting and which plans need a merge."))
    return "\n".join(lines)


class SyncStatusButton(QPushButton):
    """Signals: (clicked, from QPushButton) — open the Sync dialog."""

    shown = Signal(str)  # the text now on the button

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("syncStatus")
        self.setFlat(True)
        self.setAccessibleName(self.tr("Sync with the practice server"))
        self.status: SyncStatus | None = None
        self.setText(self.tr("Sync: starting…"))

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        text = status_text(status)
        self.setText(text)
        self.setToolTip(status_tip(status))
        self.setAccessibleDescription(text)
        attention = bool(status.problem or status.conflicts or not status.connected)
        self.setStyleSheet(
            f"#syncStatus {{ background: {ATTENTION}; font-weight: bold; padding: 2px 8px; border: none; }}"
            if attention
            else "#syncStatus { padding: 2px 8px; border: none; }"
        )
        self.shown.emit(text)
