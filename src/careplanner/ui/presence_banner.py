"""Two people, one plan, on screen: the banner that says who is editing (and offers "Take over"), and the
keeper of this editor's own presence on the practice server (claimed when a draft opens, renewed every
half minute, let go when the plan closes, and noticed at once when a colleague takes the plan over).

On the local store presence is absent: the keeper does nothing and the banner never shows.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from careplanner.services.container import Services
from careplanner.services.presence import HEARTBEAT_SECONDS, ClaimedOpen, Presence, new_holder
from careplanner.ui.plan_watch import PlanWatch
from careplanner.ui.worker import Worker

if TYPE_CHECKING:
    from careplanner.services.plan_data import PlanVersion
    from careplanner.ui.main_window import MainWindow

log = logging.getLogger("careplanner.ui.presence")


class PresenceBanner(QFrame):
    """A notice above the plan with one action, and (when something typed here could not be saved) that
    text in a read-only box to copy from. Signals: take_over_requested(); reload_requested()."""

    take_over_requested = Signal()
    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenceBanner")
        # A notice, not an error: the NHS warning yellow, as a callout with a left border.
        self.setStyleSheet(
            "#presenceBanner { background: #fff9d6; border-left: 6px solid #ffb81c; }"
            " #presenceBanner QLabel { color: #212b32; font-weight: bold; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.take_over = QPushButton(self.tr("Take over"))
        self.take_over.setToolTip(self.tr("Edit this plan here; the colleague's editor becomes read-only."))
        self.take_over.clicked.connect(self.take_over_requested)
        self.reload = QPushButton(self.tr("Reload"))
        self.reload.clicked.connect(self.reload_requested)
        self.kept = QPlainTextEdit()  # what was typed here and not saved: never dropped silently
        self.kept.setObjectName("keptText")
        self.kept.setReadOnly(True)
        self.kept.setAccessibleName(self.tr("Your text that was not saved"))
        self.kept.setMaximumHeight(140)
        self.kept.hide()
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.take_over)
        row.addWidget(self.reload)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.addLayout(row)
        layout.addWidget(self.kept)
        self.hide()

    def kept_text(self) -> str:
        """The unsaved text shown for copying ("" when none)."""
        return self.kept.toPlainText() if not self.kept.isHidden() else ""

    def _show(
        self, text: str, *, take_over: str = "", reload: bool = False, kept: list[str] | None = None
    ) -> None:
        self.kept.setPlainText("\n".join(kept or []))
        self.kept.setVisible(bool(kept))
        self.label.setText(text)
        self.setAccessibleName(text)
        self.take_over.setVisible(bool(take_over))
        if take_over:
            self.take_over.setText(take_over)
        self.reload.setVisible(reload)
        self.show()

    def show_held(self, by: Presence) -> None:
        since = by.since.astimezone().strftime("%H:%M")
        self._show(
            self.tr(
                "Being edited by {0} on {1} (since {2}). You can read it; to change it, take it over."
            ).format(by.display_name, by.workstation, since),
            take_over=self.tr("Take over"),
        )

    def show_taken(self, by: Presence, kept: list[str] | None = None) -> None:
        text = self.tr("{0} on {1} took over this plan; your last saved changes are kept.").format(
            by.display_name, by.workstation
        )
        if kept:
            text += " " + self.tr("What you typed after that is kept below: copy what you still need.")
        self._show(text, take_over=self.tr("Take over"), kept=kept)

    def show_finished_elsewhere(self, version: PlanVersion, kept: list[str]) -> None:
        """The draft on screen was agreed (or declined) on another workstation."""
        when = version.agreed_at.astimezone().strftime("%H:%M") if version.agreed_at else ""
        name = version.agreed_by_name or self.tr("A colleague")
        if version.version_number is not None:
            text = self.tr("{0} agreed this plan at {1}.").format(name, when)
        else:
            text = self.tr("{0} recorded at {1} that the person declined a written plan.").format(name, when)
        if kept:
            text += " " + self.tr("What you typed since is kept below: copy it into a new review")
        self._show(text, kept=kept)

    def show_kept(self, kept: list[str]) -> None:
        """After reloading a refused save: the plan as it is now, and the refused text below to copy."""
        self._show(
            self.tr("Reloaded. Your text that was not saved is kept below: copy what you still need."),
            kept=kept,
        )

    def show_free(self) -> None:
        self._show(
            self.tr("Nobody else is editing this plan now: you can edit it."), take_over=self.tr("Edit")
        )

    def show_stale(self, message: str) -> None:
        """A save was refused (`message` from the service names who changed it, or who took it over)."""
        self._show(message, reload=True)

    def clear(self) -> None:
        self.hide()


class PresenceKeeper(QObject):
    """This window's presence on the practice server. Signals: taken_over(Presence) — a colleague took the
    plan being edited here; holder_changed() — the plan being read here is now free or held by another."""

    taken_over = Signal(object)
    holder_changed = Signal(object)

    def __init__(self, services: Services, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presence, self.worker = services.presence, worker
        self.holder = new_holder()  # one per window: tells this window's presence from any other
        self.person_id: str | None = None
        self.editing = False  # this window holds the person's presence (else it is reading)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_SECONDS * 1000)
        self._heartbeat.timeout.connect(self.beat)

    @property
    def enabled(self) -> bool:
        return self.presence.enabled

    def opened(self, claimed: ClaimedOpen) -> None:
        """A person is on screen: held here (heartbeat on) or read while a colleague holds it."""
        was_editing = self.editing
        self.person_id = claimed.opened.person.id
        self.editing = claimed.opened.editable and self.enabled
        if self.editing:
            self._heartbeat.start()
        else:
            self._heartbeat.stop()
            if was_editing:  # e.g. a read-only account signed in here: what was held is let go
                self._release()

    def closed(self) -> None:
        """The plan left the screen: let colleagues edit it (on the worker, after any pending save)."""
        self._heartbeat.stop()
        was_editing, self.editing, self.person_id = self.editing, False, None
        if was_editing:
            self._release()

    def _release(self) -> None:
        presence, holder = self.presence, self.holder
        self.worker.submit(lambda: presence.release(holder), None, lambda exc: None)

    def beat(self) -> None:
        if not self.editing or self.person_id is None:
            return
        presence, person_id, holder = self.presence, self.person_id, self.holder
        self.worker.submit(
            lambda: presence.heartbeat(person_id, holder),
            lambda still_mine: None if still_mine else self._check(person_id),
            lambda exc: log.info("Presence heartbeat not sent: %s", type(exc).__name__),
        )

    def heard(self, person_id: str, holder: str) -> None:
        """The server announced a change of presence (ServerEvents.presence_changed)."""
        if person_id != self.person_id or holder == self.holder:
            return
        self._check(person_id)

    def _check(self, person_id: str) -> None:
        presence = self.presence
        self.worker.submit(lambda: presence.editing(person_id), lambda now: self._now_held(person_id, now))

    def _now_held(self, person_id: str, by: Presence | None) -> None:
        if person_id != self.person_id:
            return  # another person is on screen by now
        if self.editing:
            if by is not None and by.holder != self.holder:
                self.editing = False
                self._heartbeat.stop()
                self.taken_over.emit(by)
        else:
            self.holder_changed.emit(by)


class PlanSharing(QObject):
    """The window's side of two people, one plan: shows who holds the plan, takes it over on request,
    turns this editor read-only when a colleague takes over, and reloads after a refused (stale) save."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.keeper = PresenceKeeper(window.services, window.worker, self)
        # Saves and agreements carry this window's token: after a take-over the server refuses them.
        window.editor.holder = self.keeper.holder if self.keeper.enabled else None
        self.watch = PlanWatch(window, self.keeper)
        self._kept: list[str] = []  # text a reload would have dropped: shown again after it
        banner = window.editor.presence_banner
        banner.take_over_requested.connect(self.take_over)
        banner.reload_requested.connect(self.reload)
        self.keeper.taken_over.connect(self._taken_over)
        self.keeper.holder_changed.connect(self._holder_changed)

    def opened(self, claimed: ClaimedOpen) -> None:
        """After `MainWindow._opened` put the plan on screen."""
        self.keeper.opened(claimed)
        kept, self._kept = self._kept, []
        if kept:
            self.window.editor.presence_banner.show_kept(kept)
        if claimed.editing_by is not None:
            self.window.editor.presence_banner.show_held(claimed.editing_by)
        elif claimed.taken_from is not None:
            by = claimed.taken_from
            self.window.statusBar().showMessage(
                self.tr("You took over this plan from {0} on {1}.").format(by.display_name, by.workstation),
                15000,
            )

    def _reopen(self, *, take_over: bool) -> None:
        editor = self.window.editor
        if editor.person is not None:
            self.window.open_person(editor.person.id, editor.navigator.current_key(), take_over=take_over)

    def take_over(self) -> None:
        self._reopen(take_over=True)

    def reload(self) -> None:
        """After a refused save: the plan as it stands now, with the refused text kept to copy."""
        self._kept = self.watch.kept_lines(None)
        self._reopen(take_over=False)

    def _taken_over(self, by: Presence) -> None:
        """A colleague took this plan: what was typed here is saved first, then the plan is shown read-only
        as it now stands on the server, with who took it."""
        editor, window = self.window.editor, self.window
        person = editor.person
        if person is None:
            return
        editor.flush()
        plans, step = window.services.plans, editor.navigator.current_key()

        def show(draft: PlanVersion | None) -> None:
            if editor.person is None or editor.person.id != person.id:
                return
            # Anything typed here that the server refused (it arrived after the take-over) stays to copy.
            kept = self.watch.kept_lines(None if draft is None else draft.content)
            editor.discard_pending()
            editor.open_plan(person, draft, editable=False, step=step)
            editor.presence_banner.show_taken(by, kept)
            window.statusBar().showMessage(editor.presence_banner.label.text(), 15000)

        window.worker.submit(lambda: plans.draft_of(person.id), show)

    def _holder_changed(self, by: Presence | None) -> None:
        editor = self.window.editor
        if not editor.read_only or editor.person is None or not self.window.session.actor.can_edit_plans:
            return
        if by is None:
            editor.presence_banner.show_free()
        else:
            editor.presence_banner.show_held(by)
