"""What the plan on screen is, in words, and what may be done next: the person banner's mode ("Agreed plan,
version 3", "Review of the plan agreed on …") and the bar under it in a read-only view.

Opening a person shows their last agreed plan to read; nothing is written until the clinician chooses
**Start review** (or **Start a plan** for someone with no plan yet), so looking at a plan to print it never
leaves a draft behind. An earlier version opened from the plan history says so, with a way back to the
latest plan.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanVersion
from careplanner.ui.style import NHS_BLUE


def _day(plan: PlanVersion | None) -> str:
    if plan is None or plan.agreed_at is None:
        return "…"
    when = plan.agreed_at.astimezone() if plan.agreed_at.tzinfo else plan.agreed_at
    return when.strftime("%d/%m/%Y")


class PlanModeBar(QFrame):
    """The read-only view's notice and its buttons. Hidden while a draft is being edited.

    Signals: start_requested() for Start review / Start a plan; history_requested() for the plan
    history; latest_requested() to go back from an earlier version to the person's latest plan."""

    start_requested = Signal()
    history_requested = Signal()
    latest_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planModeBar")
        self.setStyleSheet(
            f"QFrame#planModeBar {{ background: #eef7ff; border-left: 4px solid {NHS_BLUE}; }}"
        )
        self.notice = QLabel()
        self.notice.setObjectName("readOnlyNotice")
        self.notice.setStyleSheet("QLabel#readOnlyNotice { border: none; }")
        self.notice.setWordWrap(True)
        self.start_button = QPushButton()
        self.start_button.setObjectName("primary")
        # Named before show_for gives it its words, and while it has none (hidden): never an unnamed control.
        self.start_button.setAccessibleName(self.tr("Start a plan or review"))
        self.start_button.setAutoDefault(False)
        self.start_button.clicked.connect(self.start_requested)
        self.latest_button = QPushButton(self.tr("Show the latest plan"))
        self.latest_button.setAutoDefault(False)
        self.latest_button.clicked.connect(self.latest_requested)
        self.history_button = QPushButton(self.tr("Plan history…"))
        self.history_button.setAutoDefault(False)
        self.history_button.setToolTip(self.tr("Earlier versions, to read, print or compare"))
        self.history_button.clicked.connect(self.history_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 12, 2)
        layout.addWidget(self.notice, 1)
        for button in (self.latest_button, self.history_button, self.start_button):
            layout.addWidget(button)
        self.hide()

    def show_for(
        self,
        plan: PlanVersion | None,
        *,
        read_only: bool,
        can_edit: bool,
        declined: bool = False,
        draft_open: bool = False,
    ) -> None:
        """Say what the view is and offer what this user may do next; hidden while editing. `declined`:
        the person's latest record is that they declined a written plan (shown when nothing is agreed).
        `draft_open`: a review (or new plan) is already in progress for this person, so Start review is
        not offered again; the way back to that draft is."""
        if not read_only:
            self.hide()
            return
        text = self.tr("Read-only: you can view and print this plan.")
        start = ""
        if plan is None and declined:
            text += " " + self.tr("No plan is agreed: the person declined a written plan (see Plan history).")
            start = self.tr("Start a plan")
        elif plan is None:
            text += " " + self.tr("No plan has been written for this person yet.")
            start = self.tr("Start a plan")
        elif plan.status is PlanStatus.DRAFT:
            text += " " + self.tr("It is a draft that has not been agreed yet.")
        elif plan.status is PlanStatus.DECLINED:
            text += " " + self.tr("The person declined a written plan on {0}.").format(_day(plan))
        elif plan.superseded:
            text += " " + self.tr("This is an earlier version: a later plan has been agreed since.")
        elif draft_open:
            text = self.tr("Read-only: the last agreed plan. A review of it is already in progress.")
        else:
            start = self.tr("Start review")
            if can_edit:
                text = self.tr("Read-only: the last agreed plan. Start a review to change it.")
        if draft_open:
            start = ""  # a draft is already in progress: the way back to it, never a second start
        historic = (
            plan is not None
            and plan.status is not PlanStatus.DRAFT
            and (plan.superseded or plan.status is PlanStatus.DECLINED or draft_open)
        )
        self.latest_button.setText(
            self.tr("Back to the review in progress") if draft_open else self.tr("Show the latest plan")
        )
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.start_button.setText(start)
        self.start_button.setAccessibleName(start or self.tr("Start a plan or review"))
        self.start_button.setVisible(bool(start) and can_edit)
        self.latest_button.setVisible(historic)
        self.history_button.setVisible(plan is not None or declined)
        self.show()

    def banner_text(
        self, person: PersonRecord, plan: PlanVersion | None, base: PlanVersion | None, *, read_only: bool
    ) -> str:
        """The person banner: who (name, date of birth, NHS number) and which plan is on screen."""
        s = person.summary
        nhs = format_nhs_number(s.nhs_number) if s.nhs_number else self.tr("no NHS number")
        if read_only:
            if plan is None:
                mode = self.tr("No plan yet")
            elif plan.status is PlanStatus.AGREED:
                mode = self.tr("Agreed plan, version {0}, agreed {1}").format(plan.version_number, _day(plan))
                if plan.superseded:
                    mode += " " + self.tr("(earlier version)")
            elif plan.status is PlanStatus.DECLINED:
                mode = self.tr("Written plan declined on {0}").format(_day(plan))
            else:
                mode = self.tr("Draft plan, not yet agreed")
        elif plan is not None and plan.base_id:
            mode = self.tr("Review of the plan agreed on {0}").format(_day(base))
        else:
            mode = self.tr("New plan")
        born = s.date_of_birth.strftime("%d/%m/%Y")
        return f"{s.display_name}   ·   {self.tr('Born')} {born}   ·   NHS {nhs}   ·   {mode}"
