"""A form built from `Field`s over one frozen dataclass: load it, read it back, mark what is wrong."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial
from typing import Any, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from careplanner.ui import date_today, wheel_guard
from careplanner.ui.fields import Field, enum_label, format_date, parse_date, tr
from careplanner.ui.more_fields import MoreFields, has_content
from careplanner.ui.rating_box import RatingBox


def long_text(name: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def mark(widget: QWidget, message: str) -> None:
    """Mark a field as wrong (red border plus a message in its tooltip and accessible description)."""
    if widget.property("invalid") is bool(message) and widget.toolTip() == message:
        return  # unchanged: skip the costly style refresh
    widget.setProperty("invalid", bool(message))
    widget.setToolTip(message)
    widget.setAccessibleDescription(message)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class DataForm(QWidget):
    """Edits one dataclass value. Signals: changed() after any edit by the user."""

    changed = Signal()

    def __init__(self, fields: tuple[Field, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The wheel scrolls the page and changes no value it passes over (every step: wheel_guard.py).
        wheel_guard.install()
        self._fields = fields
        self._widgets: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._rows: dict[str, QHBoxLayout] = {}  # a date field's row: the field, Today, room beside
        self._holders: dict[str, QVBoxLayout] = {}
        self._loading = False
        # Labels above their fields (as NHS and GOV.UK forms do), in a box layout that wraps long labels
        # properly: never clipped at any width or font size.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        # Rarely used fields (`Field.more`) sit together behind "More…", after the other fields and before
        # any list (a goal's actions); built in that order, so Tab follows the screen.
        self._more_fields = tuple(f for f in fields if f.more)
        self.more: MoreFields | None = None
        first_more = next((i for i, f in enumerate(fields) if f.more), len(fields))
        at = next((i for i, f in enumerate(fields) if f.kind == "list" and i > first_more), len(fields))
        for i, f in enumerate(fields):
            if i == at and self._more_fields:
                self._add_more(layout)
            if not f.more:
                self._add_field(f, layout)
        if at == len(fields) and self._more_fields:
            self._add_more(layout)

    def _add_more(self, layout: QVBoxLayout) -> None:
        self.more = MoreFields((tr(f.label) for f in self._more_fields), self)
        layout.addWidget(self.more)
        for f in self._more_fields:
            self._add_field(f, self.more.box_layout)

    def _add_field(self, f: Field, layout: QVBoxLayout) -> None:
        """One field: its label, then its input with any hint and error message under it."""
        widget = self._build(f)
        self._widgets[f.name] = widget
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        self._errors[f.name] = error
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if f.kind == "date":
            row, self._rows[f.name] = date_today.with_today(
                cast(QLineEdit, widget), tr(f.label), partial(self._put_today, f.name)
            )
            box.addWidget(row)
        else:
            box.addWidget(widget)
        self._holders[f.name] = box
        if f.hint:
            hint = QLabel(tr(f.hint))
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            box.addWidget(hint)
        box.addWidget(error)
        box.addSpacing(6)
        if f.kind != "bool":
            label = QLabel(tr(f.label))
            label.setObjectName("fieldLabel")
            label.setWordWrap(True)
            label.setBuddy(widget)
            layout.addWidget(label)
        layout.addWidget(holder)

    def _build(self, f: Field) -> QWidget:
        assert f.check is None or f.kind == "text", "a check marks a one-line text field"
        name = tr(f.label)
        widget: QWidget
        if f.kind == "long" or f.kind == "lines":
            edit = long_text(name, 3)
            if f.kind == "lines":
                edit.setPlaceholderText(tr("One per line"))
            edit.textChanged.connect(self._edited)
            widget = edit
        elif f.kind == "int":
            spin = RatingBox()  # a digit typed after a click into "Not recorded" is kept
            spin.setRange(f.low - 1, f.high)
            spin.setSpecialValueText(tr("Not recorded"))
            spin.setValue(f.low - 1)
            spin.setMaximumWidth(160)
            spin.valueChanged.connect(self._edited)
            widget = spin
        elif f.kind == "bool":
            check = QCheckBox(name)
            check.toggled.connect(self._edited)
            widget = check
        elif f.kind in ("tribool", "enum"):
            combo = QComboBox()
            if f.kind == "tribool":
                for text, data in ((tr("Not recorded"), None), (tr("Yes"), True), (tr("No"), False)):
                    combo.addItem(text, data)
            else:
                assert f.enum is not None
                for value in f.enum:
                    combo.addItem(enum_label(value), value)
            combo.currentIndexChanged.connect(self._edited)
            combo.setMaximumWidth(320)
            widget = combo
        elif f.kind == "choice":
            combo = QComboBox()
            for stored, text in f.choices:
                combo.addItem(tr(text), stored)
            combo.currentIndexChanged.connect(self._edited)
            combo.setMaximumWidth(320)
            widget = combo
        elif f.kind == "list":
            from careplanner.ui.list_editor import ListEditor

            lst = ListEditor(f)
            lst.changed.connect(self._edited)
            widget = lst
        else:
            line = QLineEdit()
            if f.kind == "date":
                line.setPlaceholderText(tr("dd/mm/yyyy"))
                line.setMinimumWidth(130)
                line.setMaximumWidth(160)
                line.editingFinished.connect(lambda n=f.name: self._check_date(n))
            line.textEdited.connect(self._edited)
            widget = line
        widget.setAccessibleName(name)
        return widget

    def _put_today(self, name: str) -> None:
        cast(QLineEdit, self._widgets[name]).setText(format_date(date_today.today()))
        self._check_date(name, date_today.today())
        self._edited()

    def beside(self, name: str) -> QHBoxLayout:
        """The row of a date field (the field, its Today button): a step may add to it."""
        return self._rows[name]

    def under(self, name: str, widget: QWidget) -> None:
        """Show `widget` under a field, above its error message (e.g. a suggestion and its reasons)."""
        box = self._holders[name]
        box.insertWidget(box.indexOf(self._errors[name]), widget)

    def _edited(self, *_: object) -> None:
        if not self._loading:
            self._run_checks()
            if self.more is not None and self._more_held():
                self.more.hold_open()  # typed into (or filled) behind "More…": it stays in sight
            self.changed.emit()

    def _more_held(self) -> bool:
        return any(has_content(self.value_of(f.name, None)) for f in self._more_fields)

    def _run_checks(self) -> None:
        """Mark (or unmark) every field whose `check` has something to say about what it holds now."""
        for f in self._fields:
            if f.check is not None:
                self.set_error(f.name, tr(f.check(cast(QLineEdit, self._widgets[f.name]).text())))

    @property
    def fields(self) -> tuple[Field, ...]:
        """What this form edits, in order (tests sweep every field through it)."""
        return self._fields

    def field(self, name: str) -> Field:
        return next(f for f in self._fields if f.name == name)

    def widget(self, name: str) -> QWidget:
        return self._widgets[name]

    def load(self, value: Any) -> None:
        self._loading = True
        try:
            for f in self._fields:
                self.set_value(f.name, getattr(value, f.name))
                self.set_error(f.name, "")
            if self.more is not None:  # open only for an item that has something there
                self.more.show_for(any(has_content(getattr(value, f.name)) for f in self._more_fields))
            self._run_checks()
        finally:
            self._loading = False

    def set_value(self, name: str, value: Any) -> None:
        f, w = self.field(name), self._widgets[name]
        if f.kind in ("long", "lines"):
            text = "\n".join(value) if f.kind == "lines" else str(value)
            edit = cast(QPlainTextEdit, w)
            if edit.toPlainText() != text:
                edit.setPlainText(text)
        elif f.kind == "int":
            cast(QSpinBox, w).setValue(f.low - 1 if value is None else int(value))
        elif f.kind == "bool":
            cast(QCheckBox, w).setChecked(bool(value))
        elif f.kind in ("tribool", "enum"):
            combo = cast(QComboBox, w)
            combo.setCurrentIndex(max(0, combo.findData(value)))
        elif f.kind == "choice":
            combo = cast(QComboBox, w)
            while combo.count() > len(f.choices):  # an unlisted value shown for the previous item
                combo.removeItem(combo.count() - 1)
            if combo.findData(str(value)) < 0:
                combo.addItem(str(value), str(value))
            combo.setCurrentIndex(combo.findData(str(value)))
        elif f.kind == "list":
            from careplanner.ui.list_editor import ListEditor

            cast(ListEditor, w).set_items(tuple(value))
        elif f.kind == "date":
            cast(QLineEdit, w).setText(format_date(value))
        else:
            cast(QLineEdit, w).setText(str(value))

    def value_of(self, name: str, current: Any) -> Any:
        """The field's value, or `current` when what is typed cannot be read (e.g. a half-typed date)."""
        f, w = self.field(name), self._widgets[name]
        if f.kind == "long":
            return cast(QPlainTextEdit, w).toPlainText()
        if f.kind == "lines":
            lines = cast(QPlainTextEdit, w).toPlainText().splitlines()
            return tuple(line.strip() for line in lines if line.strip())
        if f.kind == "int":
            number = cast(QSpinBox, w).value()
            return None if number < f.low else number
        if f.kind == "bool":
            return cast(QCheckBox, w).isChecked()
        if f.kind == "tribool":
            return cast(QComboBox, w).currentData()
        if f.kind == "choice":
            return str(cast(QComboBox, w).currentData() or "")
        if f.kind == "enum":
            # Qt hands a StrEnum back as a plain str: give the dataclass its typed value again, so code
            # such as `zone.value` or `decision is MedicineDecision.STOP` sees what it was written for.
            assert f.enum is not None
            data = cast(QComboBox, w).currentData()
            return None if data is None else f.enum(data)
        if f.kind == "list":
            from careplanner.ui.list_editor import ListEditor

            return cast(ListEditor, w).items()
        text = cast(QLineEdit, w).text()
        if f.kind == "date":
            try:
                return parse_date(text)
            except ValueError:
                return current
        return text

    def apply(self, value: Any) -> Any:
        changes = {f.name: self.value_of(f.name, getattr(value, f.name)) for f in self._fields}
        return dataclasses.replace(value, **changes)

    def error_label(self, name: str) -> QLabel:
        """The message shown under a field while it is marked (hidden when it is not)."""
        return self._errors[name]

    def set_error(self, name: str, message: str) -> None:
        if message and self.more is not None and self.field(name).more:
            self.more.hold_open()  # a field marked as wrong is never out of sight
        mark(self._widgets[name], message)
        self._errors[name].setText(message)
        self._errors[name].setVisible(bool(message))

    def _check_date(self, name: str, today: date | None = None) -> str:
        f = self.field(name)
        message = ""
        try:
            line = cast(QLineEdit, self._widgets[name])
            value = parse_date(line.text())
        except ValueError as exc:
            message = str(exc)
        else:
            if value is not None and line.text().strip().isdigit():
                line.setText(format_date(value))  # 20112026 typed: shown as 20/11/2026, as it is read
            today = today or date.today()
            if value is not None and not f.future_ok and value > today:
                message = tr("This date is in the future.")
            elif value is not None and not f.past_ok and value < today:
                message = tr("This date is in the past.")
        self.set_error(name, message)
        return message

    def validate(self) -> list[QWidget]:
        """Mark every field that cannot be right; the widgets in order, for focusing the first one."""
        bad: list[QWidget] = []
        for f in self._fields:
            if f.kind == "date" and self._check_date(f.name):
                bad.append(self._widgets[f.name])
            elif f.kind == "list":
                from careplanner.ui.list_editor import ListEditor

                bad.extend(cast(ListEditor, self._widgets[f.name]).validate())
        return bad
