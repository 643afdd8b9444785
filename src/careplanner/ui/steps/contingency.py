"""Step 5, If things get worse: per condition, the warning signs, green / amber / red "what I do" zones,
who to contact, rescue medicines and wishes about hospital. Practice templates give a starting point."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from careplanner.clinical.enums import ContactRole, Zone
from careplanner.services.consultation import contact_phone_field, has_phone_number
from careplanner.services.plan_data import (
    ContingencyContactData,
    ContingencyData,
    ContingencySection,
    MedicineData,
    PlanContent,
)
from careplanner.ui.fields import Field, tr
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.read_only import EDIT_ONLY
from careplanner.ui.steps.base import StepContext, StepWidget

NO_NUMBER = "No phone number yet: the person cannot ring this contact. Add the number, or remove the contact."


def phone_check(phone: str) -> str:
    """The mark on a contact's phone field while it holds no number (see `has_phone_number`)."""
    return "" if has_phone_number(phone) else NO_NUMBER


def describe_contact(contact: ContingencyContactData) -> str:
    """'AMBER: My named nurse — 0113 496 0000', or '… — no phone number' (str() copes with a zone
    given as the enum or as its text)."""
    who = contact.name.strip() or contact.role.strip()
    number = contact.phone.strip() if has_phone_number(contact.phone) else tr("no phone number")
    return f"{str(contact.zone).upper()}: {who} — {number}"


CONTACTS = Field(
    "contacts",
    "Who to contact",
    "list",
    item=ContingencyContactData,
    fields=(
        Field("name", "Name or service"),
        Field("zone", "Zone", "enum", enum=Zone),
        Field("role", "Role"),
        Field(
            "role_key",
            "Kind of contact",
            "choice",
            hint="For the GP practice, out of hours, NHS 111 and 999 the plan prints the practice's number "
            "from its settings, when it has one.",
            choices=(("", "None of these, or other"), *((r.value, r.label) for r in ContactRole)),
        ),
        Field("phone", "Phone number", check=phone_check),
    ),
    describe=describe_contact,
    noun="contact",
)
PLANS = Field(
    "plans",
    "Plans",
    "list",
    item=ContingencyData,
    fields=(
        Field("name", "Plan name", hint='For example "My breathing plan".'),
        Field("condition", "Condition"),
        Field("triggers", "Things that can set it off", "lines"),
        Field("warning_signs", "Early warning signs", "lines"),
        Field("green_what_i_do", "GREEN — I feel well: what I do", "long"),
        Field("amber_what_i_do", "AMBER — I am getting worse: what I do", "long"),
        Field("red_what_i_do", "RED — emergency: what I do", "long"),
        Field("coping_strategies", "What helps me cope", "lines"),
        Field("anticipatory_medicines", "Rescue or anticipatory medicines and equipment", "lines"),
        Field("admission_wishes", "My wishes about going into hospital", "long"),
        Field(
            "avoid_hospital_admission", "The person wishes to avoid hospital admission if possible", "bool"
        ),
        Field("ceiling_of_treatment", "Ceiling of treatment", "long"),
        Field("review_date", "Review this plan by", "date", past_ok=False),
        Field("review_responsible", "Who reviews it"),
        CONTACTS,
    ),
    describe=lambda p: p.name or p.condition,
    noun="plan",
)


class ContingencyStep(StepWidget):
    key = "contingency"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.template_box = QComboBox()
        self.template_box.setAccessibleName(self.tr("Template to start from"))
        insert = QPushButton(self.tr("Insert template"))
        insert.setAccessibleName(self.tr("Insert the chosen template as a new plan"))
        insert.clicked.connect(self.insert_template)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.template_box, 1)
        row_layout.addWidget(insert)
        row.setProperty(EDIT_ONLY, True)  # a read-only view has nothing to insert
        self._templates_loaded = False
        self.plans = self.add_list("plans", ListEditor(PLANS))  # after the template row: Tab order
        self.group(
            self.tr("If things get worse"),
            row,
            self.plans,
            intro=self.tr(
                "Start from a practice template for the condition, then change it into the "
                "person's own words."
            ),
        )
        self.finish()

    def _load_templates(self) -> None:
        if self._templates_loaded:
            return
        self._templates_loaded = True
        self.template_box.addItem(self.tr("Choose a template…"), None)
        for entry in self.context.services.templates.list():
            self.template_box.addItem(entry.template.name, entry)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._load_templates()
        super().showEvent(event)

    def insert_template(self) -> None:
        self._load_templates()
        entry = self.template_box.currentData()
        if entry is None:
            return
        services = self.context.services
        plan = services.templates.to_contingency(entry, services.practice.get(), self._current_medicines())
        self.plans.append(plan)
        self.plans.focus_form()

    def _current_medicines(self) -> tuple[MedicineData, ...]:
        """The medicines in the plan as it is on screen now (the editor holds every step's current
        state), so a sick-day template names the person's own medicines to pause. A step shown on
        its own has none: the template then leaves a blank that "Before you agree" blocks on."""
        editor = self.parentWidget()
        while editor is not None and not hasattr(editor, "current_content"):
            editor = editor.parentWidget()
        if editor is None:
            return ()
        content = cast(PlanContent, editor.current_content())
        return tuple(content.medical.medicines)

    def focus_field(self, name: str, index: int | None = None) -> None:
        """Besides the plans list: a contact's phone field (`contact_phone_field`), as "Before you
        agree" points there; `index` is the plan."""
        contact = next(
            (j for j, c in enumerate(self._contacts_of(index)) if contact_phone_field(j) == name), None
        )
        if contact is None or index is None:
            super().focus_field(name, index)
            return
        self.plans.select(index)
        contacts = cast(ListEditor, self.plans.form.widget("contacts"))
        contacts.select(contact)
        phone = contacts.form.widget("phone")
        phone.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reveal(phone)

    def _contacts_of(self, index: int | None) -> tuple[ContingencyContactData, ...]:
        plans = self.plans.items()
        return plans[index].contacts if index is not None and 0 <= index < len(plans) else ()

    def clear_transient(self) -> None:
        """Another person: no template stays picked from the last one."""
        super().clear_transient()
        self.template_box.setCurrentIndex(0)

    def load(self, section: Any) -> None:
        assert isinstance(section, ContingencySection)
        self._section = section
        self.plans.set_items(section.plans)

    def section(self) -> ContingencySection:
        return replace(self._section, plans=self.plans.items())

    @staticmethod
    def is_complete(section: Any) -> bool:
        return bool(section.plans) and all(
            p.amber_what_i_do.strip() and p.red_what_i_do.strip() for p in section.plans
        )
