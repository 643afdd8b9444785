"""The Agree and share step's footer: always on screen under the page (however far the step is scrolled),
with a short summary of what is about to be agreed and the Agree button.

Agreeing is never one stray Return away: the footer's button is never a default button (Return does not
press it, wherever the focus is), it takes focus only by Tab or a click, and it does exactly what the
step's own Agree button does (the same checks, the same refusals). The summary says, before the click,
with whom the plan is agreed, what it holds, the review date, and how many things must be put right first.
Shown only while a draft is being edited on the Agree and share step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from careplanner.clinical.enums import MedicineDecision
from careplanner.services.consultation import blocking_items, plan_checklist
from careplanner.services.plan_data import PlanContent
from careplanner.ui.agreement import Agreement
from careplanner.ui.editor import PlanEditor
from careplanner.ui.style import NHS_BLUE, RED

REFRESH_MS = 300  # the summary follows typing a moment later, not on every key


class AgreeFooter(QFrame):
    """`summary` says what is about to be agreed; `agree_button` agrees it (as the step's button does)."""

    def __init__(self, editor: PlanEditor, agreement: Agreement) -> None:
        super().__init__(editor)
        self.editor, self.agreement = editor, agreement
        self.setObjectName("agreeFooter")
        self.setStyleSheet(f"QFrame#agreeFooter {{ background: white; border-top: 2px solid {NHS_BLUE}; }}")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.blocked = QLabel()
        self.blocked.setWordWrap(True)
        self.blocked.setStyleSheet(f"color: {RED}; font-weight: 600;")
        self.agree_button = QPushButton(self.tr("Agree the plan"))
        self.agree_button.setObjectName("primary")
        self.agree_button.setAutoDefault(False)
        self.agree_button.setDefault(False)
        self.agree_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.agree_button.clicked.connect(self.agree)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.summary)
        words.addWidget(self.blocked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(words, 1)
        layout.addWidget(self.agree_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        editor.navigator.currentRowChanged.connect(lambda _row: self.refresh())
        editor.opened.connect(self.refresh)  # another plan, or the same one to read: never a stale footer
        editor.saved.connect(lambda _key: self._timer.start())
        editor.step_built.connect(self._built)
        root = editor.layout()
        assert isinstance(root, QVBoxLayout)
        root.addWidget(self)
        self.hide()

    def _built(self, key: str) -> None:
        if key == "sharing":
            self.agreement.sharing.changed.connect(self._timer.start)

    def wanted(self) -> bool:
        editor = self.editor
        return (
            not editor.read_only and editor.plan is not None and editor.navigator.current_key() == "sharing"
        )

    def refresh(self) -> None:
        if not self.wanted():
            self.hide()
            return
        sharing = self.agreement.sharing
        content = self.editor.current_content()
        with_rep = sharing.with_rep.isChecked()
        name = sharing.rep_name.text().strip()
        self.summary.setText(self.describe(content, with_rep, name))
        person = self.editor.person
        needs = tuple((n.need, n.detail) for n in person.details.communication_needs) if person else ()
        items = plan_checklist(content, self.editor.services.clock.today(), needs)
        count = len(blocking_items(items))
        if count:
            self.blocked.setText(
                self.tr("1 thing must be put right before agreeing.")
                if count == 1
                else self.tr("{0} things must be put right before agreeing.").format(count)
            )
        self.blocked.setVisible(bool(count))
        self.show()

    def describe(self, content: PlanContent, with_rep: bool, rep_name: str) -> str:
        """One or two plain sentences: with whom, what the plan holds, and the review date."""
        if with_rep:
            who = (
                self.tr("with {0}, the person's representative").format(rep_name)
                if rep_name
                else self.tr("with the person's representative")
            )
        else:
            who = self.tr("with the person")
        medical = content.medical
        conditions = sum(1 for c in medical.conditions if c.term.strip() and not c.is_history)
        medicines = [m for m in medical.medicines if m.name.strip()]
        stopped = sum(1 for m in medicines if m.decision is MedicineDecision.STOP)
        goals = sum(1 for g in content.goals.goals if g.text.strip())
        plans = len(content.contingency.plans)
        parts = [
            self.tr("1 condition") if conditions == 1 else self.tr("{0} conditions").format(conditions),
            (
                self.tr("1 medicine")
                if len(medicines) == 1
                else self.tr("{0} medicines").format(len(medicines))
            )
            + (self.tr(" ({0} to stop)").format(stopped) if stopped else ""),
            self.tr("1 goal") if goals == 1 else self.tr("{0} goals").format(goals),
            self.tr("1 plan for if things get worse")
            if plans == 1
            else self.tr("{0} plans for if things get worse").format(plans),
        ]
        review = content.sharing.sharing.review_date
        if review is None:
            when = self.tr("No review date yet.")
        elif review < self.editor.services.clock.today():
            when = self.tr("Review on {0}, which is in the past.").format(review.strftime("%d/%m/%Y"))
        else:
            when = self.tr("Review on {0}.").format(review.strftime("%d/%m/%Y"))
        return self.tr("You are about to agree this plan {0}: {1}. {2}").format(who, ", ".join(parts), when)

    def agree(self) -> None:
        """As the step's own Agree button: the same checks, refusals and messages."""
        if self.wanted():
            self.agreement.sharing.agree_button.click()
