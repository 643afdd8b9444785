"""Keeping the plan on screen in step with the practice server.

A reader's view is shown again (same step, same place on the page) a moment after a colleague saves the
draft being read, so the screen and a print of it agree. An editor whose draft was agreed or declined on
another workstation (its save refused as no longer a draft, or the server's announcement) turns
read-only, saying who agreed it and when, with what was typed here and never saved kept in a box to copy
from. Leaving a person while such text is on screen asks first.

The server announces a person's record id (never a name) on every change to their plan
(services/presence.py `announce_changes`); announcements are gathered for DEBOUNCE_MS so a colleague's
typing does not reload the view on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from careplanner.clinical.enums import PlanStatus
from careplanner.services.draft_copy import typed_lines
from careplanner.services.plan_data import SECTION_TITLES, PlanContent, PlanVersion

if TYPE_CHECKING:
    from careplanner.ui.main_window import MainWindow
    from careplanner.ui.presence_banner import PresenceKeeper

DEBOUNCE_MS = 400


class PlanWatch(QObject):
    """The window's side of "the plan changed somewhere else". `leave_question` is the open "leave
    anyway?" box, if any (for tests and accessibility tools)."""

    def __init__(self, window: MainWindow, keeper: PresenceKeeper) -> None:
        super().__init__(window)
        self.window, self.keeper = window, keeper
        self.leave_question: QMessageBox | None = None
        self._leaving = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._refresh)
        window.editor.not_a_draft.connect(self.check)

    # ---- what was typed here and not saved ------------------------------------------------------------

    def kept_lines(self, against: PlanContent | None) -> list[str]:
        """What was typed here and never saved, section by section, as lines to copy: the text that
        `against` (the plan as it now stands; None: as this editor last saw it) does not have."""
        editor = self.window.editor
        copy = editor.draft_copy
        lines: list[str] = []
        for key in editor.pending_keys():
            typed = editor.built[key].section()
            if against is not None:
                before: object = against.section(key)
            elif copy is not None:
                before = copy.seen(key)
            else:
                before = None
            found = typed_lines(before, typed)
            if found:
                lines.append(self.tr(SECTION_TITLES[key]) + ":")
                lines.extend("  " + line for line in found)
        return lines

    def unsaved_text(self) -> str:
        """Text on screen that will not be saved: kept in the banner, or refused and still being shown."""
        editor = self.window.editor
        kept = editor.presence_banner.kept_text()
        if kept:
            return kept
        if editor.read_only or editor.plan is None or not editor.presence_banner.reload.isVisible():
            return ""
        return "\n".join(self.kept_lines(None))

    def ask_before_leaving(self, then: Callable[[], None]) -> bool:
        """True when leaving must wait for the person's answer (`then` runs if they choose to leave)."""
        if self._leaving or not self.unsaved_text():
            return False
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Text not saved"),
            self.tr("What you typed here was not saved and will be lost when you leave this person."),
            parent=self.window,
        )
        box.setInformativeText(self.tr("Copy it from the box above the plan first if you still need it."))
        leave = box.addButton(self.tr("Leave without it"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(self.tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        self.leave_question = box

        def answered() -> None:
            self.leave_question = None
            if box.clickedButton() is leave:
                self._leaving = True
                try:
                    then()
                finally:
                    self._leaving = False

        box.finished.connect(lambda _result: answered())
        box.open()
        return True

    # ---- announcements --------------------------------------------------------------------------------

    def heard(self, person_id: str) -> None:
        """The server announced a change to this person's plan (ServerEvents.plan_changed)."""
        editor = self.window.editor
        if editor.person is not None and editor.person.id == person_id:
            self._timer.start()

    def _refresh(self) -> None:
        editor = self.window.editor
        person = editor.person
        if person is None or self.window.stack.currentWidget() is not editor:
            return
        if not editor.read_only:
            self.check()
            return
        if editor.plan is not None and editor.plan.status is not PlanStatus.DRAFT:
            return  # an agreed version never changes
        plans, person_id = self.window.services.plans, person.id

        def now_shown() -> PlanVersion | None:
            return plans.draft_of(person_id) or plans.latest_agreed(person_id)

        def show(plan: PlanVersion | None) -> None:
            if editor.person is not None and editor.person.id == person_id and editor.read_only:
                editor.refresh_view(plan)

        self.window.worker.submit(now_shown, show)

    def check(self) -> None:
        """Is the draft being edited here still a draft? If not, say who finished it, keep the text."""
        editor = self.window.editor
        if editor.plan is None or editor.read_only:
            return
        plans, plan_id = self.window.services.plans, editor.plan.id
        self.window.worker.submit(lambda: plans.get(plan_id), self._checked, lambda exc: None)

    def _checked(self, version: PlanVersion) -> None:
        editor = self.window.editor
        person = editor.person
        if editor.read_only or editor.plan is None or editor.plan.id != version.id or person is None:
            return
        if version.status is PlanStatus.DRAFT:
            return
        kept = self.kept_lines(version.content)
        editor.discard_pending()
        self.keeper.closed()  # nothing to hold: colleagues are not told it is being edited
        editor.open_plan(person, version, editable=False, step=editor.navigator.current_key())
        editor.presence_banner.show_finished_elsewhere(version, kept)
        self.window.save_label.setText(self.tr("Not saved: this plan was agreed on another workstation"))
        self.window.statusBar().showMessage(editor.presence_banner.label.text(), 15000)
