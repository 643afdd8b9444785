"""Step 1, About me: what matters to the person, in their own words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import AboutMeData, AboutMeSection, StrengthData
from careplanner.services.users import Actor
from careplanner.ui.communication_needs import CommunicationNeedsEditor
from careplanner.ui.fields import Field
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.steps.base import StepContext, StepWidget
from careplanner.ui.worker import Worker

ABOUT_FIELDS = (
    Field("what_matters", "What matters to me", "long", hint="In the person's own words."),
    Field("people_important", "People who are important to me", "long"),
    Field(
        "how_i_communicate",
        "How to communicate with me",
        "long",
        # Large print, easy read and an interpreter are chosen under "Communication needs", which switches
        # the printed copy: written here, they change nothing (found walking an appointment).
        hint="For example: speak slowly, face me, hearing loop. For large print, easy read, an interpreter "
        "or BSL, choose under Communication needs below: that changes the printed copy.",
    ),
    Field("my_wellness", "My wellness: what keeps me well", "long"),
    Field("please_do", "Please do", "long"),
    Field("please_dont", "Please don't", "long"),
    Field("how_to_support_me", "How to support me", "long"),
    Field("also_worth_knowing", "Also worth knowing about me", "long"),
    Field("supported_to_write_by", "I was supported to write this by", "text"),
)
STRENGTHS = Field(
    "strengths",
    "My strengths",
    "list",
    item=StrengthData,
    fields=(Field("text", "Strength"), Field("code", "Code (optional)", more=True)),
    noun="strength",
)


class AboutMeStep(StepWidget):
    key = "about_me"

    def __init__(self, context: StepContext) -> None:
        super().__init__(context)
        self.about = self.add_form("about", DataForm(ABOUT_FIELDS))
        self.strengths = self.add_list("strengths", ListEditor(STRENGTHS))
        self.needs = CommunicationNeedsEditor()
        self._on_person_saved: Callable[[PersonRecord], None] | None = None
        self.needs.saved.connect(self._person_saved)
        self.group(self.tr("About me"), self.about)
        self.group(
            self.tr("Communication needs"),
            self.needs,
            intro=self.tr(
                "Saved to the person's record at once, for every plan. Large print switches the "
                "printed copy to large print."
            ),
        )
        self.group(
            self.tr("My strengths"), self.strengths, intro=self.tr("What the person is good at, or proud of.")
        )
        self.finish()

    def load(self, section: Any) -> None:
        assert isinstance(section, AboutMeSection)
        self.about.load(section.about)
        self.strengths.set_items(section.strengths)
        self._section = section

    def bind_person(
        self,
        person: PersonRecord | None,
        actor: Actor,
        worker: Worker,
        on_saved: Callable[[PersonRecord], None],
    ) -> None:
        """Show the person's communication needs (they are the person's, not this plan's)."""
        self.needs.bind(self.context.services, actor, worker, person)
        self._on_person_saved = on_saved

    def _person_saved(self, record: object) -> None:
        assert isinstance(record, PersonRecord)
        if self._on_person_saved is not None:
            self._on_person_saved(record)

    def focus_field(self, name: str, index: int | None = None) -> None:
        if name == "communication_needs":  # from a "Before you agree" reminder
            self.needs.choice.setFocus(Qt.FocusReason.OtherFocusReason)
            self.reveal(self.needs)
            return
        super().focus_field(name, index)

    def section(self) -> AboutMeSection:
        return replace(
            self._section, about=self.about.apply(self._section.about), strengths=self.strengths.items()
        )

    @staticmethod
    def is_complete(section: Any) -> bool:
        about: AboutMeData = section.about
        return bool(about.what_matters.strip() and about.how_i_communicate.strip())
