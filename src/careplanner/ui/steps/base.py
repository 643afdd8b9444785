"""The contract every plan step follows: load from the draft, give the section back, validate.

`load(section)` fills the widgets; `section()` reads them into a new frozen section (what was typed is
always kept, even when something looks wrong); `validate()` marks every field that cannot be right and
returns them in order so the editor can focus the first. `is_complete(section)` decides the tick in the
navigator. `set_read_only(plan)` turns the loaded step into a view for people who may not edit plans.
Signals: changed() whenever the user edits anything.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from careplanner.services.container import Services
from careplanner.services.plan_data import PlanVersion, Section
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.read_only import make_read_only


@dataclass
class StepContext:
    services: Services
    today: Callable[[], date]


class StepWidget(QWidget):
    changed = Signal()
    key = ""

    def __init__(self, context: StepContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(12)
        self._forms: dict[str, DataForm] = {}
        self._lists: dict[str, ListEditor] = {}
        self.review_mode = False
        self.base: Section | None = None  # the same section in the agreed version this draft came from
        self.base_date: date | None = None  # the day that version was agreed ("Last time (date): …")

    # ---- building helpers -------------------------------------------------------------------------------

    def group(self, title: str, *widgets: QWidget, intro: str = "") -> QGroupBox:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        inner = QVBoxLayout(box)
        inner.setSpacing(8)
        if intro:
            label = QLabel(intro)
            label.setObjectName("hint")
            label.setWordWrap(True)
            inner.addWidget(label)
        for w in widgets:
            inner.addWidget(w)
        self._layout.addWidget(box)
        return box

    def add_form(self, name: str, form: DataForm) -> DataForm:
        self._forms[name] = form
        form.changed.connect(self.changed)
        return form

    def add_list(self, name: str, editor: ListEditor) -> ListEditor:
        self._lists[name] = editor
        editor.changed.connect(self.changed)
        return editor

    def finish(self) -> None:
        self._layout.addStretch(1)

    # ---- the contract -----------------------------------------------------------------------------------

    # Every step overrides these three; Qt's metaclass rules out ABCMeta, so tests/ui/test_steps.py checks it.
    @abstractmethod
    def load(self, section: Any) -> None:
        """Show `section` (the step's part of the draft)."""

    @abstractmethod
    def section(self) -> Section:
        """The section as it stands on screen, including values marked as wrong."""

    @staticmethod
    @abstractmethod
    def is_complete(section: Any) -> bool:
        """Whether the step's content is complete (the navigator says "complete", or "reviewed today" at
        a review once it has been changed; see `ui/navigator.py`)."""

    def set_read_only(self, plan: PlanVersion | None) -> None:
        """Show the loaded section as a view of `plan` (None: nothing has been written yet); see
        `ui/read_only.py`. Called after every load while the editor is read-only."""
        make_read_only(self)

    def validate(self) -> list[QWidget]:
        bad: list[QWidget] = []
        for form in self._forms.values():
            bad.extend(form.validate())
        for editor in self._lists.values():
            bad.extend(editor.validate())
        return bad

    def focus_field(self, name: str, index: int | None = None) -> None:
        """Put the cursor on a field and scroll it into view (used by the agree check list and by
        validation)."""
        if name in self._lists:
            editor = self._lists[name]
            if index is not None:
                editor.select(index)
            target: QWidget = editor.list if editor.items() else editor.add_button
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.reveal(target)
            return
        for form in self._forms.values():
            try:
                widget = form.widget(name)
            except KeyError:
                continue
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self.reveal(widget)
            return

    def reveal(self, widget: QWidget) -> None:
        """Scroll the step's page so `widget` is in view: now, and again once a page that has just been
        shown (or built) has been laid out, when the first try may have used its old geometry."""
        scroll = self.parent()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parent()
        if not isinstance(scroll, QScrollArea):
            return
        area = scroll
        area.ensureWidgetVisible(widget)
        QTimer.singleShot(0, widget, lambda: area.ensureWidgetVisible(widget))
