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
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from careplanner.services.container import Services
from careplanner.services.plan_data import MedicalSection, PlanVersion, Section
from careplanner.ui import date_today
from careplanner.ui.directory_picker import DirectoryPicker
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.read_only import make_read_only


@dataclass
class StepContext:
    services: Services
    today: Callable[[], date]
    # The plan's medical review as it stands on screen (its conditions): the Goals step offers phrases by it.
    medical: Callable[[], MedicalSection] = MedicalSection


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
        self._fresh = True  # not shown since its plan was loaded: opens at its top, in its first field
        date_today.set_clock(context.today)  # "Today" beside date fields is the app's today

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

    @staticmethod
    def for_marks(section: Any) -> Any:
        """The section as the navigator judges progress: a step blanks here what the app fills in by
        itself, so filling it never makes a step look "started"."""
        return section

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
        self._fresh = False  # the cursor goes where it was sent, not to the step's first field
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

    # ---- opening for another person -------------------------------------------------------------------

    def reset_view(self) -> None:
        """Another person's plan (or the same one, opened afresh) is loaded: the step opens at its top
        with the cursor in its first field, and no search typed or template picked for the last person
        is still there. Called by the editor after loading each step when a plan is opened."""
        self.clear_transient()
        self._fresh = True
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            focus.clearFocus()  # the last person's cursor position is not where this one starts
        area = self._scroll_area()
        if area is not None:
            area.verticalScrollBar().setValue(0)
            area.horizontalScrollBar().setValue(0)
        if self.isVisible():
            QTimer.singleShot(0, self, self._enter)

    def clear_transient(self) -> None:
        """Forget what is on screen but not in the plan (searches, picked templates). Steps add theirs."""
        for picker in self.findChildren(DirectoryPicker):
            picker.clear()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._fresh:
            area = self._scroll_area()
            if area is not None:
                area.verticalScrollBar().setValue(0)  # at its top now: a page built anew keeps no old place
            QTimer.singleShot(0, self, self._enter)  # once laid out, and after whoever showed it

    def _enter(self) -> None:
        """First sight of this step for this plan: at its top, the cursor in its first field, unless
        the cursor was sent to a field of it (a link to a field, a field to correct: see `reveal`).
        Where Qt itself put the cursor when the last step's page was hidden does not count.

        The page was put at its top when the plan was opened (`reset_view`) or the step shown (`showEvent`);
        a reader who has moved down it since, before this ran, keeps their place and the cursor stays put
        (a refresh of the same plan after a colleague's save never sends them back to the top)."""
        if not self._fresh or not self.isVisible():
            return
        self._fresh = False
        area = self._scroll_area()
        if area is not None and area.verticalScrollBar().value() != 0:
            return  # the reader has scrolled since the step opened at its top: their place stands
        first = self.first_field()
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)

    def first_field(self) -> QWidget | None:
        """The first control Tab reaches in this step (steps keep Tab order top to bottom), passing over
        links and the big Agree button: a stray Return there must never agree a plan."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self and self.isAncestorOf(widget):
            button = isinstance(widget, QPushButton) and widget.objectName() in ("primary", "link")
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if takes_tab and not button and widget.isVisibleTo(self) and widget.isEnabled():
                return widget
            widget = widget.nextInFocusChain()
        return None

    def _scroll_area(self) -> QScrollArea | None:
        scroll = self.parent()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parent()
        return scroll if isinstance(scroll, QScrollArea) else None

    def reveal(self, widget: QWidget) -> None:
        """Scroll the step's page so `widget` is in view: now, and again once a page that has just been
        shown (or built) has been laid out, when the first try may have used its old geometry.
        The step then does not move the cursor to its first field: it was sent here on purpose."""
        self._fresh = False
        scroll = self.parent()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parent()
        if not isinstance(scroll, QScrollArea):
            return
        area = scroll
        area.ensureWidgetVisible(widget)
        QTimer.singleShot(0, widget, lambda: area.ensureWidgetVisible(widget))
