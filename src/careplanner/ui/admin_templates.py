"""Tools → Contingency templates…, for administrators: the practice's own wording of the "if things get
worse" templates, edited in the app.

A template is edited as lines of text (one sign or step a line); the contacts of each zone stay as the
template has them. Saving goes through the template service, which checks the template with the same
strict parser the shipped ones pass (a red zone must tell the person to ring 999), reports every problem
at once, and audits the change. A shipped template can be put back as shipped; a template the practice
added can be removed. Plans already made from a template keep their own copy.
"""

from __future__ import annotations

import dataclasses
import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.contingency_templates import ContingencyTemplate
from careplanner.clinical.enums import Zone
from careplanner.services.auth import Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.templates import CONTACT_LABELS, TemplateEntry
from careplanner.services.users import Actor
from careplanner.ui.unsaved_close import UnsavedGuard

__all__ = ["TemplateAdminDialog"]

_ZONES = (Zone.GREEN, Zone.AMBER, Zone.RED)


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


def _key_for(name: str, taken: set[str]) -> str:
    base = "practice_" + (re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_") or "template")
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


class TemplateAdminDialog(QDialog):
    """The practice's contingency templates. Administrators only. No signals beyond QDialog's."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.PRACTICE_SETTINGS)
        self._templates, self._actor = services.templates, actor
        self.entries: list[TemplateEntry] = []
        self.current: TemplateEntry | None = None
        self.setWindowTitle(self.tr("Contingency templates"))
        self.setMinimumSize(900, 600)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Templates"))
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit()
        self.triggers = self._text(self.tr("What can set it off (one a line)"))
        self.warning_signs = self._text(self.tr("Early warning signs (one a line)"))
        self.signs: dict[Zone, QPlainTextEdit] = {}
        self.what_i_do: dict[Zone, QPlainTextEdit] = {}
        self.contacts: dict[Zone, QLabel] = {}
        self.items = self._text(self.tr("Rescue or just-in-case medicines and equipment (one a line)"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # each label above its (wide) box
        self.name.setAccessibleName(self.tr("Template name"))
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.triggers.accessibleName(), self.triggers)
        form.addRow(self.warning_signs.accessibleName(), self.warning_signs)
        for zone, title in zip(_ZONES, (self.tr("Green"), self.tr("Amber"), self.tr("Red")), strict=True):
            self.signs[zone] = self._text(self.tr("{0}: how I know I am here (one a line)").format(title))
            self.what_i_do[zone] = self._text(self.tr("{0}: what I do (one a line)").format(title))
            self.contacts[zone] = QLabel()
            self.contacts[zone].setObjectName("hint")
            form.addRow(self.signs[zone].accessibleName(), self.signs[zone])
            form.addRow(self.what_i_do[zone].accessibleName(), self.what_i_do[zone])
            form.addRow(self.tr("{0}: who I contact").format(title), self.contacts[zone])
        form.addRow(self.items.accessibleName(), self.items)
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.clicked.connect(self.save)
        self.copy_button = QPushButton(self.tr("Save as a &new template"))
        self.copy_button.clicked.connect(self.save_as_new)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.copy_button, self.reset_button):
            buttons.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addWidget(self.message)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Plans made from a template after you save use your wording; plans already made keep theirs. "
                "The red zone must always tell the person to ring 999."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.guard = UnsavedGuard(self, self.unsaved, self.save, lambda: QDialog.reject(self))
        self.reload()

    def reject(self) -> None:
        """Close, Escape and the window's close button: ask first when an edit is not saved."""
        self.guard.close_or_ask()

    def unsaved(self) -> bool:
        """True when the form says something other than the template shown."""
        return self.current is not None and self.edited() != self.current.template

    def _text(self, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(90)
        return edit

    def describe(self, entry: TemplateEntry) -> str:
        if entry.custom:
            return self.tr("{0} (added by the practice)").format(entry.template.name)
        if entry.edited:
            return self.tr("{0} (changed by the practice)").format(entry.template.name)
        return entry.template.name

    def reload(self, key: str | None = None) -> None:
        self.entries = self._templates.list()
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries:
            self.list.addItem(self.describe(entry))
        self.list.blockSignals(False)
        keys = [e.key for e in self.entries]
        self.list.setCurrentRow(keys.index(key) if key in keys else 0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        self.current = entry = self.entries[row]
        t = entry.template
        self.name.setText(t.name)
        self.triggers.setPlainText("\n".join(t.trigger_factors))
        self.warning_signs.setPlainText("\n".join(t.early_warning_signs))
        self.items.setPlainText("\n".join(t.anticipatory_items))
        for zone in _ZONES:
            plan = t.zone(zone)
            self.signs[zone].setPlainText("\n".join(plan.signs))
            self.what_i_do[zone].setPlainText("\n".join(plan.what_i_do))
            self.contacts[zone].setText(", ".join(CONTACT_LABELS[c] for c in plan.contacts) or "—")
        self.reset_button.setText(self.tr("&Remove") if entry.custom else self.tr("&Put back as shipped"))
        self.reset_button.setEnabled(entry.edited)
        self.message.setText("")

    def edited(self) -> ContingencyTemplate | None:
        """The template as the form now says."""
        if self.current is None:
            return None
        t = self.current.template
        zones = tuple(
            dataclasses.replace(z, signs=_lines(self.signs[z.zone]), what_i_do=_lines(self.what_i_do[z.zone]))
            for z in t.zones
        )
        return dataclasses.replace(
            t,
            name=self.name.text().strip(),
            trigger_factors=_lines(self.triggers),
            early_warning_signs=_lines(self.warning_signs),
            anticipatory_items=_lines(self.items),
            zones=zones,
        )

    def save(self) -> bool:
        template = self.edited()
        return template is not None and self._save(template)

    def save_as_new(self) -> bool:
        """The form as a new template the practice adds (the one shown is left as it was)."""
        template = self.edited()
        if template is None:
            return False
        key = _key_for(template.name, {e.key for e in self.entries})
        return self._save(dataclasses.replace(template, key=key))

    def _save(self, template: ContingencyTemplate) -> bool:
        try:
            saved = self._templates.save(template, self._actor)
        except ValidationError as exc:
            self.message.setText(self.tr("Not saved: {0}").format(" ".join(exc.fields.values())))
            return False
        self.reload(saved.key)
        self.message.setText(self.tr("Saved."))
        return True

    def reset(self) -> None:
        if self.current is None:
            return
        try:
            self._templates.reset(self.current.key, self._actor)
        except NotFoundError as exc:
            self.message.setText(str(exc))
            return
        self.reload(self.current.key)
