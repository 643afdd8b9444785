"""The main window: the patient list and the plan editor in one window, with menus, a toolbar and a
status bar (save state, appointment clock, who is signed in)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget, QToolBar, QVBoxLayout, QWidget

from careplanner.clinical.enums import UserRole
from careplanner.services.consultation import OpenedPlan
from careplanner.services.container import Services
from careplanner.services.plan_data import PlanVersion
from careplanner.services.presence import ClaimedOpen
from careplanner.services.users import Actor
from careplanner.ui.agree_footer import AgreeFooter
from careplanner.ui.agreement import Agreement
from careplanner.ui.discard_draft import DraftDiscard
from careplanner.ui.editor import PlanEditor
from careplanner.ui.patient_list import PatientListPage
from careplanner.ui.person_details import PersonDetails
from careplanner.ui.person_dialog import NewPersonDialog
from careplanner.ui.plan_history import PlanHistory
from careplanner.ui.presence_banner import PlanSharing
from careplanner.ui.server_status import ServerLink
from careplanner.ui.session import UserSession
from careplanner.ui.shortcuts_help import StepShortcuts, show_shortcuts
from careplanner.ui.window_place import SMALLEST
from careplanner.ui.worker import Worker

log = logging.getLogger("careplanner.ui.window")


class MainWindow(QMainWindow):
    """Signals come from its parts: `editor.saved`, `agreement.finished`, `people.model.loaded`."""

    def __init__(self, services: Services, session: UserSession, worker: Worker | None = None) -> None:
        super().__init__()
        self.services, self.session = services, session
        self.worker = worker or Worker(parent=self)
        # Set by `ui.main.build_window` when printing is in the build: an object with print_person_copy()
        # and save_person_copy() acting on the person on screen.
        self.documents: Any = None
        # Set by `ui.server_sign_in.run_app`: joining, testing and leaving the practice server (Tools menu).
        self.practice_server: Any = None
        self.setWindowTitle(self.tr("Care Planner") + (self.tr(" — DEMO") if services.demo else ""))
        self.setMinimumSize(*SMALLEST)  # fits 1366x768 at 150 % scaling (ui/window_place.py)

        self.people = PatientListPage(services, self.worker)
        self.editor = PlanEditor(services, session, self.worker)
        self.agreement = Agreement(self.editor)
        self.agree_footer = AgreeFooter(self.editor, self.agreement)  # sticky: summary and Agree
        self.stack = QStackedWidget()
        self.stack.addWidget(self.people)
        self.stack.addWidget(self.editor)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if services.demo:
            demo = QLabel(self.tr("DEMO — synthetic people only. Nothing here is a real person's record."))
            demo.setObjectName("demoBanner")
            demo.setAccessibleName(demo.text())
            layout.addWidget(demo)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.save_label = QLabel()
        self.save_label.setAccessibleName(self.tr("Save state"))
        self.clock_label = QLabel()
        self.clock_label.setAccessibleName(self.tr("Appointment clock"))
        self.user_label = QLabel()
        status = self.statusBar()
        status.addPermanentWidget(self.save_label)
        status.addPermanentWidget(self.clock_label)
        status.addPermanentWidget(self.user_label)
        self._show_user()

        self._build_actions()
        self._show_user()
        self.people.open_requested.connect(self.view_person)  # to read first: Start review writes
        self.people.new_requested.connect(self.new_person)
        self.editor.save_state.connect(self.save_label.setText)
        self.editor.clock.ticked.connect(self._show_clock)
        self.agreement.finished.connect(self._plan_finished)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.worker.failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        session.actor_changed.connect(self._actor_changed)
        # The practice server: who else has a plan open, Connected / Not connected, live lists.
        self.sharing = PlanSharing(self)
        self.server = ServerLink(self)
        self.plan_history = PlanHistory(self)  # Start review, plan history, compare (ui/plan_history.py)
        self.person_details = PersonDetails(self)  # Person → Edit the person's details…
        self._restore()
        self.people.run_query()

    # ---- menus ----------------------------------------------------------------------------------------

    def _action(self, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.person_menu = bar.addMenu(self.tr("&Person"))
        self.plan_menu = bar.addMenu(self.tr("P&lan"))
        self.tools_menu = bar.addMenu(self.tr("&Tools"))
        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.new_action = self._action(self.tr("&New person…"), QKeySequence.StandardKey.New, self.new_person)
        self.find_action = self._action(
            self.tr("&Find a person"), QKeySequence.StandardKey.Find, self.show_list
        )
        self.recall_action = self._action(self.tr("&Recall list"), "Ctrl+R", self.show_recall)
        self.back_action = self._action(
            self.tr("&Back to people"), QKeySequence.StandardKey.Back, self.show_list
        )
        quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.file_menu.addAction(self.new_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        for action in (self.find_action, self.recall_action, self.back_action):
            self.person_menu.addAction(action)
        self.next_action = self._action(self.tr("&Next step"), "Ctrl+PgDown", lambda: self.editor.step_by(1))
        self.prev_action = self._action(
            self.tr("&Previous step"), "Ctrl+PgUp", lambda: self.editor.step_by(-1)
        )
        self.agree_action = self._action(
            self.tr("&Agree and share"), "Ctrl+Shift+A", lambda: self.editor.go_to("sharing")
        )
        for action in (self.next_action, self.prev_action, self.agree_action):
            self.plan_menu.addAction(action)
        self.discard = DraftDiscard(self)  # Plan → Discard this draft… (ui/discard_draft.py)
        self.step_keys = StepShortcuts(self, self.editor, self.plan_menu)  # Ctrl+1 … Ctrl+7
        self.plan_menu.addSeparator()
        self.plan_menu.addAction(self.discard.action)
        self.plan_menu.aboutToShow.connect(self.discard.refresh)
        self.practice_server_action = self._action(
            self.tr("Practice &server…"), None, self.show_practice_server
        )
        self.practice_server_action.setVisible(False)  # shown once `practice_server` is set
        self.tools_menu.addAction(self.practice_server_action)
        self.help_menu.addAction(self._action(self.tr("&Keyboard shortcuts"), "F1", self.show_shortcuts))
        self.help_menu.addAction(self._action(self.tr("&About Care Planner"), None, self.show_about))
        toolbar = QToolBar(self.tr("Main toolbar"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.find_action, self.new_action, self.recall_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)
        self._plan_actions(False)

    def _plan_actions(self, on: bool) -> None:
        for action in (self.next_action, self.prev_action, self.agree_action, self.back_action):
            action.setEnabled(on)
        self.discard.refresh()

    # ---- views ----------------------------------------------------------------------------------------

    def show_list(self) -> None:
        if self.stack.currentWidget() is self.editor:
            if self.sharing.watch.ask_before_leaving(self.show_list):
                return  # text on screen that can never be saved: asked first (ui/plan_watch.py)
            self.editor.close_plan()
            self.sharing.keeper.closed()
            self.save_label.clear()
            self.people.model.refresh()
        self.stack.setCurrentWidget(self.people)
        self._plan_actions(False)
        self.people.focus_search()

    def focus_after_sign_in(self) -> None:
        """After sign-in, unlock or Switch user: the cursor in the search box when the list is shown (the
        sign-in screen had the keyboard, and the list was hidden when it last asked for focus)."""
        if self.stack.currentWidget() is self.people:
            self.people.focus_search()

    def show_recall(self) -> None:
        self.show_list()
        self.people.filter.setCurrentIndex(self.people.filter.count() - 1)

    def new_person(self) -> None:
        if self.session.actor.role is UserRole.READ_ONLY:
            self.statusBar().showMessage(self.tr("Read-only accounts cannot add people."), 8000)
            return
        dialog = NewPersonDialog(self.services, self.session, self.worker, self)

        def created() -> None:
            if dialog.created is not None:
                self.view_person(dialog.created.id)  # "Start a plan" is one click: adding starts nothing

        dialog.accepted.connect(created)
        dialog.open()

    def open_person(
        self, person_id: str, step: str = "", *, take_over: bool = False, start: bool = True
    ) -> None:
        """Open this person: a clinician gets their draft (reopened, or started from the last agreed plan:
        "Start review"); someone who may not edit plans gets the plan to view and print. One service call,
        one transaction. `start=False` (`view_person`) never starts a draft. `step`: the step to show
        first (used when the plan is reopened for another user).
        On the practice server the draft is claimed in the same call: while a colleague has it open it
        is shown to read, with who has it; `take_over` takes it from them (audited)."""
        consultation, actor = self.services.consultation, self.session.actor
        presence, holder = self.services.presence, self.sharing.keeper.holder
        opening = consultation.open_for_consultation if start else consultation.open_to_read
        self.statusBar().showMessage(self.tr("Opening…"))
        self.worker.submit(
            lambda: presence.claim_opened(opening(person_id, actor), actor, holder, take_over=take_over),
            lambda claimed: self._opened(claimed, step),
        )

    def view_person(self, person_id: str, step: str = "") -> None:
        """Open this person from the list: a draft in progress to carry on, else their last agreed plan to
        read with Start review (ui/plan_view_mode.py). Writes only the "person opened" audit entry."""
        self.open_person(person_id, step, start=False)

    def _opened(self, opened: OpenedPlan | ClaimedOpen, step: str = "") -> None:
        claimed = opened if isinstance(opened, ClaimedOpen) else ClaimedOpen(opened)
        opened = claimed.opened
        plan = opened.plan
        self.editor.open_plan(opened.person, plan, editable=opened.editable, step=step)
        if opened.editable and plan is not None and plan.base_id:
            # The version it was carried forward from only feeds "what changed": fetched after the plan shows.
            base_id, plans = plan.base_id, self.services.plans
            self.worker.submit(lambda: plans.get(base_id), self._base_loaded)
        self.stack.setCurrentWidget(self.editor)
        self._plan_actions(True)
        self.statusBar().clearMessage()
        self.sharing.opened(claimed)
        self.editor.navigator.setFocus()

    def _base_loaded(self, base: PlanVersion) -> None:
        editor = self.editor
        if not editor.read_only and editor.plan is not None and editor.plan.base_id == base.id:
            editor.set_base(base)

    def _actor_changed(self, _actor: Actor) -> None:
        """Someone else signed in: a plan on screen is opened again as theirs, to edit or only to view."""
        self._show_user()
        editor = self.editor
        if self.stack.currentWidget() is editor and editor.person is not None:
            editor.flush()  # saved as the user who typed it, before the plan changes hands
            self.open_person(editor.person.id, editor.navigator.current_key(), start=not editor.read_only)

    def _plan_finished(self, version: PlanVersion) -> None:
        if version.version_number is not None:
            text = self.tr("Plan agreed (version {0}).").format(version.version_number)
        else:
            text = self.tr("Recorded that the person declined a written plan.")
        self.statusBar().showMessage(text, 15000)
        if self.documents is None or version.version_number is None:
            self.show_list()
            return
        # The person takes their copy home: offer it now, while their plan is still the one on screen.
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Plan agreed"), text, parent=self)
        box.setInformativeText(self.tr("Print the person's copy for them to take home?"))
        print_button = box.addButton(self.tr("Print…"), QMessageBox.ButtonRole.AcceptRole)
        pdf_button = box.addButton(self.tr("Save as PDF…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(print_button)
        self.print_offer = box

        def chosen() -> None:
            clicked = box.clickedButton()
            try:
                if clicked is print_button:
                    self.documents.print_person_copy()
                elif clicked is pdf_button:
                    self.documents.save_person_copy()
            finally:
                # Back to the list even when printing fails: the agreed plan must never stay on screen
                # looking like a draft that takes typing, which would go nowhere.
                self.show_list()

        box.finished.connect(lambda _result: chosen())
        box.open()

    def show_practice_server(self) -> None:
        from careplanner.ui.server_sign_in import open_practice_server_dialog

        open_practice_server_dialog(self)

    def show_shortcuts(self) -> None:
        """F1: every shortcut, read from the window's own actions (ui/shortcuts_help.py)."""
        self.shortcuts_dialog = show_shortcuts(self)

    def show_about(self) -> None:
        """Help → About: version, manufacturer and the clinical safety statement (ui/about.py)."""
        from careplanner.ui.about import show_about

        self.about_dialog = show_about(self)

    def _show_clock(self, text: str) -> None:
        self.clock_label.setText(text)
        self.clock_label.setToolTip(self.editor.clock.breakdown())

    def _show_user(self) -> None:
        self.user_label.setText(self.tr("Signed in: {0}").format(self.session.actor.display_name))
        if hasattr(self, "new_action"):
            self.new_action.setEnabled(self.session.actor.role is not UserRole.READ_ONLY)

    # ---- lifetime -------------------------------------------------------------------------------------

    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)
        view = settings.value("window/filter", 0)
        if isinstance(view, (int, str)) and str(view).isdigit():
            self.people.filter.setCurrentIndex(int(view))

    def save_now(self) -> None:
        """Save everything pending and wait for it (quitting, locking, closing)."""
        self.editor.flush()
        self.worker.wait()

    def _close_anyway(self) -> None:
        self.close()  # asked and answered "Leave without it": closeEvent does not ask again

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.stack.currentWidget() is self.editor and self.sharing.watch.ask_before_leaving(
            self._close_anyway
        ):
            event.ignore()  # text on screen that can never be saved: asked first (ui/plan_watch.py)
            return
        self.save_now()
        self.sharing.keeper.closed()  # colleagues may edit the plan now
        self.worker.wait()
        self.server.stop()
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/filter", self.people.filter.currentIndex())
        super().closeEvent(event)
