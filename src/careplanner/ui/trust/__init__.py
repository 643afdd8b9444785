"""Sign-in, locking, switching user, the audit viewer, accounts, backups and the crash dialog.

`install(window, services, session)` wires all of it into the main window: the window starts behind the
sign-in screen (or the first-run set-up, on a new store), locks after the idle time in the security
settings (default 5 minutes) and on Ctrl+L, and the Tools menu gains the administrator's screens.
Administrators also get Accounts… and Security settings… (the idle time, which applies at once).
The demo store (synthetic people only) skips sign-in and locking.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from careplanner.crashlog import install_excepthook, known_problem
from careplanner.services import audit, trust_settings
from careplanner.services.auth import Permission, can
from careplanner.services.container import Services
from careplanner.services.users import Actor
from careplanner.ui.practice_dialog import PracticeSettingsDialog
from careplanner.ui.practice_name import current as practice_name
from careplanner.ui.session import UserSession
from careplanner.ui.trust.audit_viewer import AuditViewer
from careplanner.ui.trust.backup_dialog import BackupDialog
from careplanner.ui.trust.first_run import FirstRunDialog
from careplanner.ui.trust.lock_screen import LockScreen
from careplanner.ui.trust.security_dialog import SecuritySettingsDialog
from careplanner.ui.trust.users_dialog import UsersDialog
from careplanner.ui.worker import Worker

log = logging.getLogger("careplanner.ui.trust")

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatch(QObject):
    """Restarts the idle timer on any keyboard, mouse or touch input anywhere in the app.

    Signals: none; `timer.timeout` fires after the idle time.
    """

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(minutes * 60_000)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        """Use a new idle time from now on, counted afresh (so a shorter time never locks at once)."""
        self.timer.setInterval(minutes * 60_000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT_EVENTS:
            self.timer.start()
        return False


class Trust(QObject):
    """Everything install() adds, kept together so tests can drive it."""

    def __init__(self, window: QMainWindow, services: Services, session: UserSession) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.session = session
        self.worker: Worker = getattr(window, "worker", None) or Worker(parent=self)
        self.head = services.backups.audit_note()
        self.settings = trust_settings.load(services.backups.data_dir)
        self.lock_screen = LockScreen(
            window, services.auth, on_server=services.on_server, practice_name=lambda: practice_name(services)
        )
        self.lock_screen.signed_in.connect(self._signed_in)
        self.worker.account_inactive.connect(self.account_switched_off)
        self.idle = IdleWatch(self.settings.lock_minutes, self)
        self.idle.timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.actions = self._build_actions()
        self._signed_in_actor: Actor | None = None
        self._update_actions()

    # ---- menus -------------------------------------------------------------------------------------------

    def _add(self, menu: Any, text: str, slot: Any, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> dict[str, QAction]:
        window = self.window
        # Ctrl+L locks the screen (as on most workstations); move any older use of it out of the way.
        for action in window.findChildren(QAction):
            if action.shortcut() == QKeySequence("Ctrl+L"):
                action.setShortcut(QKeySequence("Ctrl+B"))
        tools = getattr(window, "tools_menu", None) or window.menuBar().addMenu(self.tr("&Tools"))
        file_menu = getattr(window, "file_menu", None) or tools
        return {
            "lock": self._add(file_menu, self.tr("&Lock the screen"), self.lock, "Ctrl+L"),
            "switch": self._add(file_menu, self.tr("&Switch user…"), self.switch_user),
            "backup": self._add(tools, self.tr("&Back up…"), self.show_backup),
            "audit": self._add(tools, self.tr("&Audit trail…"), self.show_audit),
            "users": self._add(tools, self.tr("A&ccounts…"), self.show_users),
            "security": self._add(tools, self.tr("Security se&ttings…"), self.show_security),
            "practice": self._add(tools, self.tr("&Practice settings…"), self.show_practice),
        }

    def _update_actions(self) -> None:
        actor = self._signed_in_actor
        # On the practice server the connection is one person's own login: switching needs a restart.
        self.actions["switch"].setVisible(not self.services.on_server)
        self.actions["audit"].setVisible(actor is not None and can(actor, Permission.VIEW_AUDIT))
        self.actions["users"].setVisible(actor is not None and can(actor, Permission.MANAGE_USERS))
        self.actions["backup"].setVisible(actor is not None and can(actor, Permission.BACKUP))
        self.actions["security"].setVisible(actor is not None and can(actor, Permission.PRACTICE_SETTINGS))
        self.actions["practice"].setVisible(actor is not None and can(actor, Permission.PRACTICE_SETTINGS))

    # ---- sign-in, lock and switch ------------------------------------------------------------------------

    def start(self) -> None:
        """Behind the sign-in screen; on a new store, the first-run set-up opens over it."""
        self.lock_screen.show_for(None)
        if self.services.auth.needs_first_run():
            dialog = FirstRunDialog(self.services, self.window)
            dialog.accepted.connect(lambda: self._first_admin(dialog))
            dialog.open()

    def _first_admin(self, dialog: FirstRunDialog) -> None:
        if dialog.admin is not None:
            self.lock_screen.uncover()
            self._signed_in(dialog.admin)

    def _signed_in(self, actor: Actor) -> None:
        self._signed_in_actor = actor
        self.session.unlock()
        self.session.sign_in(actor)
        self._update_actions()
        self.idle.timer.start()
        self.head.save()
        log.info("Signed in (role %s)", actor.role.value)
        self.daily_backup()
        # The sign-in screen had the keyboard; give it back to the window (the search box on the list).
        back_in = getattr(self.window, "focus_after_sign_in", None)
        if callable(back_in):
            back_in()

    def daily_backup(self) -> None:
        """Today's backup, on the worker, if it is switched on, due and its passphrase is kept."""

        def done(result: object) -> None:
            if result is not None:
                self.window.statusBar().showMessage(self.tr("Today's backup is done."), 8000)

        def failed(exc: BaseException) -> None:
            problem = known_problem(exc)
            log.warning("Daily backup failed: %s", problem or type(exc).__name__)
            self.window.statusBar().showMessage(
                self.tr("Today's backup could not be made: {p}").format(p=problem or self.tr("see the log")),
                15000,
            )

        self.worker.submit(self.services.backups.run_daily_if_due, done, failed)

    def lock(self) -> None:
        if self.lock_screen.is_showing:
            return
        actor = self._signed_in_actor
        self.session.lock()  # the editor saves its draft on this signal
        if actor is not None:
            self.services.auth.record(actor, audit.Action.LOCK)
            self.head.save()
        self.lock_screen.show_for(actor)
        self.daily_backup()  # a locked screen is idle time

    def switch_user(self) -> None:
        """Lock (saving the draft), then let anyone sign in; their own password unlocks as before.
        On the practice server the lock screen says to restart instead (see LockScreen)."""
        self.lock()
        if self.services.on_server:
            return
        self.lock_screen.username.clear()
        self.lock_screen.username.setFocus()

    def sign_out(self) -> None:
        actor = self._signed_in_actor
        if actor is not None:
            self.services.auth.record(actor, audit.Action.SIGN_OUT)
            self.head.save()

    def sign_out_to_sign_in(self) -> None:
        """Sign out (saving the draft first) and show the sign-in screen, e.g. after a change to one's own
        role: what the signed-in account may do was decided at sign-in, so it must sign in afresh."""
        self.session.lock()  # the editor saves its draft on this signal
        self.sign_out()
        self._signed_in_actor = None
        self._update_actions()
        self.lock_screen.show_for(None)
        self.lock_screen.message.setText(self.tr("Your account has changed. Sign in again to carry on."))

    def account_switched_off(self, user_id: str, _message: str = "") -> None:
        """A service refused the signed-in account because an administrator switched it off (here or on
        another workstation): nothing it sent was saved. Sign it out and show the sign-in screen.
        Refusals for an account that is no longer the signed-in one are ignored."""
        actor = self._signed_in_actor
        if actor is None or actor.id != user_id:
            return
        self._signed_in_actor = None  # first: the draft save on locking is refused too, and lands here
        self.session.lock()
        self.services.auth.record(actor, audit.Action.SIGN_OUT, "account switched off")
        self.head.save()
        self._update_actions()
        self.lock_screen.show_for(None)
        self.lock_screen.message.setText(
            self.tr(
                "This account has been switched off, so the last changes were not saved. "
                "Ask an administrator, or sign in with another account."
            )
        )
        log.info("Signed out: the account was switched off")

    # ---- screens -----------------------------------------------------------------------------------------

    def _actor(self) -> Actor | None:
        return self._signed_in_actor

    def show_audit(self) -> None:
        actor = self._actor()
        if actor is not None:
            AuditViewer(self.services, actor, self.window).open()

    def show_users(self) -> UsersDialog | None:
        """Open the accounts screen (returned so tests can drive it); administrators only."""
        actor = self._actor()
        if actor is None or not can(actor, Permission.MANAGE_USERS):
            return None
        dialog = UsersDialog(self.services, actor, self.window)
        dialog.own_access_changed.connect(self.sign_out_to_sign_in)
        dialog.open()
        return dialog

    def show_security(self) -> SecuritySettingsDialog | None:
        """Open the security settings (returned so tests can drive it); saving applies them at once."""
        actor = self._actor()
        if actor is None or not can(actor, Permission.PRACTICE_SETTINGS):
            return None
        dialog = SecuritySettingsDialog(self.services, actor, self.window)
        dialog.saved.connect(self.apply_settings)
        dialog.open()
        return dialog

    def show_practice(self) -> PracticeSettingsDialog | None:
        """Open the practice settings (returned so tests can drive it): the numbers every plan prints."""
        actor = self._actor()
        if actor is None or not can(actor, Permission.PRACTICE_SETTINGS):
            return None
        dialog = PracticeSettingsDialog(self.services, actor, self.window)
        dialog.open()
        return dialog

    def apply_settings(self, settings: trust_settings.TrustSettings) -> None:
        """Settings just saved take effect in this running app: the idle timer uses the new time."""
        self.settings = settings
        self.idle.set_minutes(settings.lock_minutes)
        log.info("Idle lock set to %d minutes", settings.lock_minutes)

    def show_backup(self) -> None:
        actor = self._actor()
        if actor is not None:
            BackupDialog(self.services, actor, self.worker, self.window).open()


def _crash_dialog(window: QMainWindow) -> Any:
    def show(message: str, is_bug: bool) -> None:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Critical if is_bug else QMessageBox.Icon.Warning)
        box.setWindowTitle(window.tr("Care Planner"))
        box.setText(message)
        box.open()

    return show


def install(window: QMainWindow, services: Services, session: UserSession) -> None:
    """Wire sign-in, locking, the admin screens and the crash dialog into the main window."""
    install_excepthook(_crash_dialog(window))
    if services.demo:
        return
    trust = Trust(window, services, session)
    setattr(window, "trust", trust)  # noqa: B010 - tests and the window's owner reach it here
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(trust.sign_out)
    trust.start()
