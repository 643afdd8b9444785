"""Plan → "Discard this draft…": drop the draft being edited, after asking in plain words. The agreed plan
it was carried forward from is kept; only what was typed since is removed (services/plans.py
`discard_draft`, audited there). Offered only while the plan on screen is a draft this user may edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from careplanner.clinical.enums import PlanStatus

if TYPE_CHECKING:
    from careplanner.ui.main_window import MainWindow


class DraftDiscard(QObject):
    """The action and its question. `question` is the open "Discard / Keep" box, if any (for tests and
    accessibility tools)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.question: QMessageBox | None = None
        self.action = QAction(self.tr("&Discard this draft…"), window)
        self.action.triggered.connect(self.ask)
        self.action.setEnabled(False)

    def can_discard(self) -> bool:
        editor = self.window.editor
        return (
            self.window.stack.currentWidget() is editor
            and editor.person is not None
            and editor.plan is not None
            and editor.plan.status is PlanStatus.DRAFT
            and not editor.read_only
        )

    def refresh(self) -> None:
        self.action.setEnabled(self.can_discard())

    def ask(self) -> None:
        self.refresh()
        if not self.can_discard() or self.question is not None:
            return
        editor = self.window.editor
        assert editor.person is not None and editor.plan is not None
        name, person_id, plan_id = editor.person.summary.display_name, editor.person.id, editor.plan.id
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Discard draft"),
            self.tr(
                "Discard the draft for {0}? What was typed since the last agreed plan is removed; "
                "the agreed plan is kept."
            ).format(name),
            parent=self.window,
        )
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        self.question = box

        def answered() -> None:
            self.question = None
            if box.clickedButton() is discard:
                self._discard(person_id, plan_id)

        box.finished.connect(lambda _result: answered())
        box.open()

    def _discard(self, person_id: str, plan_id: str) -> None:
        window = self.window
        editor = window.editor
        if editor.plan is None or editor.plan.id != plan_id or editor.read_only:
            return  # the plan on screen changed while the question was open
        editor.discard_pending()  # nothing typed is saved into a draft being removed
        plans, actor = window.services.plans, window.session.actor

        def done(_result: object) -> None:
            window.statusBar().showMessage(self.tr("Draft discarded. The agreed plan is kept."), 10000)
            if editor.person is not None and editor.person.id == person_id:
                window.show_list()
            else:
                window.people.model.refresh()

        window.worker.submit(lambda: plans.discard_draft(plan_id, actor), done)
