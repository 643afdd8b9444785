"""The merge of two copies of one person's plan, section by section (sync/merge.py does the work).

Sync kept both copies because two workstations changed the same plan while apart. The dialog shows each
part of the plan from both copies side by side, with what differs, and asks which copy to keep for each.
Saving writes one draft and discards the other, on the worker thread; if either copy changed meanwhile,
nothing is saved and the dialog says so and shows the copies again.

Signals: merged(str) — the person's record id, once the merge is saved.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor
from careplanner.sync.merge import Copy, MergeCase, MergeService, Side
from careplanner.ui.sync_sections import SectionChoice
from careplanner.ui.sync_status import clock_text
from careplanner.ui.worker import Worker


class MergeDialog(QDialog):
    merged = Signal(str)

    def __init__(
        self,
        merge: MergeService,
        conflict_id: str,
        actor: Actor,
        worker: Worker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._merge, self._conflict_id, self._actor, self._worker = merge, conflict_id, actor, worker
        self.case: MergeCase | None = None
        self.sections: list[SectionChoice] = []
        self.setWindowTitle(self.tr("Merge two copies of a plan"))
        self.setMinimumSize(860, 560)
        self.title = QLabel(self.tr("Loading…"))
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.first_label = QLabel()
        self.second_label = QLabel()
        for label in (self.first_label, self.second_label):
            label.setWordWrap(True)
            label.setObjectName("card")
        copies = QHBoxLayout()
        copies.addWidget(self.first_label, 1)
        copies.addWidget(self.second_label, 1)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldError")
        self.save_button = QPushButton(self.tr("Save merged plan"))
        self.save_button.setObjectName("primary")
        self.save_button.setEnabled(False)
        self.cancel_button = QPushButton(self.tr("Not now"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(copies)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.load()

    # ---- showing ------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.save_button.setEnabled(False)
        merge, conflict_id = self._merge, self._conflict_id
        self._worker.submit(lambda: merge.case(conflict_id), self.show_case, self._failed)

    def show_case(self, case: MergeCase) -> None:
        self.case = case
        self.title.setText(self.tr("Two copies of the plan for {0}").format(case.person_name))
        self.intro.setText(self._intro(case))
        self.first_label.setText(self._describe(self.tr("First copy (the practice server's)"), case.first))
        self.second_label.setText(
            self._describe(self.tr("Second copy (saved on a workstation while apart)"), case.second)
        )
        for section in self.sections:
            section.setParent(None)
            section.deleteLater()
        self.sections = []
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        kept = case.kept
        both = case.first.plan is not None and case.second.plan is not None
        for diff in case.sections:
            choice = SectionChoice(
                diff,
                differs=diff.key in case.differing,
                kept=kept or "first",
                can_choose=both and kept is not None,
            )
            self.sections.append(choice)
            self.body_layout.addWidget(choice)
        self.body_layout.addStretch(1)
        if kept is None:
            self.save_button.setText(self.tr("Mark as seen"))
        elif not both:
            self.save_button.setText(self.tr("Keep this draft"))
        else:
            self.save_button.setText(self.tr("Save merged plan"))
        self.save_button.setEnabled(True)
        first = next((s for s in self.sections if s.differs), None)
        if first is not None:
            first.first_button.setFocus()

    def _intro(self, case: MergeCase) -> str:
        if case.first.plan is None or case.second.plan is None:
            return self.tr(
                "One copy of this plan was discarded on a workstation while the other was being changed. "
                "The draft that is left is kept: you can discard it afterwards from the Plan menu."
            )
        if case.kept is None:
            return self.tr("Both copies are agreed versions, which never change. Nothing needs merging.")
        agreed = [c for c in (case.first, case.second) if c.plan is not None and not c.plan.is_draft]
        text = self.tr(
            "This plan was changed on two workstations while they could not reach each other, so both "
            "copies were kept. For each part of the plan, choose which copy to keep. The result is one "
            "draft; the other draft is discarded."
        )
        if agreed:
            text += " " + self.tr(
                "One copy is an agreed version: it stays as it is, and the draft takes what you choose."
            )
        return text

    def _describe(self, heading: str, copy: Copy) -> str:
        plan = copy.plan
        if plan is None:
            return heading + "\n" + self.tr("Discarded on a workstation")
        now = datetime.now(UTC)
        if plan.is_draft:
            kind = self.tr("Draft")
        else:
            kind = self.tr("Agreed version {0} (cannot be changed)").format(plan.version_number or "")
        lines = [f"{heading}: {kind}"]
        if copy.started_by:
            lines.append(self.tr("Started by {0}").format(copy.started_by))
        if plan.last_updated is not None:
            lines.append(self.tr("Last changed {0}").format(clock_text(plan.last_updated, now)))
        return "\n".join(lines)

    # ---- saving -------------------------------------------------------------------------------------------

    def choices(self) -> dict[str, Side]:
        return {section.key: section.choice() for section in self.sections}

    def save(self) -> None:
        case = self.case
        if case is None:
            return
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        merge, choices, actor = self._merge, self.choices(), self._actor
        self._worker.submit(lambda: merge.merge(case, choices, actor), self._saved, self._refused)

    def _saved(self, _kept: object) -> None:
        self.message.clear()
        assert self.case is not None
        self.merged.emit(self.case.person_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, ServiceError):
            self.message.setText(str(exc))
            self.load()  # show both copies as they are now
            return
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(
            str(exc) if isinstance(exc, ServiceError) else self.tr("Something went wrong. Nothing was saved.")
        )
        self.save_button.setEnabled(self.case is not None)
