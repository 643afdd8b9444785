"""Tools → Directory of services and leaflets…, for administrators: add, change and remove the practice's
local services and information leaflets in the app (before this, only by CSV).

Every field is checked by the directory service (phone numbers as the practice settings check them) and
a bad one is marked where it is, with nothing saved until all are right. Saving and removing are audited
by the service. The shipped starter list's numbers are examples: each shows "Example — replace" until
the practice types its local service's real number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.directory import Leaflet, Service
from careplanner.clinical.enums import ReferralKind, ServiceCategory
from careplanner.clinical.example_numbers import is_example_number
from careplanner.services.auth import Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.users import Actor
from careplanner.ui.fields import enum_label
from careplanner.ui.forms import mark
from careplanner.ui.unsaved_close import UnsavedGuard

__all__ = ["DirectoryAdminDialog", "EntryEditor"]

Editor = QLineEdit | QPlainTextEdit | QComboBox


class EntryEditor(QWidget):
    """A list of entries beside the form for the chosen one, with Add, Save and Remove.

    Choosing another entry (or Add new) with unsaved edits in the form saves them first, as Save would:
    moving on never drops what was typed. When they cannot be saved, the edited entry stays chosen with
    its edits and the bad fields marked.

    Signals: saved() after an entry is saved or removed."""

    saved = Signal()

    def __init__(
        self,
        fields: Sequence[tuple[str, str, Editor]],
        listing: Callable[[], Sequence[Any]],
        describe: Callable[[Any], str],
        attributes: Callable[[Any], dict[str, Any]],
        save: Callable[[dict[str, Any], str | None], Any],
        remove: Callable[[str], None],
        noun: str,
    ) -> None:
        super().__init__()
        self._listing, self._describe, self._save, self._remove = listing, describe, save, remove
        self._attributes = attributes
        self.entries: list[Any] = []
        self.current_id: str | None = None
        self._loaded: dict[str, Any] = {}  # the form as last loaded or saved: anything else is unsaved
        self._reloading = False  # the list is being filled afresh: a row chosen then is not a move
        self.list = QListWidget()
        self.list.setAccessibleName(noun)
        self.list.currentRowChanged.connect(self._show)
        self.add_button = QPushButton(self.tr("&Add new"))
        self.add_button.clicked.connect(self._add_new)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.clicked.connect(self.remove_current)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.clicked.connect(lambda: self.save_current())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.fields: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, widget in fields:
            widget.setAccessibleName(label)
            self.fields[key] = widget
            error = QLabel()
            error.setObjectName("error")
            error.setWordWrap(True)
            error.hide()
            self.errors[key] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(label, column)
        self.form = form
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.message)
        right.addWidget(self.save_button)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        self.reload()

    # ---- the list ----------------------------------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        """List the entries afresh and show `select_id` (else the first). What the form held is not kept:
        the callers have saved it, or removed its entry."""
        self.entries = list(self._listing())
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries:
            self.list.addItem(self._describe(entry))
        self.list.setCurrentRow(-1)  # so that choosing a row below always shows it
        self.list.blockSignals(False)
        ids = [e.id for e in self.entries]
        self._reloading = True
        try:
            if select_id in ids:
                self.list.setCurrentRow(ids.index(select_id))
            elif self.entries:
                self.list.setCurrentRow(0)
            else:
                self.start_new()
        finally:
            self._reloading = False

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        if entry.id != self.current_id and not self._reloading and self.unsaved():
            self._keep_edits(entry.id)  # saved, then `entry` shown; or the edited entry stays chosen
            return
        self.current_id = entry.id
        self.load(entry)
        self._clear_marks()

    def load(self, entry: Any) -> None:
        """Fill the form from an entry."""
        for key, value in self._attributes(entry).items():
            set_value(self.fields[key], value)
        self._loaded = self.values()

    def _keep_edits(self, then_select: str | None) -> bool:
        """Save the edits of the entry being left, then choose `then_select` (None: a new entry). False
        when they cannot be saved: the entry left is chosen again, its edits kept and marked."""
        left, name = self.current_id, self.values().get("name") or self.values().get("title") or ""
        if self.save_current(then_select=then_select):
            self.message.setText(self.tr("Your changes to {0} were saved.").format(name))
            return True
        ids = [e.id for e in self.entries]
        self.list.blockSignals(True)
        if left in ids:
            self.list.setCurrentRow(ids.index(left))
        else:
            self.list.clearSelection()
            self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self.message.setText(self.tr("Not saved yet: correct the marked field, or Save, before moving on."))
        return False

    def _add_new(self) -> None:
        if self.unsaved():
            self._keep_edits(None)  # saved, then a new form; or kept on screen, marked
            return
        self.start_new()

    def start_new(self) -> None:
        """An empty form: Save adds a new entry."""
        self.current_id = None
        self.list.clearSelection()
        for widget in self.fields.values():
            set_value(widget, "")
        self._loaded = self.values()
        self._clear_marks()
        self.message.setText(self.tr("A new entry: fill it in, then Save."))
        first = next(iter(self.fields.values()))
        first.setFocus()

    # ---- saving ------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {key: value_of(widget) for key, widget in self.fields.items()}

    def unsaved(self) -> bool:
        """True when the form holds something typed since the entry was loaded or saved."""
        return self.values() != self._loaded

    def _clear_marks(self) -> None:
        for key, widget in self.fields.items():
            mark(widget, "")
            self.errors[key].hide()
        self.message.setText("")

    def save_current(self, *, then_select: str | None = "") -> bool:
        """Save the form (add or change); marks each bad field and focuses the first. True when saved.
        `then_select`: the entry to choose afterwards ("" the one saved; None a new, empty form)."""
        self._clear_marks()
        try:
            saved = self._save(self.values(), self.current_id)
        except ValidationError as exc:
            first: Editor | None = None
            for key, text in exc.fields.items():
                if key in self.fields:
                    mark(self.fields[key], text)
                    self.errors[key].setText(text)
                    self.errors[key].show()
                    first = first or self.fields[key]
                else:
                    self.message.setText(text)
            if first is not None:
                first.setFocus()
            return False
        except NotFoundError as exc:
            self._loaded = self.values()  # removed meanwhile: nothing to save it into
            self.message.setText(str(exc))
            self.reload()
            return False
        self._loaded = self.values()  # saved: choosing another entry has nothing left to keep
        if then_select is None:
            self.reload(saved.id)
            self.start_new()
        else:
            self.reload(then_select or saved.id)
        self.message.setText(self.tr("Saved."))
        self.saved.emit()
        return True

    def remove_current(self) -> None:
        """Take the chosen entry out of the directory (plans that already name it keep their line)."""
        if self.current_id is None:
            return
        try:
            self._remove(self.current_id)
        except NotFoundError as exc:
            self.reload()
            self.message.setText(str(exc))
            return
        self.reload()
        self.message.setText(self.tr("Removed. Plans that already name it keep their line."))
        self.saved.emit()


def set_value(widget: Editor, value: Any) -> None:
    if isinstance(widget, QComboBox):
        index = widget.findData(value)
        widget.setCurrentIndex(max(index, 0))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    else:
        widget.setText(str(value))


def value_of(widget: Editor) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return widget.text()


def _combo(values: Sequence[Any]) -> QComboBox:
    box = QComboBox()
    for value in values:
        box.addItem(enum_label(value), value)
    return box


class DirectoryAdminDialog(QDialog):
    """The services and leaflets of the practice's directory. Administrators only."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.PRACTICE_SETTINGS)
        self._directory, self._actor = services.directory, actor
        self.setWindowTitle(self.tr("Directory of services and leaflets"))
        self.setMinimumSize(860, 520)
        intro = QLabel(
            self.tr(
                "The services and leaflets offered in the Goals step. Check each number by ringing it: the "
                "person takes it home. Numbers marked \u201cExample \u2014 replace\u201d came with the app "
                "and are not real; they are never printed on a plan."
            )
        )
        intro.setWordWrap(True)
        self.services_tab = self._services_editor()
        self.leaflets_tab = self._leaflets_editor()
        self.example_note = QLabel(self.tr("Example \u2014 replace: this number came with the app."))
        self.example_note.setObjectName("warning")
        # The note has a row of its own that keeps its height when the note is hidden: coming and going
        # as a number is typed, it moved Save (and every field under it) under the pointer.
        room = QWidget()
        room_layout = QVBoxLayout(room)
        room_layout.setContentsMargins(0, 0, 0, 0)
        room_layout.addWidget(self.example_note)
        keep = self.example_note.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # a box layout keeps a hidden widget's room (a form row does not)
        self.example_note.setSizePolicy(keep)
        self.services_tab.form.insertRow(4, "", room)  # just under the phone number
        phone = self.services_tab.fields["phone"]
        assert isinstance(phone, QLineEdit)
        phone.textChanged.connect(self._show_example)
        self._show_example(phone.text())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.services_tab, self.tr("Services"))
        self.tabs.addTab(self.leaflets_tab, self.tr("Leaflets"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.guard = UnsavedGuard(self, self._unsaved, self._save_all, lambda: QDialog.reject(self))

    def reject(self) -> None:
        """Close, Escape and the window's close button: ask first when an edit is not saved."""
        self.guard.close_or_ask()

    def _tabs_unsaved(self) -> list[EntryEditor]:
        return [tab for tab in (self.services_tab, self.leaflets_tab) if tab.unsaved()]

    def _unsaved(self) -> bool:
        return bool(self._tabs_unsaved())

    def _save_all(self) -> bool:
        """Save each tab with unsaved edits; on the first that cannot be saved, show it (marked)."""
        for tab in self._tabs_unsaved():
            if not tab.save_current():
                self.tabs.setCurrentWidget(tab)
                return False
        return True

    def _show_example(self, text: str) -> None:
        self.example_note.setVisible(is_example_number(text))

    def _services_editor(self) -> EntryEditor:
        d = self._directory
        fields: list[tuple[str, str, Editor]] = [
            ("name", self.tr("Name"), QLineEdit()),
            ("category", self.tr("Kind of service"), _combo(list(ServiceCategory))),
            ("description", self.tr("What it offers, in plain words"), QPlainTextEdit()),
            ("phone", self.tr("Phone"), QLineEdit()),
            ("email", self.tr("Email"), QLineEdit()),
            ("website", self.tr("Website"), QLineEdit()),
            ("address", self.tr("Address"), QLineEdit()),
            ("kind", self.tr("Referral or signposting"), _combo(list(ReferralKind))),
        ]
        fields[2][2].setMaximumHeight(80)

        def describe(e: Any) -> str:
            s = e.service
            if e.example_number:
                return self.tr("{0} \u00b7 {1} (Example \u2014 replace)").format(s.name, s.phone)
            return f"{s.name} \u00b7 {s.phone}" if s.phone else s.name

        def save(v: dict[str, Any], entry_id: str | None) -> Any:
            service = Service(
                v["name"],
                ServiceCategory(v["category"]),  # a combo box hands back the plain text value
                v["description"],
                v["phone"],
                v["email"],
                v["website"],
                v["address"],
                ReferralKind(v["kind"]),
            )
            return d.save_service(service, self._actor, entry_id=entry_id)

        return EntryEditor(
            fields,
            d.services,
            describe,
            lambda e: {key: getattr(e.service, key) for key, _, _ in fields},
            save,
            lambda i: d.remove_service(i, self._actor),
            self.tr("Services in the directory"),
        )

    def _leaflets_editor(self) -> EntryEditor:
        d = self._directory
        fields: list[tuple[str, str, Editor]] = [
            ("title", self.tr("Title"), QLineEdit()),
            ("topic", self.tr("Topic"), QLineEdit()),
            ("source", self.tr("Who publishes it"), QLineEdit()),
            ("location", self.tr("Where to find it"), QLineEdit()),
        ]

        def save(v: dict[str, Any], entry_id: str | None) -> Any:
            leaflet = Leaflet(v["title"], v["topic"], v["source"], v["location"])
            return d.save_leaflet(leaflet, self._actor, entry_id=entry_id)

        return EntryEditor(
            fields,
            d.leaflets,
            lambda e: e.title,
            lambda e: {key: getattr(e.leaflet, key) for key, _, _ in fields},
            save,
            lambda i: d.remove_leaflet(i, self._actor),
            self.tr("Leaflets in the directory"),
        )
