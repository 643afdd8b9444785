"""Tools → Directory of services and leaflets… and Tools → Contingency templates…: the practice's own
lists, edited in the app by an administrator.

The two actions show only while the signed-in account may change the practice's settings (the same
permission as Practice settings…), and are checked again when chosen, so an account whose role changed
since the menu was drawn opens nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget

from careplanner.services.auth import Permission, can
from careplanner.services.container import Services
from careplanner.ui.session import UserSession

if TYPE_CHECKING:
    from careplanner.ui.admin_directory import DirectoryAdminDialog
    from careplanner.ui.admin_templates import TemplateAdminDialog

__all__ = ["AdminLists", "install"]


class AdminLists(QObject):
    """The two actions and the dialogs they open (kept so tests can drive them). No signals."""

    def __init__(self, window: QWidget, services: Services, session: UserSession) -> None:
        super().__init__(window)
        self._window, self._services, self._session = window, services, session
        self.directory_action = QAction(self.tr("&Directory of services and leaflets…"), window)
        self.templates_action = QAction(self.tr("Contingency &templates…"), window)
        self.directory_action.triggered.connect(lambda: self.show_directory())
        self.templates_action.triggered.connect(lambda: self.show_templates())
        session.actor_changed.connect(lambda _actor: self.update_actions())
        session.locked.connect(self.update_actions)
        session.unlocked.connect(self.update_actions)
        self.update_actions()

    def allowed(self) -> bool:
        return not self._session.is_locked and can(self._session.actor, Permission.PRACTICE_SETTINGS)

    def update_actions(self) -> None:
        for action in (self.directory_action, self.templates_action):
            action.setVisible(self.allowed())

    def show_directory(self) -> DirectoryAdminDialog | None:
        if not self.allowed():
            return None
        from careplanner.ui.admin_directory import DirectoryAdminDialog  # only when opened: a quick start

        dialog = DirectoryAdminDialog(self._services, self._session.actor, self._window)
        dialog.open()
        return dialog

    def show_templates(self) -> TemplateAdminDialog | None:
        if not self.allowed():
            return None
        from careplanner.ui.admin_templates import TemplateAdminDialog  # only when opened: a quick start

        dialog = TemplateAdminDialog(self._services, self._session.actor, self._window)
        dialog.open()
        return dialog


def install(window: QMainWindow, services: Services, session: UserSession) -> AdminLists:
    """Add the two actions to the window's Tools menu."""
    admin = AdminLists(window, services, session)
    tools = getattr(window, "tools_menu", None) or window.menuBar().addMenu(window.tr("&Tools"))
    tools.addAction(admin.directory_action)
    tools.addAction(admin.templates_action)
    setattr(window, "admin_lists", admin)  # noqa: B010 - tests and the window's owner reach it here
    return admin
