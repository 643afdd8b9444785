"""The plan editor: a step navigator, one page per step, autosave, review differences and agreement.

Autosave: every edit marks its step's section dirty and restarts a 600 ms timer; when it fires only the
dirty sections are saved (`PlanService.save_section`) on the worker. Changing step, locking the screen,
closing the window or quitting saves at once, so nothing typed is ever lost and nobody is asked to save.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.services.consultation import ChecklistItem, plan_checklist
from careplanner.services.container import Services
from careplanner.services.diff import diff_plans
from careplanner.services.errors import ValidationError
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TITLES, SECTION_TYPES, PlanContent, PlanVersion, Section
from careplanner.services.plans import SaveResult
from careplanner.services.users import Actor
from careplanner.ui.clock import AppointmentClock
from careplanner.ui.navigator import COMPLETE, EMPTY, STARTED, StepNavigator
from careplanner.ui.session import UserSession
from careplanner.ui.steps.about_me import AboutMeStep
from careplanner.ui.steps.base import StepContext, StepWidget
from careplanner.ui.steps.contingency import ContingencyStep
from careplanner.ui.steps.future_wishes import FutureWishesStep
from careplanner.ui.steps.goals import GoalsStep
from careplanner.ui.steps.holistic import HolisticStep
from careplanner.ui.steps.medical import MedicalStep
from careplanner.ui.steps.sharing import SharingStep
from careplanner.ui.worker import Worker

log = logging.getLogger("careplanner.ui.editor")


def with_section(content: PlanContent, key: str, section: Section) -> PlanContent:
    changes: dict[str, Any] = {key: section}
    return dataclasses.replace(content, **changes)


def _saver(services: Services, plan_id: str, section: Section, actor: Actor) -> Callable[[], SaveResult]:
    return lambda: services.plans.save_section(plan_id, section, actor)


def _callback(slot: Callable[[str, Any], None], key: str) -> Callable[[Any], None]:
    return lambda result: slot(key, result)


AUTOSAVE_MS = 600  # short enough that a crash 1 s after the last keystroke loses nothing
STEP_CLASSES: tuple[type[StepWidget], ...] = (
    AboutMeStep,
    MedicalStep,
    HolisticStep,
    GoalsStep,
    ContingencyStep,
    FutureWishesStep,
    SharingStep,
)


class PlanEditor(QWidget):
    """Signals: saved(str) after a section reaches the store; save_state(str) for the status bar;
    finished(object) with the agreed or declined PlanVersion; message(str) for the status bar."""

    saved = Signal(str)
    save_state = Signal(str)
    finished = Signal(object)
    message = Signal(str)

    def __init__(self, services: Services, session: UserSession, worker: Worker) -> None:
        super().__init__()
        self.services, self.session, self.worker = services, session, worker
        self.plan: PlanVersion | None = None
        self.person: PersonRecord | None = None
        self.base: PlanVersion | None = None
        self._content = PlanContent()
        self._dirty: set[str] = set()
        self._in_flight = 0
        self._loading = False
        self.clock = AppointmentClock(parent=self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

        self.banner = QLabel()
        self.banner.setObjectName("personBanner")
        self.banner.setAccessibleName(self.tr("Person"))
        self.navigator = StepNavigator()
        self.pages = QStackedWidget()
        context = StepContext(services, services.clock.today)
        self.steps: dict[str, StepWidget] = {}
        self.changes: dict[str, QLabel] = {}
        self.change_frames: dict[str, QFrame] = {}
        for cls in STEP_CLASSES:
            step = cls(context)
            self.steps[cls.key] = step
            step.changed.connect(lambda key=cls.key: self._edited(key))
            self.pages.addWidget(self._page(cls.key, step))
        sharing = self.steps["sharing"]
        assert isinstance(sharing, SharingStep)
        self.sharing = sharing
        sharing.agree_requested.connect(self.agree)
        sharing.decline_requested.connect(self.decline)
        sharing.suggest_requested.connect(self.suggest_review)
        sharing.link_activated.connect(self.go_to_item)
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
        layout.addLayout(body, 1)
        self.setTabOrder(self.navigator, self.pages)

    def _page(self, key: str, step: StepWidget) -> QScrollArea:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.setSpacing(12)
        title = QLabel(self.tr(SECTION_TITLES[key]))
        title.setObjectName("pageTitle")
        changes = QLabel()
        changes.setWordWrap(True)
        changes.setTextFormat(Qt.TextFormat.PlainText)
        frame = QFrame()
        frame.setObjectName("changes")
        frame_layout = QVBoxLayout(frame)
        frame_layout.addWidget(changes)
        frame.hide()
        self.changes[key] = changes
        self.change_frames[key] = frame
        layout.addWidget(title)
        layout.addWidget(frame)
        layout.addWidget(step)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName(self.tr(SECTION_TITLES[key]))
        return scroll

    # ---- opening --------------------------------------------------------------------------------------

    def open_plan(self, person: PersonRecord, plan: PlanVersion, base: PlanVersion | None) -> None:
        self.flush()
        self.person, self.plan, self.base = person, plan, base
        self._content = plan.content
        self._dirty.clear()
        s = person.summary
        born = s.date_of_birth.strftime("%d/%m/%Y")
        nhs = format_nhs_number(s.nhs_number) if s.nhs_number else self.tr("no NHS number")
        mode = (
            self.tr("Review of the plan agreed on {0}").format(
                base.agreed_at.strftime("%d/%m/%Y") if base and base.agreed_at else ""
            )
            if base
            else self.tr("New plan")
        )
        self.banner.setText(f"{s.display_name}   ·   {self.tr('Born')} {born}   ·   NHS {nhs}   ·   {mode}")
        self._loading = True
        try:
            for key, step in self.steps.items():
                step.base = base.content.section(key) if base else None  # type: ignore[attr-defined]
                step.review_mode = base is not None
                step.load(plan.content.section(key))
                self._update_state(key)
        finally:
            self._loading = False
        self.navigator.setCurrentRow(0)
        self._step_changed(0)
        self.clock.start(self.navigator.current_key())
        self.save_state.emit(self.tr("All changes saved"))

    def close_plan(self) -> None:
        self.flush()
        self.plan = None
        self.clock.stop()

    # ---- editing and autosave -------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        if self._loading or self.plan is None:
            return
        self._dirty.add(key)
        self._timer.start()
        self._update_state(key, changes=False)
        self.save_state.emit(self.tr("Editing…"))

    def flush(self) -> None:
        """Save every changed section now (each one a single transaction on the worker)."""
        self._timer.stop()
        if self.plan is None or not self._dirty:
            return
        plan_id, actor = self.plan.id, self.session.actor
        dirty, self._dirty = sorted(self._dirty, key=list(SECTION_TYPES).index), set()
        self.save_state.emit(self.tr("Saving…"))
        for key in dirty:
            section = self.steps[key].section()
            self._content = with_section(self._content, key, section)
            self._in_flight += 1
            self.worker.submit(
                _saver(self.services, plan_id, section, actor),
                _callback(self._saved, key),
                self._save_failed,
            )
            self._update_state(key)

    def _saved(self, key: str, result: SaveResult) -> None:
        self._in_flight -= 1
        if self._in_flight == 0 and not self._dirty:
            local = result.saved_at.astimezone() if result.saved_at.tzinfo else result.saved_at
            self.save_state.emit(self.tr("Saved {0}").format(local.strftime("%H:%M")))
        self.saved.emit(key)

    def _save_failed(self, exc: BaseException) -> None:
        self._in_flight -= 1
        log.error("Autosave failed: %s", type(exc).__name__)
        self.save_state.emit(
            self.tr("Not saved — {0}").format(
                exc if isinstance(exc, ValidationError) else self.tr("will retry")
            )
        )
        if self.plan is not None and not isinstance(exc, ValidationError):
            self._dirty.update(SECTION_TYPES)
            self._timer.start(5000)

    def _update_state(self, key: str, *, changes: bool = True) -> None:
        section = self.steps[key].section()
        if section == SECTION_TYPES[key]():
            state = EMPTY
        else:
            state = COMPLETE if self.steps[key].is_complete(section) else STARTED
        if self.navigator.states.get(key) != state:
            self.navigator.set_state(key, state)
        if changes:
            self._show_changes(key)

    def _show_changes(self, key: str) -> None:
        label = self.changes[key]
        frame = self.change_frames[key]
        if self.base is None:
            frame.hide()
            return
        current = with_section(self.base.content, key, self.steps[key].section())
        diff = next(d for d in diff_plans(self.base.content, current) if d.key == key)
        if not diff.changes:
            label.setText(self.tr("No changes since the last agreed plan."))
        else:
            words = {"added": self.tr("Added"), "removed": self.tr("Removed"), "changed": self.tr("Changed")}
            lines = [f"• {words[c.kind]}: {c.label}" for c in diff.changes[:8]]
            if len(diff.changes) > 8:
                lines.append(self.tr("…and {0} more").format(len(diff.changes) - 8))
            label.setText(self.tr("Changed since the last agreed plan:") + "\n" + "\n".join(lines))
        frame.show()

    # ---- navigation -----------------------------------------------------------------------------------

    def _step_changed(self, row: int) -> None:
        if row < 0:
            return
        self.flush()
        self.pages.setCurrentIndex(row)
        key = self.navigator.keys[row]
        self.clock.switch(key)
        if key == "sharing":
            self.refresh_checklist()

    def go_to(self, key: str, field: str = "", index: int | None = None) -> None:
        self.navigator.setCurrentRow(self.navigator.keys.index(key))
        if field:
            self.steps[key].focus_field(field, index)

    def go_to_item(self, item: ChecklistItem) -> None:
        self.go_to(item.step, item.field, item.index)

    def step_by(self, delta: int) -> None:
        row = min(max(self.navigator.currentRow() + delta, 0), self.navigator.count() - 1)
        self.navigator.setCurrentRow(row)

    def current_content(self) -> PlanContent:
        return PlanContent(**{key: step.section() for key, step in self.steps.items()})  # type: ignore[arg-type]

    def refresh_checklist(self) -> None:
        self.sharing.show_checklist(plan_checklist(self.current_content(), self.services.clock.today()))

    # ---- agree and share ------------------------------------------------------------------------------

    def suggest_review(self) -> None:
        if self.person is None:
            return
        proposal = self.services.clinical.suggest_review(self.person, self.current_content())
        s = proposal.suggestion
        self.sharing.show_suggestion(proposal.review_date, s.months, s.reasons)

    def _first_problem(self) -> bool:
        """Validate every step; go to the first bad field. True when something needs fixing."""
        for key, step in self.steps.items():
            bad = step.validate()
            if bad:
                self.go_to(key)
                bad[0].setFocus(Qt.FocusReason.OtherFocusReason)
                self.message.emit(
                    self.tr("Please check the marked field in {0}.").format(self.tr(SECTION_TITLES[key]))
                )
                return True
        return False

    def agree(self, agreed_with: object, representative_name: str, representative_role: str) -> None:
        if self.plan is None or self._first_problem():
            return
        self.flush()
        plan_id, actor = self.plan.id, self.session.actor
        review = self.sharing.section().sharing.review_date
        self.worker.submit(
            lambda: self.services.plans.agree(
                plan_id,
                actor,
                agreed_with=agreed_with,  # type: ignore[arg-type]
                representative_name=representative_name,
                representative_role=representative_role,
                review_date=review,
            ),
            self._finished,
            self._not_agreed,
        )

    def decline(self, reason: str) -> None:
        if self.plan is None:
            return
        self.flush()
        plan_id, actor = self.plan.id, self.session.actor
        review = self.sharing.section().sharing.review_date
        self.worker.submit(
            lambda: self.services.plans.decline(plan_id, actor, reason=reason, review_date=review),
            self._finished,
            self._not_agreed,
        )

    def _finished(self, version: PlanVersion) -> None:
        self.plan = None
        self.clock.stop()
        self.finished.emit(version)

    def _not_agreed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            field, message = next(iter(exc.fields.items()))
            self.sharing.show_problem(message, field)
        else:
            log.error("Agreeing failed: %s", type(exc).__name__)
            self.sharing.show_problem(self.tr("The plan could not be agreed. Please try again."))

    def has_pending(self) -> bool:
        return bool(self._dirty) or self._in_flight > 0

    def last_saved(self) -> datetime | None:
        return self.plan.last_updated if self.plan else None
