"""The plan editor: a step navigator, one page per step, autosave and what changed since last time.

Steps are built the first time they are shown, so the window opens fast and a plan opens in well under
100 ms; the navigator's states come from the plan's data, not from the widgets.

Autosave: every edit marks its step's section dirty and restarts a 600 ms timer; when it fires only the
dirty sections are saved (`PlanService.save_section`) on the worker. Changing step, locking the screen,
closing the window or quitting saves at once, so nothing typed is ever lost and nobody is asked to save.
Saves are made as the user who opened the plan, so a change of user never saves one person's typing
under another's name.

Read-only: someone who may not edit plans sees the plan (agreed, else draft, else an empty one) in the
same steps, made into a view (`StepWidget.set_read_only`), with a notice saying so; nothing autosaves.
Steps are rebuilt when the mode changes, so a view never has to be turned back into an editor.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from careplanner.clinical.enums import PlanStatus
from careplanner.services.carry_forward import carried_section
from careplanner.services.container import Services
from careplanner.services.diff import diff_plans
from careplanner.services.draft_copy import DraftCopy, StaleCopyError
from careplanner.services.errors import AccountInactiveError, NotADraftError, ValidationError
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import (
    SECTION_TITLES,
    SECTION_TYPES,
    MedicalSection,
    PlanContent,
    PlanVersion,
    Section,
)
from careplanner.services.plans import SaveResult
from careplanner.services.presence import unreachable
from careplanner.services.users import Actor
from careplanner.ui.change_summary import ChangeSummary
from careplanner.ui.clock import AppointmentClock
from careplanner.ui.navigator import StepNavigator
from careplanner.ui.plan_view_mode import PlanModeBar
from careplanner.ui.presence_banner import PresenceBanner
from careplanner.ui.session import UserSession
from careplanner.ui.step_states import agreed_day, state_of, step_class
from careplanner.ui.steps.base import StepContext, StepWidget
from careplanner.ui.worker import Worker

__all__ = ["PlanEditor", "step_class", "with_section"]

log = logging.getLogger("careplanner.ui.editor")
AUTOSAVE_MS = 600  # short enough that a crash 1 s after the last keystroke loses nothing
RETRY_MS = 3000  # a save the practice server could not take is tried again (and at once when it is back)


def with_section(content: PlanContent, key: str, section: Section) -> PlanContent:
    changes: dict[str, Any] = {key: section}
    return dataclasses.replace(content, **changes)


def _saver(copy: DraftCopy, section: Section, actor: Actor) -> Callable[[], SaveResult]:
    return lambda: copy.save(section, actor)


def _callback(slot: Callable[[str, Any], None], key: str) -> Callable[[Any], None]:
    return lambda result: slot(key, result)


class PlanEditor(QWidget):
    """Signals: saved(str) after a section reaches the store; save_state(str) for the status bar;
    step_built(str) when a step's widgets are first made; message(str) for the status bar;
    server_reached(bool) after each save on the practice server (False: it could not be reached);
    stale() when a save was refused because a colleague changed the section first;
    not_a_draft() when a save was refused because the draft was agreed or declined elsewhere;
    opened() after a plan (or a view) is put on screen by `open_plan`."""

    saved = Signal(str)
    save_state = Signal(str)
    step_built = Signal(str)
    message = Signal(str)
    server_reached = Signal(bool)
    stale = Signal()
    not_a_draft = Signal()
    opened = Signal()

    def __init__(self, services: Services, session: UserSession, worker: Worker) -> None:
        super().__init__()
        self.services, self.session, self.worker = services, session, worker
        self.plan: PlanVersion | None = None
        self.person: PersonRecord | None = None
        self.base: PlanVersion | None = None
        self.read_only = False
        self.actor: Actor = session.actor  # who opened the plan: its changes are saved as them
        self._content = PlanContent()
        self._dirty: set[str] = set()
        self._in_flight = 0
        self._loading = False
        self._copy: DraftCopy | None = None  # what this editor last saw of the draft (stale-save check)
        self.holder: str | None = None  # this window's presence token on the practice server
        self.unsaved: set[str] = set()  # sections typed here and not (yet) saved: shown if never saved
        self._conflict = False  # a colleague changed what is on screen: stop saving, keep the text
        self._context = StepContext(services, services.clock.today, self._medical_now)
        self.clock = AppointmentClock(parent=self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

        self.banner = QLabel()
        self.banner.setObjectName("personBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Person"))
        self.mode_bar = PlanModeBar()  # read-only: what this is, Start review, plan history
        self.notice = self.mode_bar.notice
        self.presence_banner = PresenceBanner()  # "being edited by …", take over, reload
        self.navigator = StepNavigator()
        self.pages = QStackedWidget()
        self.built: dict[str, StepWidget] = {}
        self._page_layouts: dict[str, QVBoxLayout] = {}
        self.changes: dict[str, ChangeSummary] = {}
        self.change_frames: dict[str, ChangeSummary] = {}
        for key in SECTION_TYPES:
            self.pages.addWidget(self._page(key))
        self.navigator.currentRowChanged.connect(self._step_changed)
        session.locked.connect(self.flush)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigator)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.mode_bar)
        layout.addWidget(self.presence_banner)
        layout.addLayout(body, 1)

    def _page(self, key: str) -> QScrollArea:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.setSpacing(12)
        title = QLabel(self.tr(SECTION_TITLES[key]))
        title.setObjectName("pageTitle")
        summary = ChangeSummary()  # fixed height: growing, it pushed the page under the pointer
        self.changes[key], self.change_frames[key] = summary, summary
        layout.addWidget(title)
        layout.addWidget(summary)
        self._page_layouts[key] = layout
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName(self.tr(SECTION_TITLES[key]))
        return scroll

    def step(self, key: str) -> StepWidget:
        """The step's widget, built (and loaded from the plan) the first time it is asked for."""
        if key not in self.built:
            widget = step_class(key)(self._context)
            self.built[key] = widget
            widget.changed.connect(lambda k=key: self._edited(k))
            self._page_layouts[key].addWidget(widget)
            self._load_step(key)
            self.step_built.emit(key)
        return self.built[key]

    def _medical_now(self) -> MedicalSection:
        """The medical review as on screen (perhaps not yet saved): its conditions steer other steps."""
        medical = self.built.get("medical")
        section = medical.section() if medical is not None else self._content.medical
        return section if isinstance(section, MedicalSection) else MedicalSection()

    def _person_saved(self, person: PersonRecord) -> None:
        """The person's record changed from a step (their communication needs): keep the newer one."""
        if self.person is not None and self.person.id == person.id:
            self.person = person

    def _load_step(self, key: str) -> None:
        widget = self.built[key]
        self._loading = True
        try:
            widget.base = self.base.content.section(key) if self.base else None
            widget.base_date = agreed_day(self.base)
            widget.review_mode = self.base is not None
            widget.load(self._content.section(key))
            bind = getattr(widget, "bind_person", None)  # About me: the person's communication needs
            if bind is not None:
                bind(self.person, self.actor, self.worker, self._person_saved)
            if self.read_only:
                widget.set_read_only(self.plan)
            else:
                widget.validate()  # mark what cannot be right (e.g. a review date now in the past), no focus
        finally:
            self._loading = False
        self._show_changes(key)

    # ---- opening --------------------------------------------------------------------------------------

    def open_plan(
        self,
        person: PersonRecord,
        plan: PlanVersion | None,
        base: PlanVersion | None = None,
        *,
        editable: bool = True,
        step: str = "",
    ) -> None:
        """Show `plan` for editing, or (`editable=False`) as a read-only view; `plan` may be None only
        for a view (nothing has been written yet). `step`: the step to show first (default the first)."""
        if editable and plan is None:
            raise ValueError("An editable plan is needed to edit.")
        self.flush()
        self._set_read_only(not editable)
        self.person, self.plan, self.base = person, plan, base
        self.actor = self.session.actor
        self._content = plan.content if plan is not None else PlanContent()
        self._dirty.clear()
        self.unsaved.clear()
        self._conflict = False
        self.presence_banner.clear()
        self._copy = None
        if editable and plan is not None:
            self._copy = DraftCopy(self.services.plans, plan.id, plan.revision, plan.content, self.holder)
        self._show_banner()
        self._show_notice()
        for key in self.built:
            self._load_step(key)
            self.built[key].reset_view()  # at its top, cursor in its first field: nothing carried over
        self._show_states()  # after loading: until then a built step held the last person's plan
        for key in SECTION_TYPES:
            self._show_changes(key)
        row = self.navigator.keys.index(step) if step in self.navigator.keys else 0
        if self.navigator.currentRow() == row:
            self._step_changed(row)
        else:
            self.navigator.setCurrentRow(row)
        if self.read_only:
            self.clock.stop()
            self.save_state.emit(self.tr("Read-only"))
        else:
            self.clock.start(self.navigator.current_key())
            self.save_state.emit(self.tr("All changes saved"))
        self.opened.emit()

    def _set_read_only(self, on: bool) -> None:
        """Switch between editing and viewing: steps built for the other mode are thrown away."""
        if on == self.read_only:
            return
        self.read_only = on
        for key, widget in self.built.items():
            self._page_layouts[key].removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.built.clear()

    def _show_notice(self) -> None:
        summary = self.person.summary if self.person is not None else None
        self.mode_bar.show_for(
            self.plan,
            read_only=self.read_only,
            can_edit=self.session.actor.can_edit_plans,
            declined=summary is not None and summary.declined_written_plan,
            draft_open=summary is not None and summary.has_draft,  # no second Start review (issue 12)
        )

    def _start_of(self, key: str) -> Section | None:
        """The section as this review draft started it; None for a new plan or a read-only view."""
        if self.base is None or self.read_only:
            return None
        return carried_section(self.base.content.section(key))

    def _state(self, key: str, section: Section) -> str:
        agreed = self.read_only and self.plan is not None and self.plan.status is PlanStatus.AGREED
        return state_of(key, section, self._start_of(key), agreed=agreed)

    def _show_states(self) -> None:
        """Each step's mark, from the open plan: call after `_load_step`, never before (stale widgets)."""
        for key in SECTION_TYPES:
            section = self.built[key].section() if key in self.built else self._content.section(key)
            self.navigator.set_state(key, self._state(key, section))

    def set_base(self, base: PlanVersion | None) -> None:
        """The agreed version this draft was carried forward from (fetched after the plan is on screen)."""
        self.flush()
        self.base = base
        self._show_banner()
        for key in self.built:
            self._load_step(key)
        self._show_states()
        for key in SECTION_TYPES:
            self._show_changes(key)

    def _show_banner(self) -> None:
        if self.person is not None:
            self.banner.setText(
                self.mode_bar.banner_text(self.person, self.plan, self.base, read_only=self.read_only)
            )

    def person_changed(self, person: PersonRecord) -> None:
        """The person's own details were edited: the banner shows them at once."""
        self._person_saved(person)
        self._show_banner()

    def close_plan(self) -> None:
        self.flush()
        self.plan = None
        self.clock.stop()

    # ---- editing and autosave -------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        if self._loading or self.plan is None or self.read_only:
            return
        self._dirty.add(key)
        self._timer.start()
        self.navigator.set_state(key, self._state(key, self.built[key].section()))
        if not self._conflict:  # after a refused save the status keeps saying so
            self.save_state.emit(self.tr("Editing…"))

    def flush(self) -> None:
        """Save every changed section now (each one a single transaction on the worker)."""
        self._timer.stop()
        if self.plan is None or self.read_only or not self._dirty or self._conflict or self._copy is None:
            return
        copy, actor = self._copy, self.actor
        dirty, self._dirty = sorted(self._dirty, key=list(SECTION_TYPES).index), set()
        self.save_state.emit(self.tr("Saving…"))
        for key in dirty:
            section = self.built[key].section()
            self._content = with_section(self._content, key, section)
            self.unsaved.add(key)
            self._in_flight += 1
            self.worker.submit(
                _saver(copy, section, actor),
                _callback(self._saved, key),
                self._save_failed,
            )
            self._show_changes(key)

    def _saved(self, key: str, result: SaveResult) -> None:
        self._in_flight -= 1
        if key not in self._dirty:
            self.unsaved.discard(key)
        self.server_reached.emit(True)
        if self._in_flight == 0 and not self._dirty:
            local = result.saved_at.astimezone() if result.saved_at.tzinfo else result.saved_at
            self.save_state.emit(self.tr("Saved {0}").format(local.strftime("%H:%M")))
        self.saved.emit(key)

    def _save_failed(self, exc: BaseException) -> None:
        self._in_flight -= 1
        log.error("Autosave failed: %s", type(exc).__name__)
        if isinstance(exc, ValidationError):
            self.save_state.emit(self.tr("Not saved: {0}").format(exc))
        elif isinstance(exc, AccountInactiveError):
            # Never retried: the account was switched off, and the app returns to the sign-in screen.
            self._dirty.clear()
            self.save_state.emit(self.tr("Not saved: this account has been switched off."))
        elif isinstance(exc, StaleCopyError):
            # Never retried, never overwritten: the typed text stays on screen until the person reloads.
            self._conflict = True
            self.save_state.emit(self.tr("Not saved: someone else changed this plan"))
            self.presence_banner.show_stale(str(exc))
            self.stale.emit()
        elif isinstance(exc, NotADraftError):
            # Agreed or declined on another workstation: it can never be saved. Not retried; the text stays
            # on screen until the window turns read-only with it kept to copy (ui/plan_watch.py).
            self._conflict = True
            self._dirty.clear()
            self.save_state.emit(self.tr("Not saved: this plan was agreed on another workstation"))
            self.not_a_draft.emit()
        elif self.plan is not None and not self.read_only and unreachable(exc):
            self._dirty.update(self.built)
            self.save_state.emit(self.tr("Not saved yet: waiting for the practice server"))
            self.server_reached.emit(False)
            self._timer.start(RETRY_MS)
        elif self.plan is not None:
            self.save_state.emit(self.tr("Not saved yet: trying again"))
            self._dirty.update(self.built)
            self._timer.start(5000)

    def retry_now(self) -> None:
        """The practice server is back: save what waited for it at once."""
        if self._dirty and not self._conflict and not self.read_only:
            self.flush()

    def _show_changes(self, key: str) -> None:
        summary = self.changes[key]
        if self.base is None:
            summary.hide()
            return
        section = self.built[key].section() if key in self.built else self._content.section(key)
        # Against what the review started with: last time's scores were not carried (they are shown as
        # "Last time"), so they are not listed as removed; today's answers show as added.
        start = with_section(self.base.content, key, carried_section(self.base.content.section(key)))
        current = with_section(start, key, section)
        summary.show_changes(next(d for d in diff_plans(start, current) if d.key == key).changes)

    # ---- navigation -----------------------------------------------------------------------------------

    def _step_changed(self, row: int) -> None:
        if row < 0:
            return
        self.flush()
        key = self.navigator.keys[row]
        self.step(key)
        self.pages.setCurrentIndex(row)
        self.clock.switch(key)

    def go_to(self, key: str, field: str = "", index: int | None = None) -> None:
        self.navigator.setCurrentRow(self.navigator.keys.index(key))
        if field:
            self.step(key).focus_field(field, index)

    def step_by(self, delta: int) -> None:
        row = min(max(self.navigator.currentRow() + delta, 0), self.navigator.count() - 1)
        self.navigator.setCurrentRow(row)

    def current_content(self) -> PlanContent:
        content = self._content
        for key, widget in self.built.items():
            content = with_section(content, key, widget.section())
        return content

    def first_problem(self) -> bool:
        """Validate every built step; go to the first bad field. True when something needs fixing."""
        for key in SECTION_TYPES:
            bad = self.built[key].validate() if key in self.built else []
            if bad:
                self.go_to(key)
                bad[0].setFocus(Qt.FocusReason.OtherFocusReason)
                self.built[key].reveal(bad[0])
                title = self.tr(SECTION_TITLES[key])
                self.message.emit(self.tr("Please check the marked field in {0}.").format(title))
                return True
        return False

    @property
    def draft_copy(self) -> DraftCopy | None:
        """What this editor last saw of its draft (None when viewing): `draft_copy.revision`, read when a
        queued call runs, is the revision to pass as `PlanService.agree(seen_revision=...)`."""
        return self._copy

    def has_pending(self) -> bool:
        return bool(self._dirty) or self._in_flight > 0

    def pending_keys(self) -> list[str]:
        """Sections typed here that have not reached the store, in step order."""
        keys = self.unsaved | self._dirty
        return [key for key in SECTION_TYPES if key in keys and key in self.built]

    def refresh_view(self, plan: PlanVersion | None) -> None:
        """A read-only view shown again as the plan now stands on the server (a colleague saved): the same
        step, the same place on the page, the same notices."""
        if not self.read_only:
            return
        bar = self.pages.currentWidget()
        scroll = bar.verticalScrollBar() if isinstance(bar, QScrollArea) else None
        where = scroll.value() if scroll is not None else 0
        self.plan = plan
        self._content = plan.content if plan is not None else PlanContent()
        self._show_banner()
        self._show_notice()
        for key in self.built:
            self._load_step(key)
        self._show_states()
        if scroll is not None:
            scroll.setValue(where)

    def discard_pending(self) -> None:
        """Nothing here can be saved any more (the draft was finished elsewhere): stop trying. The caller
        has taken a copy of the text to show (PlanWatch.kept_lines)."""
        self._timer.stop()
        self._dirty.clear()
        self.unsaved.clear()
        self._conflict = True
