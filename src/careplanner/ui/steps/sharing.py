"""Step 7, Agree and share: the care team, consent to share, the review date, a check list of gaps,
then agreement with the person (or a named representative), or a record that they declined."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import AgreedWith, PlanStatus, UserRole
from careplanner.services.auth import ROLE_NAMES
from careplanner.services.consultation import ChecklistItem, blocking_items, plan_checklist
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import (
    AdditionalPlanData,
    CareTeamData,
    PersonalContactData,
    PlanContent,
    PlanVersion,
    SharingSection,
)
from careplanner.services.users import Actor
from careplanner.ui.fields import Field, format_date, tr
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.read_only import EDIT_ONLY
from careplanner.ui.steps.base import StepContext, StepWidget
from careplanner.ui.steps.checklist_view import fill_checklist
from careplanner.ui.worker import Worker

SHARING = (
    Field("review_date", "Review date", "date", past_ok=False),
    Field("review_responsible_name", "Who will review it (name)"),
    Field("review_responsible_role", "Their role"),
    Field("review_responsible_contact", "How to contact them"),
    Field("lead_coordinator_name", "Lead coordinator (name)"),
    Field("lead_coordinator_role", "Lead coordinator's role"),
    Field("lead_coordinator_contact", "Lead coordinator's contact details"),
    Field("performing_professional_name", "Plan written with (professional's name)"),
    Field("performing_professional_role", "Their role"),
    Field("performing_professional_id", "Their professional registration number"),
    Field("location", "Where the plan was written", more=True),
    Field("care_funding", "Care funding", more=True),
    Field("consent_to_share", "The person agrees to share this plan", "tribool"),
    Field("consent_shared_with", "Share with", "long"),
    Field("other_documents", "Other documents or plans", "long"),
    Field("copies_given_to", "Copies given to", "long"),
)
PROFESSIONAL = ("performing_professional_name", "performing_professional_role", "performing_professional_id")
CARE_TEAM = Field(
    "care_team",
    "Care team",
    "list",
    item=CareTeamData,
    fields=(
        Field("name", "Name"),
        Field("role", "Role"),
        Field("speciality", "Speciality", more=True),
        Field("team", "Team", more=True),
        Field("organisation", "Organisation"),
        Field("organisation_code", "Organisation code (ODS)", more=True),
        Field("phone", "Phone"),
        Field("email", "Email"),
        Field("is_key_worker", "Key worker", "bool"),
        Field("start_date", "From", "date", more=True),
        Field("end_date", "Until", "date", more=True),
    ),
    describe=lambda m: f"{m.name} — {m.role}".strip(" —"),
    noun="care team member",
)
CONTACTS = Field(
    "personal_contacts",
    "People close to me",
    "list",
    item=PersonalContactData,
    fields=(
        Field("name", "Name"),
        Field("relationship_to_person", "Relationship"),
        Field("phone", "Phone"),
        Field("email", "Email"),
        Field("is_carer", "Is a carer", "bool"),
        Field("is_next_of_kin", "Next of kin", "bool"),
        Field("is_emergency_contact", "Emergency contact", "bool"),
        Field("is_lpa_holder", "Holds a lasting power of attorney", "bool"),
        Field("comments", "Comments", "long"),
    ),
    noun="contact",
)
ADDITIONAL = Field(
    "additional_plans",
    "Other support plans",
    "list",
    item=AdditionalPlanData,
    fields=(
        Field("name", "Plan"),
        Field("content", "What it says", "long"),
        Field("review_date", "Review date", "date"),
        Field("review_responsible", "Who reviews it"),
    ),
    noun="plan",
)


def _local(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo else moment


def agreement_text(plan: PlanVersion | None) -> str:
    """Who agreed this version, when, and with whom: what a read-only view shows instead of "Agree"."""
    if plan is None:
        return tr("No plan has been written for this person yet.")
    if plan.status is not PlanStatus.AGREED or plan.agreed_at is None:
        return tr("This plan is a draft: it has not been agreed yet.")
    if plan.provenance is not None:  # agreed elsewhere and imported: never shown as agreed here
        return tr("Version {0}. {1}.").format(plan.version_number, plan.provenance.line)
    role = ROLE_NAMES[UserRole(plan.agreed_by_role)] if plan.agreed_by_role in set(UserRole) else ""
    who = plan.agreed_by_name or tr("a user no longer listed")
    if role:
        who = f"{who} ({tr(role)})"
    if plan.agreed_with is AgreedWith.REPRESENTATIVE:
        rep = plan.representative_name
        if plan.representative_role:
            rep = f"{rep} ({plan.representative_role})"
        with_whom = tr("with the person's representative, {0}").format(rep)
    else:
        with_whom = tr("with the person")
    when = _local(plan.agreed_at)
    return tr("Version {0}, agreed on {1} at {2} by {3}, {4}.").format(
        plan.version_number, format_date(when.date()), when.strftime("%H:%M"), who, with_whom
    )


class SharingStep(StepWidget):
    """Signals: agree_requested(object, str, str) with AgreedWith, representative name and role;
    decline_requested(str) with the reason; suggest_requested(); link_activated(object) ChecklistItem."""

    key = "sharing"
    agree_requested = Signal(object, str, str)
    decline_requested = Signal(str)
    suggest_requested = Signal()
    link_activated = Signal(object)

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        # Set by the agreement controller: shows the whole check list (the person's needs included).
        self.whole_checklist: Callable[[], None] | None = None
        self.checklist = QWidget()
        self.checklist_layout = QVBoxLayout(self.checklist)
        self.checklist_layout.setContentsMargins(0, 0, 0, 0)
        self.checklist_box = self.group(self.tr("Before you agree: worth a second look"), self.checklist)
        self.checklist_box.setProperty(EDIT_ONLY, True)

        self.form = self.add_form("sharing", DataForm(SHARING))
        # Beside the review date it fills, with its reasons under it (it was a screen further down).
        self.suggest_button = QPushButton(self.tr("Suggest a review date"))
        self.suggest_button.clicked.connect(self.suggest_requested)
        self.form.beside("review_date").insertWidget(2, self.suggest_button)
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        self.suggestion.setObjectName("hint")
        self.form.under("review_date", self.suggestion)
        self.group(self.tr("Review, coordination and consent"), self.form)
        self.care_team = self.add_list("care_team", ListEditor(CARE_TEAM))
        self.contacts = self.add_list("personal_contacts", ListEditor(CONTACTS))
        self.additional = self.add_list("additional_plans", ListEditor(ADDITIONAL))
        self.group(self.tr("Care team"), self.care_team)
        self.group(self.tr("People close to the person"), self.contacts)
        self.group(self.tr("Other support plans"), self.additional)
        self._build_agree()
        self.agreed_note = QLabel()
        self.agreed_note.setWordWrap(True)
        self.agreed_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.agreed_box = self.group(self.tr("Agreement"), self.agreed_note)
        self._layout.insertWidget(0, self.agreed_box)  # first thing a reader sees on this step
        self.agreed_box.hide()
        self.changed.connect(self._recheck)
        self.finish()

    def _build_agree(self) -> None:
        self.with_person = QRadioButton(self.tr("Agreed with the person"))
        self.with_rep = QRadioButton(self.tr("Agreed with a representative"))
        self.with_person.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.with_person)
        group.addButton(self.with_rep)
        self.rep_name = QLineEdit()
        self.rep_name.setAccessibleName(self.tr("Representative's name"))
        self.rep_role = QLineEdit()
        self.rep_role.setAccessibleName(self.tr("Representative's relationship or role"))
        rep = QWidget()
        rep_form = QFormLayout(rep)
        rep_form.addRow(self.tr("Representative's name"), self.rep_name)
        rep_form.addRow(self.tr("Relationship or role"), self.rep_role)
        rep.setEnabled(False)
        self.with_rep.toggled.connect(rep.setEnabled)
        self.agree_button = QPushButton(self.tr("Agree the plan"))
        self.agree_button.setObjectName("primary")
        self.agree_button.clicked.connect(self._agree)
        self.decline_reason = QLineEdit()
        self.decline_reason.setAccessibleName(self.tr("Why the person declined a written plan"))
        self.decline_reason.setPlaceholderText(self.tr("Reason (optional)"))
        self.decline_button = QPushButton(self.tr("The person declined a written plan"))
        self.decline_button.clicked.connect(lambda: self.decline_requested.emit(self.decline_reason.text()))
        self.agree_message = QLabel()
        self.agree_message.setObjectName("fieldError")
        self.agree_message.setWordWrap(True)
        self.agree_message.hide()
        self.blocked_link = QPushButton(self.tr("Go to it"))
        self.blocked_link.setObjectName("link")
        self.blocked_link.hide()
        self._blocked: ChecklistItem | None = None
        self.blocked_link.clicked.connect(self._go_to_blocked)
        decline_row = QWidget()
        decline_layout = QHBoxLayout(decline_row)
        decline_layout.setContentsMargins(0, 0, 0, 0)
        decline_layout.addWidget(self.decline_reason, 1)
        decline_layout.addWidget(self.decline_button)
        self.agree_box = self.group(
            self.tr("Agree"),
            self.with_person,
            self.with_rep,
            rep,
            self.agree_message,
            self.blocked_link,
            self.agree_button,
            decline_row,
        )
        self.agree_box.setProperty(EDIT_ONLY, True)

    def bind_person(
        self, _person: PersonRecord | None, actor: Actor, _worker: Worker, _saved: Callable[[Any], None]
    ) -> None:
        """The signed-in clinician writes the plan with the person: "Plan written with", their role and
        registration number come from their account while the plan has none (typed over as any field).
        Filled in as an edit of this step, so they are saved with the draft like typing."""
        current = self._section.sharing
        if not actor.can_edit_plans or current.performing_professional_name.strip():
            return
        values = {
            "performing_professional_name": actor.display_name,
            "performing_professional_role": self.tr(ROLE_NAMES[actor.role]),
            "performing_professional_id": actor.registration_number,
        }
        filled = False
        for name, value in values.items():
            if value.strip() and not str(getattr(current, name)).strip():
                self.form.set_value(name, value)
                filled = True
        if filled:
            QTimer.singleShot(0, self, self._prefilled)  # after loading: an edit the editor saves

    def _prefilled(self) -> None:
        if not self.isHidden():  # a step the editor has thrown away (it changed mode) is hidden
            self.changed.emit()

    def set_read_only(self, plan: PlanVersion | None) -> None:
        """Instead of the check list and the agree controls: who agreed this version, and when."""
        self.form.load(self._section.sharing)  # what was recorded, never the viewer's own name
        self.agreed_note.setText(agreement_text(plan))
        self.agreed_note.setAccessibleName(self.agreed_note.text())
        self.agreed_box.show()
        super().set_read_only(plan)

    def _agree(self) -> None:
        kind = AgreedWith.REPRESENTATIVE if self.with_rep.isChecked() else AgreedWith.PERSON
        self.agree_requested.emit(kind, self.rep_name.text(), self.rep_role.text())

    def show_problem(self, message: str, field: str = "") -> None:
        """Show why agreement failed, at the field when there is one."""
        if field == "representative_name":
            self.rep_name.setFocus()
        elif field in ("review_date",):
            self.form.set_error(field, message)
            self.form.widget(field).setFocus()
        self.agree_message.setText(message)
        self.agree_message.setVisible(bool(message))
        if not message:
            self.show_blocked([])

    def show_blocked(self, items: list[ChecklistItem]) -> None:
        """Why Agree refused: the first thing that must be put right, with a link to its field. With no
        items the refusal is taken away (it was put right, or the plan was agreed)."""
        was_blocked, self._blocked = self._blocked, items[0] if items else None
        if self._blocked is None:
            self.blocked_link.hide()
            if was_blocked is not None:
                self.agree_message.clear()
                self.agree_message.setAccessibleName("")
            self.agree_message.hide()
            return
        message = self.tr("The plan cannot be agreed yet. {0}").format(self.tr(self._blocked.message))
        if len(items) > 1:
            message += " " + self.tr("({0} things to put right: see the list above.)").format(len(items))
        self.agree_message.setText(message)
        self.agree_message.setAccessibleName(message)
        self.agree_message.show()
        self.blocked_link.setText(self.tr("Go to it"))
        self.blocked_link.setAccessibleName(self.tr("Go to: {0}").format(self.tr(self._blocked.message)))
        self.blocked_link.show()

    def _go_to_blocked(self) -> None:
        if self._blocked is not None:
            self.link_activated.emit(self._blocked)

    def show_checklist(self, items: list[ChecklistItem]) -> None:
        """Show the check list; a refusal on screen is brought up to date with it (or taken away when
        nothing blocks any more), so it never names a problem that was put right."""
        fill_checklist(self.checklist_layout, items, self.tr, self.link_activated.emit)
        if self._blocked is not None:
            self.show_blocked(blocking_items(items))

    def _recheck(self) -> None:
        """After every edit on this step (a review date typed or suggested, a contact added): check the
        plan again, so "Before you agree" never shows a fault already put right (nor misses a new one)
        until the step is left. The agreement controller sets `whole_checklist` to show the whole check
        list (the person's needs included); shown on its own, the step checks the plan it can see."""
        if self.checklist_box.isHidden():
            return  # a read-only view shows who agreed the plan, not the check list
        if self.whole_checklist is not None:
            self.whole_checklist()
            return
        content = self._editor_content()
        if content is not None:
            self.show_checklist(plan_checklist(content, self.context.today()))

    def _editor_content(self) -> PlanContent | None:
        """The whole plan as it is on screen (every step), from the editor this step is shown in."""
        editor = self.parentWidget()
        while editor is not None and not hasattr(editor, "current_content"):
            editor = editor.parentWidget()
        return cast(PlanContent, editor.current_content()) if editor is not None else None

    def show_suggestion(self, review_date: Any, months: int, reasons: tuple[str, ...]) -> None:
        self.form.set_value("review_date", review_date)
        self.form.set_error("review_date", "")
        self.suggestion.setText(
            self.tr("Suggested review in {0} months ({1}): {2}").format(
                months, format_date(review_date), " ".join(reasons)
            )
        )
        self.changed.emit()

    def load(self, section: Any) -> None:
        assert isinstance(section, SharingSection)
        self._section = section
        self.form.load(section.sharing)
        self.care_team.set_items(section.care_team)
        self.contacts.set_items(section.personal_contacts)
        self.additional.set_items(section.additional_plans)
        self.agree_message.hide()
        self.show_blocked([])
        self.suggestion.clear()

    def section(self) -> SharingSection:
        return replace(
            self._section,
            sharing=self.form.apply(self._section.sharing),
            care_team=self.care_team.items(),
            personal_contacts=self.contacts.items(),
            additional_plans=self.additional.items(),
        )

    def review_edit(self) -> QLineEdit:
        return cast(QLineEdit, self.form.widget("review_date"))

    @staticmethod
    def for_marks(section: Any) -> Any:
        """The clinician's own name (filled in from the signed-in account) is not progress on this step."""
        blank = {f: "" for f in PROFESSIONAL}
        return replace(section, sharing=replace(section.sharing, **blank))

    @staticmethod
    def is_complete(section: Any) -> bool:
        """The fields are filled in; the navigator still never calls this step complete until the plan
        is agreed (`ui/step_states.py`)."""
        return section.sharing.review_date is not None and section.sharing.consent_to_share is not None
