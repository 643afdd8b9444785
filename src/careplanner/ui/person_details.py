"""Person → "Edit the person's details…": correct a name, date of birth or contact details from the app.

Checked as the New person dialog checks (names given, a real date of birth not in the future); the
service checks again and refuses a clash with a colleague's change to the same field. Only the fields
changed here are written (`PeopleService.update(seen=...)`), and the audit entry names those fields,
never their values. An NHS number already recorded is shown, not edited here: it ties the person to
their GP record, and a wrong one is corrected by importing the record (or by an administrator's tool);
one not yet recorded may be added, checked by its check digit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import Sex, UserRole
from careplanner.clinical.nhs_number import format_nhs_number, is_valid_nhs_number
from careplanner.services.container import Services
from careplanner.services.errors import ValidationError
from careplanner.services.people import AddressData, PersonInput, PersonRecord, TelecomData
from careplanner.ui.fields import enum_label, format_date, parse_date
from careplanner.ui.forms import mark
from careplanner.ui.read_only import READ_ONLY_VIEW
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker

if TYPE_CHECKING:
    from careplanner.ui.main_window import MainWindow

# (field, label, hint): the text fields of the dialog, in order.
_TEXT_FIELDS = (
    ("title", "Title", ""),
    ("first_name", "First name", ""),
    ("family_name", "Family name", ""),
    ("preferred_name", "Preferred name", ""),
    ("date_of_birth", "Date of birth", "dd/mm/yyyy"),
    ("nhs_number", "NHS number", "10 digits, spaces allowed"),
    ("phone", "Phone", ""),
    ("email", "Email", ""),
    ("line1", "Address", "Address line 1"),
    ("line2", "", "Address line 2"),
    ("line3", "", "Address line 3"),
    ("postcode", "Postcode", ""),
)


def _first(telecoms: tuple[TelecomData, ...], system: str) -> int | None:
    return next((i for i, t in enumerate(telecoms) if t.system == system), None)


def _with_telecom(telecoms: tuple[TelecomData, ...], system: str, value: str) -> tuple[TelecomData, ...]:
    """The first contact of `system` set to `value` (added, changed, or removed when emptied)."""
    index = _first(telecoms, system)
    if index is None:
        return (*telecoms, TelecomData(system=system, value=value)) if value else telecoms
    if not value:
        return telecoms[:index] + telecoms[index + 1 :]
    return (*telecoms[:index], replace(telecoms[index], value=value), *telecoms[index + 1 :])


class PersonDetailsDialog(QDialog):
    """`edits` by field name; `saved` is the record after a successful save."""

    def __init__(
        self,
        services: Services,
        session: UserSession,
        worker: Worker,
        person: PersonRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.session, self.worker, self.person = services, session, worker, person
        self.saved: PersonRecord | None = None
        self.setWindowTitle(self.tr("The person's details"))
        self.setMinimumWidth(480)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label, hint in _TEXT_FIELDS:
            edit = QLineEdit(self._value(name))
            edit.setAccessibleName(self.tr(hint) if name.startswith("line") else self.tr(label))
            edit.setPlaceholderText(self.tr(hint) if hint else "")
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.hide()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(self.tr(label), holder)
            self.edits[name], self.errors[name] = edit, error
        nhs = self.edits["nhs_number"]
        if person.details.nhs_number:
            nhs.setText(format_nhs_number(person.details.nhs_number))
            nhs.setReadOnly(True)
            nhs.setProperty(READ_ONLY_VIEW, True)  # looks read-only (style sheet), not like a box to type in
            nhs.setToolTip(
                self.tr("The NHS number ties this record to the GP record and is not changed here.")
            )
        self.sex = QComboBox()
        self.sex.setAccessibleName(self.tr("Sex"))
        for value in Sex:
            self.sex.addItem(enum_label(value), value)
        self.sex.setCurrentIndex(self.sex.findData(person.details.sex))
        form.insertRow(5, self.tr("Sex"), self.sex)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save details"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _value(self, name: str) -> str:
        details = self.person.details
        if name == "date_of_birth":
            return format_date(details.date_of_birth)
        if name in ("phone", "email"):
            index = _first(details.telecoms, name)
            return "" if index is None else details.telecoms[index].value
        if name in ("line1", "line2", "line3", "postcode"):
            return str(getattr(details.addresses[0], name)) if details.addresses else ""
        value = getattr(details, name)
        return "" if value is None else str(value)

    def show_errors(self, problems: dict[str, str]) -> None:
        first = None
        for name, edit in self.edits.items():
            message = problems.get(name, "")
            mark(edit, message)
            self.errors[name].setText(message)
            self.errors[name].setVisible(bool(message))
            if message and first is None:
                first = edit
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def details(self) -> PersonInput | dict[str, str]:
        """The details as typed, or the problems by field."""
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        problems: dict[str, str] = {}
        for name, message in (
            ("first_name", self.tr("Enter the person's first name.")),
            ("family_name", self.tr("Enter the person's family name.")),
        ):
            if not text[name]:
                problems[name] = message
        born = None
        try:
            born = parse_date(text["date_of_birth"])
        except ValueError as exc:
            problems["date_of_birth"] = str(exc)
        if born is None and "date_of_birth" not in problems:
            problems["date_of_birth"] = self.tr("Enter the date of birth.")
        elif born is not None and born > self.services.clock.today():
            problems["date_of_birth"] = self.tr("The date of birth is in the future.")
        nhs = self.person.details.nhs_number or text["nhs_number"] or None
        if nhs and not self.person.details.nhs_number and not is_valid_nhs_number(nhs):
            problems["nhs_number"] = self.tr("This NHS number is not valid: check the 10 digits.")
        if problems or born is None:
            return problems
        old = self.person.details
        first = old.addresses[0] if old.addresses else AddressData()
        address = replace(
            first, line1=text["line1"], line2=text["line2"], line3=text["line3"], postcode=text["postcode"]
        )
        keep_address = any((address.line1, address.line2, address.line3, address.line4, address.postcode))
        addresses = ((address,) if keep_address else ()) + old.addresses[1:]
        telecoms = _with_telecom(_with_telecom(old.telecoms, "phone", text["phone"]), "email", text["email"])
        return replace(
            old,
            title=text["title"],
            first_name=text["first_name"],
            family_name=text["family_name"],
            preferred_name=text["preferred_name"],
            date_of_birth=born,
            nhs_number=nhs,
            sex=Sex(self.sex.currentData()),
            addresses=addresses,
            telecoms=telecoms,
        )

    def submit(self) -> None:
        data = self.details()
        if isinstance(data, dict):
            self.show_errors(data)
            return
        if data == self.person.details:
            self.reject()  # nothing changed: nothing written
            return
        people, actor, person = self.services.people, self.session.actor, self.person
        self.worker.submit(
            lambda: people.update(person.id, data, actor, seen=person.details), self._saved, self._failed
        )

    def _saved(self, record: PersonRecord) -> None:
        self.saved = record
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors({name: message for name, message in exc.fields.items() if name in self.edits})
            if not any(name in self.edits for name in exc.fields):
                self.show_errors({"first_name": self.tr("The details could not be saved: {0}").format(exc)})
        else:
            self.show_errors({"first_name": self.tr("The details could not be saved. Please try again.")})


class PersonDetails(QObject):
    """Person → Edit the person's details…, for the person on screen. `dialog`: the open dialog, if any."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PersonDetailsDialog | None = None
        self.action = QAction(self.tr("&Edit the person's details…"), window)
        self.action.triggered.connect(self.edit)
        window.person_menu.addAction(self.action)
        window.stack.currentChanged.connect(lambda _index: self.refresh())
        window.session.actor_changed.connect(lambda _actor: self.refresh())
        self.refresh()

    def _person(self) -> PersonRecord | None:
        editor = self.window.editor
        return editor.person if self.window.stack.currentWidget() is editor else None

    def refresh(self) -> None:
        writer = self.window.session.actor.role is not UserRole.READ_ONLY
        self.action.setEnabled(writer and self._person() is not None)

    def edit(self) -> None:
        self.refresh()
        person = self._person()
        if person is None or not self.action.isEnabled() or self.dialog is not None:
            return
        window = self.window
        people = window.services.people
        # The details as they are now (a colleague may have changed them since the person was opened).
        window.worker.submit(lambda: people.get(person.id), self._show)

    def _show(self, person: PersonRecord) -> None:
        window = self.window
        if self._person() is None or self.dialog is not None:
            return
        dialog = PersonDetailsDialog(window.services, window.session, window.worker, person, window)
        self.dialog = dialog

        def finished(_result: int) -> None:
            self.dialog = None
            if dialog.saved is not None:
                window.editor.person_changed(dialog.saved)
                window.people.model.refresh()
                window.statusBar().showMessage(self.tr("The person's details were saved."), 8000)

        dialog.finished.connect(finished)
        dialog.open()
