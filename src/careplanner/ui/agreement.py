"""Agree and share, wired to the editor: the check list, the suggested review date, agreeing with the
person or a representative, or recording that they declined a written plan."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from careplanner.clinical.enums import AgreedWith, CommunicationNeed
from careplanner.services.consultation import ChecklistItem, blocking_items, plan_checklist
from careplanner.services.draft_copy import StaleCopyError
from careplanner.services.errors import NotADraftError, ValidationError
from careplanner.services.plan_data import PlanVersion
from careplanner.ui.editor import PlanEditor
from careplanner.ui.steps.sharing import SharingStep

log = logging.getLogger("careplanner.ui.agreement")


class Agreement(QObject):
    """Signals: finished(object) with the agreed or declined PlanVersion."""

    finished = Signal(object)

    def __init__(self, editor: PlanEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        editor.step_built.connect(self._built)
        editor.navigator.currentRowChanged.connect(self._entered)

    @property
    def sharing(self) -> SharingStep:
        step = self.editor.step("sharing")
        assert isinstance(step, SharingStep)
        return step

    def _built(self, key: str) -> None:
        if key != "sharing":
            return
        step = self.sharing
        step.agree_requested.connect(self.agree)
        step.decline_requested.connect(self.decline)
        step.suggest_requested.connect(self.suggest_review)
        step.link_activated.connect(self.go_to_item)
        step.whole_checklist = self.refresh_checklist

    def _entered(self, row: int) -> None:
        if self.editor.read_only:
            return  # a read-only view shows who agreed the plan, not the check list
        if row >= 0 and self.editor.navigator.keys[row] == "sharing":
            self.refresh_checklist()

    def refresh_checklist(self) -> None:
        today = self.editor.services.clock.today()
        self.sharing.show_checklist(plan_checklist(self.editor.current_content(), today, self._needs()))

    def _needs(self) -> tuple[tuple[CommunicationNeed, str], ...]:
        """The person's communication needs, for the reminders where the printed copy cannot meet them."""
        person = self.editor.person
        if person is None:
            return ()
        return tuple((n.need, n.detail) for n in person.details.communication_needs)

    def go_to_item(self, item: ChecklistItem) -> None:
        self.editor.go_to(item.step, item.field, item.index)

    def suggest_review(self) -> None:
        person = self.editor.person
        if person is None:
            return
        proposal = self.editor.services.clinical.suggest_review(person, self.editor.current_content())
        s = proposal.suggestion
        self.sharing.show_suggestion(proposal.review_date, s.months, s.reasons)

    def agree(self, agreed_with: AgreedWith, representative_name: str, representative_role: str) -> None:
        editor = self.editor
        if editor.plan is None or editor.read_only or editor.first_problem():
            return
        items = plan_checklist(editor.current_content(), editor.services.clock.today(), self._needs())
        blocking = blocking_items(items)
        if blocking:
            # Refuse, saying why and where: e.g. PHQ-9 question 9 positive with nothing recorded.
            self.sharing.show_checklist(items)
            self.sharing.show_blocked(blocking)
            return
        self.sharing.show_blocked([])
        editor.flush()
        plan_id, actor, plans = editor.plan.id, editor.session.actor, editor.services.plans
        review = self.sharing.section().sharing.review_date
        # Read on the worker after the flushed saves: the revision this window last saw, so agreeing a
        # copy that missed a colleague's change is refused instead of agreeing content nobody here read.
        copy, holder = editor.draft_copy, editor.holder
        editor.worker.submit(
            lambda: plans.agree(
                plan_id,
                actor,
                agreed_with=agreed_with,
                representative_name=representative_name,
                representative_role=representative_role,
                review_date=review,
                seen_revision=None if copy is None else copy.revision,
                holder=holder,
            ),
            self._finished,
            self._failed,
        )

    def decline(self, reason: str) -> None:
        editor = self.editor
        if editor.plan is None or editor.read_only:
            return
        editor.flush()
        plan_id, actor, plans = editor.plan.id, editor.session.actor, editor.services.plans
        review, holder = self.sharing.section().sharing.review_date, editor.holder
        editor.worker.submit(
            lambda: plans.decline(plan_id, actor, reason=reason, review_date=review, holder=holder),
            self._finished,
            self._failed,
        )

    def _finished(self, version: PlanVersion) -> None:
        self.editor.close_plan()
        self.finished.emit(version)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            field, message = next(iter(exc.fields.items()))
            self.sharing.show_problem(message, field)
        elif isinstance(exc, StaleCopyError):
            # A colleague changed or agreed this draft on another workstation: say so, agree nothing.
            self.sharing.show_problem(str(exc))
        elif isinstance(exc, NotADraftError):
            # Agreed or declined on another workstation: the editor turns read-only, saying by whom.
            self.sharing.show_problem(self.tr("This plan was already agreed on another workstation."))
            self.editor.not_a_draft.emit()
        else:
            log.error("Agreeing failed: %s", type(exc).__name__)
            self.sharing.show_problem(self.tr("The plan could not be agreed. Please try again."))
