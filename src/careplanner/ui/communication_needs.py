"""The person's communication needs (Accessible Information Standard), chosen from a list.

The needs belong to the person, not to one plan: they are saved to the person's record through the
people service (audited as a change to the person) the moment one is added or removed, so choosing
"Large print" switches every printed copy to large print, "Easy read" to the easy-read copy. Needs the
app cannot meet (braille, an interpreter's language: the copy is printed in English) are warned about
here, at the field.
Signals: saved(object) with the updated PersonRecord once the store has it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import CommunicationNeed
from careplanner.services.container import Services
from careplanner.services.people import NeedEntry, PersonInput, PersonRecord
from careplanner.services.plan_gaps import unmet_need_messages
from careplanner.services.users import Actor
from careplanner.ui.undo_bar import Removal, UndoBar
from careplanner.ui.worker import Worker

# The needs offered, in the order a clinician asks about them (the enum's order).
LABELS: dict[CommunicationNeed, str] = {
    CommunicationNeed.LARGE_PRINT: "Large print",
    CommunicationNeed.EASY_READ: "Easy read",
    CommunicationNeed.BRAILLE: "Braille",
    CommunicationNeed.BSL: "British Sign Language (BSL) interpreter",
    CommunicationNeed.INTERPRETER: "Interpreter (give the language)",
    CommunicationNeed.HEARING_LOOP: "Hearing loop",
    CommunicationNeed.OTHER: "Other (describe it)",
}
NEED_LABEL = "Communication need to add"
DETAIL_LABEL = "Details of the need (the language for an interpreter)"


def with_needs(details: PersonInput, needs: tuple[NeedEntry, ...]) -> PersonInput:
    """The person's details with `needs`, keeping the older single fields the copy prints from (the
    interpreter's language, an "other" need) in step with the list."""
    language = next((n.detail.strip() for n in needs if n.need is CommunicationNeed.INTERPRETER), "")
    other = "; ".join(n.detail.strip() for n in needs if n.need is CommunicationNeed.OTHER and n.detail)
    return replace(
        details, communication_needs=needs, interpreter_language=language, communication_other=other
    )


class CommunicationNeedsEditor(QWidget):
    """A list of needs with a chooser to add one and a button to remove the selected one."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services: Services | None = None
        self._actor: Actor | None = None
        self._worker: Worker | None = None
        self._person: PersonRecord | None = None
        self._needs: tuple[NeedEntry, ...] = ()
        self.setAccessibleName(self.tr("Communication needs"))

        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Communication needs: list"))
        self.empty = QLabel(self.tr("No communication needs recorded — add one if the person has any"))
        self.empty.setObjectName("emptyState")
        self.choice = QComboBox()
        self.choice.setAccessibleName(self.tr(NEED_LABEL))
        for need, label in LABELS.items():
            self.choice.addItem(self.tr(label), need)
        self.detail = QLineEdit()
        self.detail.setAccessibleName(self.tr(DETAIL_LABEL))
        self.detail.setPlaceholderText(self.tr("For example Polish"))
        self.add_button = QPushButton(self.tr("Add need"))
        self.remove_button = QPushButton(self.tr("Remove need"))
        self.add_button.clicked.connect(self.add_need)
        self.remove_button.clicked.connect(self.remove_need)
        self._editable = True
        self.list.currentRowChanged.connect(lambda _row: self._enable_remove())
        self.warning = QLabel()
        self.warning.setObjectName("fieldError")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName(self.tr("What the printed copy cannot meet"))
        self.status = QLabel()
        self.status.setObjectName("hint")

        row = QHBoxLayout()
        row.addWidget(self.choice, 1)
        row.addWidget(self.detail, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.remove_button)
        layout.addWidget(self.warning)
        layout.addWidget(self.status)
        self._show()

    def bind(self, services: Services, actor: Actor, worker: Worker, person: PersonRecord | None) -> None:
        """Show `person`'s needs; changes are saved as `actor` (None: nothing to save to)."""
        bar = UndoBar.existing(self) if self.window() is not self else None
        if bar is not None and (person is None or self._person is None or person.id != self._person.id):
            bar.forget(self)  # another person: nothing removed from the last one comes back here
        self._services, self._actor, self._worker, self._person = services, actor, worker, person
        self._needs = person.details.communication_needs if person is not None else ()
        self.status.clear()
        self._show()

    def needs(self) -> tuple[NeedEntry, ...]:
        return self._needs

    def set_editable(self, on: bool) -> None:
        self._editable = on
        for widget in (self.choice, self.detail, self.add_button):
            widget.setEnabled(on)
        self._enable_remove()

    def _enable_remove(self) -> None:
        """Offer "Remove need" only when a need is chosen to remove (never with none recorded)."""
        self.remove_button.setEnabled(self._editable and 0 <= self.list.currentRow() < len(self._needs))

    def _describe(self, entry: NeedEntry) -> str:
        label = self.tr(LABELS.get(entry.need, entry.need.value))
        return f"{label}: {entry.detail}" if entry.detail.strip() else label

    def _show(self) -> None:
        self.list.clear()
        for entry in self._needs:
            self.list.addItem(self._describe(entry))
        self.empty.setVisible(not self._needs)
        self.list.setVisible(bool(self._needs))
        self._enable_remove()
        messages = unmet_need_messages(tuple((n.need, n.detail) for n in self._needs))
        self.warning.setText("\n".join(self.tr(m) for m in messages))
        self.warning.setVisible(bool(messages))

    def add_need(self) -> None:
        need = CommunicationNeed(self.choice.currentData())
        detail = self.detail.text().strip()
        if need is CommunicationNeed.INTERPRETER and not detail:
            self.status.setText(self.tr("Give the language the person needs an interpreter for."))
            self.detail.setFocus()
            return
        entry = NeedEntry(need, detail)
        if any(n.need is need and n.detail.casefold() == detail.casefold() for n in self._needs):
            self.status.setText(self.tr("That need is already recorded."))
            return
        self.detail.clear()
        self._save((*self._needs, entry))

    def remove_need(self) -> None:
        """Remove the selected need (saved at once); the window's undo bar offers it back."""
        row = self.list.currentRow()
        if not 0 <= row < len(self._needs) or self._person is None:
            return
        entry, person_id = self._needs[row], self._person.id
        self._save(self._needs[:row] + self._needs[row + 1 :])

        def restore() -> bool:
            if self._person is None or self._person.id != person_id or entry in self._needs:
                return False  # another person is shown now, or it is back already
            at = min(row, len(self._needs))
            self._save((*self._needs[:at], entry, *self._needs[at:]))
            return True

        if self.window() is not self:
            UndoBar.of(self).push(
                Removal(
                    self.tr("Communication need removed"),
                    self.tr("Communication need put back"),
                    restore,
                    self,
                )
            )

    def _save(self, needs: tuple[NeedEntry, ...]) -> None:
        services, actor, worker, person = self._services, self._actor, self._worker, self._person
        if services is None or actor is None or worker is None or person is None:
            self.status.setText(self.tr("Open a person first."))
            return
        data = with_needs(person.details, needs)
        worker.submit(lambda: services.people.update(person.id, data, actor), self._saved, self._failed)

    def _saved(self, record: PersonRecord) -> None:
        self._person = record
        self._needs = record.details.communication_needs
        self.status.setText(self.tr("Saved to the person's record."))
        self._show()
        self.saved.emit(record)

    def _failed(self, exc: BaseException) -> None:
        del exc  # never shown: it could hold the person's details
        self.status.setText(self.tr("The communication needs could not be saved. Please try again."))
