"""Step 4, Goals and actions: needs, goals in the person's words with small actions, referrals and
information given. At a review, last time's goals ask for their outcome first."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from careplanner.clinical.enums import ActionStatus, GoalStatus, ReferralKind, ReferralStatus
from careplanner.services.goal_phrases import phrases_for_medical
from careplanner.services.plan_data import (
    ActionData,
    GoalData,
    GoalsSection,
    InformationData,
    NeedData,
    ReferralData,
)
from careplanner.ui.directory_picker import DirectoryPicker, service_label
from careplanner.ui.fields import Field, enum_label
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.phrase_picker import PhrasePicker
from careplanner.ui.read_only import EDIT_ONLY
from careplanner.ui.steps.base import StepContext, StepWidget

NEEDS = Field(
    "needs",
    "Needs",
    "list",
    item=NeedData,
    fields=(Field("text", "Need"), Field("code", "Code (optional)", more=True)),
    noun="need",
)
ACTIONS = Field(
    "actions",
    "Actions",
    "list",
    item=ActionData,
    fields=(
        Field("what", "What will be done"),
        Field("who_name", "Who (name)"),
        Field("who_role", "Who (role)", more=True),
        Field("who_contact", "How to contact them", more=True),
        Field("when", "When"),
        Field("due_on", "By (date)", "date"),
        Field("status", "Progress", "enum", enum=ActionStatus),
        Field("confidence", "How confident the person feels (0 to 10)", "int", low=0, high=10),
        Field("strategies", "What will help", "long"),
        Field("review_on", "Check progress on", "date"),
    ),
    noun="action",
)
GOALS = Field(
    "goals",
    "Goals",
    "list",
    item=GoalData,
    fields=(
        Field("text", "Goal, in the person's words", hint='For example "I want to walk to the shops again."'),
        Field("importance", "How much it matters to the person (1 to 10)", "int", low=1, high=10),
        Field("status", "Status", "enum", enum=GoalStatus),
        # A new goal has no outcome yet, and few goals are coded: behind "More…" until they hold something
        # (at a review, last time's goals ask for their outcome at the top of the step).
        Field("outcome", "Outcome", "long", more=True),
        Field("outcome_recorded_on", "Outcome recorded on", "date", future_ok=False, more=True),
        Field("code", "Code (optional)", more=True),
        ACTIONS,
    ),
    describe=lambda g: (
        f"{g.text}  ({len(g.actions)} action{'' if len(g.actions) == 1 else 's'})" if g.text else ""
    ),
    noun="goal",
)
REFERRALS = Field(
    "referrals",
    "Referrals and signposting",
    "list",
    item=ReferralData,
    fields=(
        Field("service", "Service"),
        Field("kind", "Referral or signposting", "enum", enum=ReferralKind),
        Field("contact", "Contact details"),
        Field("reason", "Reason", "long"),
        Field("status", "Status", "enum", enum=ReferralStatus),
        Field("made_on", "Made on", "date"),
    ),
    noun="referral",
)
INFORMATION = Field(
    "information_given",
    "Information given",
    "list",
    item=InformationData,
    fields=(Field("title", "Title"), Field("source", "Source"), Field("given_on", "Given on", "date")),
    noun="leaflet or information",
    nouns="information",
)


class GoalsStep(StepWidget):
    key = "goals"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.outcomes = QGroupBox(self.tr("Last time's goals: how did they go? Ask about these first."))
        self.outcomes.setAccessibleName(self.outcomes.title())
        self.outcome_form = QFormLayout(self.outcomes)
        self.outcome_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._layout.addWidget(self.outcomes)
        self.outcomes.hide()
        # Created in the order they are shown, so Tab moves down the page.
        self.goals = self.add_list("goals", ListEditor(GOALS))
        self.needs = self.add_list("needs", ListEditor(NEEDS))
        self._build_need_link()
        self._build_phrases()
        self.referrals = self.add_list("referrals", ListEditor(REFERRALS))
        self.information = self.add_list("information_given", ListEditor(INFORMATION))
        directory = context.services.directory
        self.service_picker = DirectoryPicker(
            self.tr("Find a local service (for example walking, carers, debt)"),
            directory.search_services,
            service_label,
            directory.referral_from,
            self.referrals,
        )
        self.leaflet_picker = DirectoryPicker(
            self.tr("Find a leaflet"),
            directory.search_leaflets,
            lambda e: e.leaflet.title,
            directory.information_from,
            self.information,
        )
        self.group(
            self.tr("Goals and actions"),
            self.goals,
            intro=self.tr("What the person wants to achieve, and the small steps to get there."),
        )
        self.group(self.tr("Needs"), self.needs)
        self.group(self.tr("Referrals and signposting"), self.referrals, self.service_picker)
        self.group(self.tr("Information given"), self.information, self.leaflet_picker)
        self.finish()

    def _build_phrases(self) -> None:
        """Goal and action phrases for the person's conditions, under the goal's words and the action's."""
        actions = self.goals.form.widget("actions")
        assert isinstance(actions, ListEditor)
        self.action_list = actions
        self.goal_phrases = self._phrase_picker(self.goals, "text", lambda g: g.goals, self.tr("goal"))
        self.action_phrases = self._phrase_picker(actions, "what", lambda g: g.actions, self.tr("action"))

    @staticmethod
    def _phrase_picker(editor: ListEditor, name: str, pick: Any, what: str) -> PhrasePicker:
        field = editor.form.widget(name)
        assert isinstance(field, QLineEdit)
        picker = PhrasePicker(field, pick, what)
        picker.setProperty(EDIT_ONLY, True)  # a read-only view offers nothing to pick
        editor.form.under(name, picker)
        QWidget.setTabOrder(field, picker)  # Tab goes from the field to its starting points
        return picker

    def offer_phrases(self) -> None:
        """Offer the phrases for the person's conditions as they stand now (the medical step may have
        changed them since this step was last shown)."""
        groups = phrases_for_medical(self.context.medical())
        self.goal_phrases.offer(groups)
        self.action_phrases.offer(groups)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if not self.read_only_view:
            self.offer_phrases()
        super().showEvent(event)

    @property
    def read_only_view(self) -> bool:
        return self.goals.read_only

    def _build_need_link(self) -> None:
        """Which need a goal meets (PRSB: goals answer needs): a choice under the goal's own fields."""
        self.need_link = QComboBox()
        self.need_link.setAccessibleName(self.tr("The need this goal meets"))
        self.need_link.setMaximumWidth(420)
        label = QLabel(self.tr("The need this goal meets"))
        label.setObjectName("fieldLabel")
        label.setBuddy(self.need_link)
        hint = QLabel(self.tr("Needs can be linked once they have been saved (a moment after typing)."))
        hint.setObjectName("hint")
        box = self.goals.form_box.layout()
        assert box is not None
        for widget in (label, self.need_link, hint):
            box.addWidget(widget)
        self.goals.current_changed.connect(lambda _row: self._show_need_link())
        self.needs.changed.connect(self._show_need_link)
        self.need_link.activated.connect(self._need_linked)

    def _show_need_link(self) -> None:
        row = self.goals.current_index()
        current = self.goals.items()[row].need_lineage_id if row >= 0 else None
        self.need_link.blockSignals(True)
        self.need_link.clear()
        self.need_link.addItem(self.tr("Not linked to a need"), None)
        for need in self.needs.items():
            if need.lineage_id and need.text.strip():
                self.need_link.addItem(need.text, need.lineage_id)
        if current and self.need_link.findData(current) < 0:
            self.need_link.addItem(self.tr("A need no longer in the list"), current)
        self.need_link.setCurrentIndex(max(0, self.need_link.findData(current)))
        self.need_link.blockSignals(False)

    def _need_linked(self) -> None:
        row = self.goals.current_index()
        if row >= 0:
            goal = self.goals.items()[row]
            self.goals.replace_item(row, replace(goal, need_lineage_id=self.need_link.currentData()))

    def load(self, section: Any) -> None:
        assert isinstance(section, GoalsSection)
        self._section = section
        self.needs.set_items(section.needs)
        self.goals.set_items(section.goals)
        self.referrals.set_items(section.referrals)
        self.information.set_items(section.information_given)
        self._build_outcomes(section)
        self._show_need_link()
        if self.isVisible() and not self.read_only_view:
            self.offer_phrases()  # another person: their conditions

    def _build_outcomes(self, section: GoalsSection) -> None:
        while self.outcome_form.rowCount():
            self.outcome_form.removeRow(0)
        base = self.base
        carried = {g.lineage_id for g in base.goals} if isinstance(base, GoalsSection) else set()
        self.outcome_rows: list[tuple[str, QComboBox, QLineEdit]] = []
        for goal in section.goals:
            if goal.lineage_id not in carried:
                continue
            status = QComboBox()
            for value in GoalStatus:
                status.addItem(enum_label(value), value)
            status.setCurrentIndex(status.findData(goal.status))
            status.setMaximumWidth(320)
            status.setAccessibleName(self.tr("Outcome of goal: {0}").format(goal.text))
            outcome = QLineEdit(goal.outcome)
            outcome.setPlaceholderText(self.tr("How did it go, in the person's words?"))
            outcome.setAccessibleName(self.tr("What happened with goal: {0}").format(goal.text))
            row = QWidget()
            row_layout = QFormLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addRow(self.tr("Status"), status)
            row_layout.addRow(self.tr("What happened"), outcome)
            self.outcome_form.addRow(f"“{goal.text}”", row)
            lineage = goal.lineage_id
            status.currentIndexChanged.connect(lambda _=0, lin=lineage: self._outcome_edited(lin))
            outcome.textEdited.connect(lambda _="", lin=lineage: self._outcome_edited(lin))
            self.outcome_rows.append((lineage, status, outcome))
        self.outcomes.setVisible(bool(self.outcome_rows))

    def first_field(self) -> QWidget | None:
        """At a review, last time's first goal (its outcome is asked first); else the goals list."""
        if getattr(self, "outcome_rows", None) and not self.outcomes.isHidden():
            return self.outcome_rows[0][1]
        return super().first_field()

    def _outcome_edited(self, lineage: str) -> None:
        for lin, status, outcome in self.outcome_rows:
            if lin != lineage:
                continue
            for index, goal in enumerate(self.goals.items()):
                if goal.lineage_id == lineage:
                    self.goals.replace_item(
                        index,
                        replace(
                            goal,
                            status=GoalStatus(status.currentData()),
                            outcome=outcome.text(),
                            outcome_recorded_on=goal.outcome_recorded_on or self.context.today(),
                        ),
                    )

    def section(self) -> GoalsSection:
        return replace(
            self._section,
            needs=self.needs.items(),
            goals=self.goals.items(),
            referrals=self.referrals.items(),
            information_given=self.information.items(),
        )

    @staticmethod
    def is_complete(section: Any) -> bool:
        active = [g for g in section.goals if g.text.strip()]
        return bool(active) and all(g.actions for g in active)
