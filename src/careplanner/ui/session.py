"""Who is using the app right now: the one place the editor and dialogs read the acting clinician from."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from careplanner.services.users import Actor


class UserSession(QObject):
    """The signed-in user.

    Signals: actor_changed(object) with the new Actor; locked() when the screen is locked (the editor
    saves its draft); unlocked().
    """

    actor_changed = Signal(object)
    locked = Signal()
    unlocked = Signal()

    def __init__(self, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actor = actor
        self._locked = False

    @property
    def actor(self) -> Actor:
        return self._actor

    @property
    def is_locked(self) -> bool:
        return self._locked

    def sign_in(self, actor: Actor) -> None:
        changed = actor != self._actor
        self._actor = actor
        self._locked = False
        if changed:
            self.actor_changed.emit(actor)

    def lock(self) -> None:
        if not self._locked:
            self._locked = True
            self.locked.emit()

    def unlock(self) -> None:
        if self._locked:
            self._locked = False
            self.unlocked.emit()
