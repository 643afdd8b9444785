"""The field sweep: every step, every field and every list editor of the plan editor, driven like a person.

The inputs are found by walking each step's widgets, not from a hand-kept list, so a field added later is
swept with no change here; a step that shows an input the sweep could not reach fails the test. Each input
is edited through real key events (ASCII and non-ASCII text, combo boxes with the keyboard, tick boxes with
Space, dates typed), every list editor gets an item added and each of its fields edited, a second item
added, moved up and down and removed. Any exception, crash dialog or unexpected message box fails the
test at the input that caused it. After each step autosaves, the store (read back through the services)
must hold exactly what the widgets show, with every value of the type the plan data declares.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import TracebackType
from typing import Any, cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TYPES, Section
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.fields import Field, format_date
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.phrase_picker import PhrasePicker
from careplanner.ui.questionnaire_form import QuestionnaireForm
from careplanner.ui.steps.base import StepWidget
from tests.ui.helpers import press, type_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

# Typed into every text input, with a number before it: a Latin accent, punctuation beyond ASCII and a CJK
# character, each as its own key event. Short on purpose: each key press re-checks the plan on screen, and
# the sweep is about every input taking typing; long and odd text in every field is
# tests/faults/test_odd_text.py's work.
NAME = "ë–東"
INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox, QCheckBox, QRadioButton)

# Inputs that steer the screen but are not part of the plan: edited like any other (they must not crash
# either), but not expected to change what is saved. Keyed by accessible name (or text).
NOT_PLAN_DATA = {
    "Template to start from": "chooses which template 'Insert template' copies in",
    "Find a local service (for example walking, carers, debt)": "searches the directory",
    "Find a leaflet": "searches the directory",
    "Agreed with the person": "given to 'Agree the plan', not autosaved",
    "Agreed with a representative": "given to 'Agree the plan', not autosaved",
    "Representative's name": "given to 'Agree the plan', not autosaved",
    "Representative's relationship or role": "given to 'Agree the plan', not autosaved",
    "Why the person declined a written plan": "given to 'declined', not autosaved",
    "Communication need to add": "the person's record (tests/ui/test_communication_needs.py)",
    "Details of the need (the language for an interpreter)": "the person's record, saved by 'Add need'",
}
# Inputs that another input changes on purpose, later in the sweep: edited and checked like any other,
# but not expected to keep that value to the end of the step (the store must still match the screen).
SET_BY_ANOTHER = {
    "No known allergies (I asked, and there are none)": "unticked when an allergy is added to the list",
}
# A visible button of this kind opens more of the step (the full PHQ-9 / GAD-7 after a positive screen).
REVEAL_PREFIXES = ("Positive screen", "More…")

Path = tuple[str | int, ...]


def label_of(widget: QWidget) -> str:
    text = widget.accessibleName()
    if not text and isinstance(widget, (QCheckBox, QRadioButton, QPushButton)):
        text = widget.text()
    return text or type(widget).__name__


def inputs_under(root: QWidget) -> list[QWidget]:
    """The inputs under `root` in screen order; a list editor counts as one (swept as a list)."""
    found: list[QWidget] = []
    for child in root.children():
        if not isinstance(child, QWidget) or isinstance(child, QDialog):
            continue
        if isinstance(child, PhrasePicker):
            continue  # fills the field beside it, and is off by design once that field holds typed words
        if isinstance(child, (ListEditor, *INPUTS)):
            found.append(child)  # never inside: a spin box's line edit is the spin box
        else:
            found.extend(inputs_under(child))
    return found


def resolve(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Every place where two values differ, in value or in type (a StrEnum is not its str)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return [f"{where}: {type(a).__name__} != {type(b).__name__}"]
        out: list[str] = []
        for f in dataclasses.fields(a):
            if f.name == "lineage_id" and getattr(b, f.name) == "":
                continue  # the store gives an identity to an item the screen has not named yet
            out += differences(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        return out
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)} items"]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{where}[{i}]")
        ]
    if type(a) is not type(b) or a != b:
        return [f"{where}: {a!r} ({type(a).__name__}) != {b!r} ({type(b).__name__})"]
    return []


def strings_in(value: Any) -> Iterator[str]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


@dataclass
class Guard:
    """Fails at the action that raised an exception, logged an error, or showed a dialog nobody asked for."""

    caplog: pytest.LogCaptureFixture
    raised: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # A dialog another test in this process left open (a first-run window) is not the sweep's doing.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.close()

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.raised.append(f"{kind.__name__}: {exc}")

    def static_box(self, name: str) -> Any:
        def shown(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
            self.raised.append(f"QMessageBox.{name}: {args[2] if len(args) > 2 else args}")
            return QMessageBox.StandardButton.Cancel

        return shown

    def check(self, what: str) -> None:
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QDialog) or not widget.isVisible():
                continue
            if self._expected_prompt(widget):
                box = cast(QMessageBox, widget)
                press_button = box.defaultButton() or box.buttons()[0]
                press_button.click()  # the clinician acknowledges the safety prompt
                continue
            text = widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle()
            widget.close()
            self.raised.append(f"a dialog appeared: {text!r}")
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # a completer's suggestions: the person carries on typing
        errors = [r for r in self.caplog.records if r.levelno >= logging.ERROR]
        self.raised += [f"logged: {r.name}: {r.getMessage()}" for r in errors]
        self.caplog.clear()
        if self.raised:
            problems, self.raised = self.raised, []
            counted = {p: problems.count(p) for p in problems}
            raise AssertionError(f"{what}: " + "; ".join(f"{p} (x{n})" for p, n in counted.items()))

    @staticmethod
    def _expected_prompt(widget: QDialog) -> bool:
        """The PHQ-9 question 9 safety prompt is meant to appear (a warning, never a crash dialog)."""
        return (
            isinstance(widget, QMessageBox)
            and isinstance(widget.parent(), QuestionnaireForm)
            and widget.icon() is not QMessageBox.Icon.Critical
        )


@dataclass
class Sweep:
    qtbot: QtBot
    window: MainWindow
    ctx: AppContext
    person: PersonRecord
    guard: Guard
    step: StepWidget = field(init=False)
    key: str = ""
    counter: int = 0
    expected: dict[Path, tuple[Any, str]] = field(default_factory=dict)
    typed: list[tuple[str, str]] = field(default_factory=list)
    swept: set[str] = field(default_factory=set)
    # Inputs in a list item with nothing to choose yet (a goal's need before any need is typed): tried
    # again once the rest of the step is filled in.
    later: list[tuple[QWidget, Path]] = field(default_factory=list)

    # ---- values to enter ------------------------------------------------------------------------------

    def token(self) -> str:
        self.counter += 1
        return f"Xq{self.counter} {NAME}"

    def today(self) -> date:
        return self.ctx.services.clock.today()

    # ---- the walk -------------------------------------------------------------------------------------

    def sweep_step(self, key: str) -> None:
        self.key, self.expected, self.typed, self.later = key, {}, [], []
        self.window.editor.go_to(key)
        self.step = self.window.editor.step(key)
        self.guard.check(f"opening the step {key!r}")
        self.sweep_inputs(self.step, None)
        self.check_store()

    def sweep_inputs(self, root: QWidget, owner: Path | None) -> None:
        """Visit every input under `root` (revealing what the answers open up); `owner` is the path of the
        list item the inputs edit, None for a step's own inputs."""
        visited: set[int] = set()
        waiting: set[int] = set()
        for _ in range(6):
            progress = False
            for widget in inputs_under(root):
                if id(widget) in visited or not (widget.isVisible() and widget.isEnabled()):
                    continue
                if self.visit(widget, owner):
                    visited.add(id(widget))
                    progress = True
                else:
                    waiting.add(id(widget))
            progress |= self.reveal(root)
            if not progress:
                break
        if owner is not None:
            self.later += [(w, owner) for w in inputs_under(root) if id(w) in waiting - visited]
            visited |= waiting
        else:
            for widget, item in self.later:
                assert self.visit(widget, item), f"{self.key}: {label_of(widget)} had nothing to choose"
        missed = [label_of(w) for w in inputs_under(root) if id(w) not in visited]
        assert not missed, f"{self.key}: inputs the sweep could not reach or change: {missed}"

    def reveal(self, root: QWidget) -> bool:
        pressed = False
        for button in root.findChildren(QPushButton):
            if button.isVisible() and button.isEnabled() and button.text().startswith(REVEAL_PREFIXES):
                press(self.qtbot, button)
                self.guard.check(f"{self.key}: pressing {button.text()!r}")
                pressed = True
        return pressed

    def data_field(self, widget: QWidget) -> tuple[DataForm, Field] | None:
        parent = widget.parent()
        while parent is not None and not isinstance(parent, (DataForm, StepWidget)):
            parent = parent.parent()
        if isinstance(parent, DataForm):
            for f in parent.fields:
                if parent.widget(f.name) is widget:
                    return parent, f
        return None

    def owner_of(self, form: DataForm) -> Path:
        """Where a step's own form saves: the section's part that has every one of its fields."""
        section = self.step.section()
        names = {f.name for f in form.fields}
        homes = [
            f.name
            for f in dataclasses.fields(section)
            if dataclasses.is_dataclass(getattr(section, f.name))
            and names <= {g.name for g in dataclasses.fields(getattr(section, f.name))}
        ]
        assert len(homes) == 1, f"{self.key}: cannot tell where the form with {sorted(names)} saves: {homes}"
        return (homes[0],)

    def visit(self, widget: QWidget, owner: Path | None) -> bool:
        """Edit one input as a person would and check what the plan now holds; False when there is
        nothing it can change yet (a choice with one option), so it is tried again later."""
        what = f"{self.key}: {label_of(widget)}"
        exempt = label_of(widget) in NOT_PLAN_DATA
        found = self.data_field(widget)
        before = self.step.section()
        expected: Any = None
        typed = ""
        if isinstance(widget, ListEditor):
            assert found is not None or owner is None, what
            path = (*(owner or ()), widget.spec.name)
            assert hasattr(resolve(before, path[:-1]), widget.spec.name), f"{what}: not in the section"
            self.sweep_list(widget, path)
            return True
        if isinstance(widget, (QCheckBox, QRadioButton)):
            if isinstance(widget, QRadioButton) and widget.isChecked():
                return exempt
            expected = not widget.isChecked()
            press(self.qtbot, widget)
            assert widget.isChecked() is expected, f"{what}: Space did not change it"
        elif isinstance(widget, QComboBox):
            if widget.count() < 2:
                return exempt
            last = widget.count() - 1
            target = last if widget.currentIndex() != last else last - 1
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            self.qtbot.keyClick(widget, Qt.Key.Key_End)
            if target != last:
                self.qtbot.keyClick(widget, Qt.Key.Key_Up)
            assert widget.currentIndex() == target, f"{what}: the keyboard did not choose the entry"
            expected = widget.itemData(target)
            if found is not None and found[1].kind == "enum":
                assert found[1].enum is not None
                expected = found[1].enum(expected)
        elif isinstance(widget, QSpinBox):
            low = widget.minimum() + 1
            expected = min(widget.maximum(), low + 3)
            if expected == widget.value():
                expected = low
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            self.qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            self.qtbot.keyClicks(widget, str(expected))
            assert widget.value() == expected, f"{what}: typed {expected}, shows {widget.value()}"
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            typed = f"{self.token()}\n2 {NAME}"
            self.replace_text(widget, typed)
            assert widget.toPlainText() == typed, f"{what}: typed {typed!r}, shows {widget.toPlainText()!r}"
            expected = typed
            if found is not None and found[1].kind == "lines":
                expected = tuple(typed.splitlines())
        elif isinstance(widget, QLineEdit):
            if found is not None and found[1].kind == "date":
                f = found[1]
                expected = self.today() + timedelta(days=40 if not f.past_ok else -40)
                typed = format_date(expected)
            else:
                typed = expected = self.token()
            self.replace_text(widget, typed)
            if found is not None and found[1].kind == "date":
                self.qtbot.keyClick(widget, Qt.Key.Key_Return)  # the person moves on: the date is checked
                typed = ""  # a date is saved as a date, not as text
                assert found[0].error_label(found[1].name).isHidden(), f"{what}: a good date is marked"
            assert widget.text() == format_date(expected) if not typed else widget.text() == typed, (
                f"{what}: typed {typed or expected!r}, shows {widget.text()!r}"
            )
        else:
            raise AssertionError(f"{what}: the sweep does not know how to edit a {type(widget).__name__}")
        self.guard.check(what)
        if exempt:
            return True
        after = self.step.section()
        if found is not None:
            form, f = found
            path = (*(owner if owner is not None else self.owner_of(form)), f.name)
            if isinstance(widget, QSpinBox) and expected < f.low:
                expected = None
            problems = differences(resolve(after, path), expected, ".".join(map(str, path)))
            assert not problems, f"{what}: the plan does not hold what was entered: {problems}"
            if label_of(widget) not in SET_BY_ANOTHER:
                self.expected[path] = (expected, what)
        else:
            assert differences(before, after), f"{what}: editing it changed nothing in the plan"
            if typed:
                assert typed in set(strings_in(after)), f"{what}: {typed!r} is not in the plan"
                self.typed.append((typed, what))
        return True

    def replace_text(self, widget: QWidget, text: str) -> None:
        """Select what is there (a review shows last time's words) and type over it."""
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        self.qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(self.qtbot, widget, text)

    def sweep_list(self, editor: ListEditor, path: Path) -> None:
        """Add an item and edit each of its fields; add a second, move it up and down, remove it."""
        what = f"{self.key}: list {label_of(editor)}"
        start = editor.items()
        press(self.qtbot, editor.add_button)
        self.guard.check(f"{what}: Add")
        assert len(editor.items()) == len(start) + 1 and editor.current_index() == len(start), what
        self.sweep_inputs(editor.form_box, (*path, len(start)))
        first = editor.items()
        press(self.qtbot, editor.add_button)
        self.guard.check(f"{what}: Add a second")
        lead = editor.spec.fields[0]
        if lead.kind == "text":
            type_text(self.qtbot, editor.form.widget(lead.name), self.token())
            self.guard.check(f"{what}: naming the second")
        both = editor.items()
        assert both[: len(first)] == first and len(both) == len(first) + 1, what
        press(self.qtbot, editor.up_button)
        self.guard.check(f"{what}: Move up")
        moved = (*first[:-1], both[-1], first[-1])
        assert editor.items() == moved, f"{what}: Move up did not swap the last two"
        self.assert_saved(path, moved, f"{what}: Move up")
        press(self.qtbot, editor.down_button)
        self.guard.check(f"{what}: Move down")
        assert editor.items() == both, f"{what}: Move down did not put it back"
        press(self.qtbot, editor.remove_button)
        self.guard.check(f"{what}: Remove")
        assert editor.items() == first, f"{what}: Remove did not remove the second item"
        self.assert_saved(path, first, f"{what}: Remove")
        editor.select(len(first) - 1)

    # ---- what the store holds -------------------------------------------------------------------------

    def stored(self) -> Section:
        draft = self.ctx.services.plans.draft_of(self.person.id)
        assert draft is not None
        return draft.content.section(self.key)

    def assert_saved(self, path: Path, items: tuple[Any, ...], what: str) -> None:
        self.window.editor.flush()
        problems = differences(resolve(self.stored(), path), items, ".".join(map(str, path)))
        assert not problems, f"{what}: the store does not hold the list as shown: {problems}"

    def check_store(self) -> None:
        """Let autosave run as it does while typing, then read the step back through the services."""
        editor = self.window.editor
        self.qtbot.waitUntil(lambda: not editor.has_pending(), timeout=5000)
        self.guard.check(f"{self.key}: autosave")
        stored = self.stored()
        problems = differences(stored, self.step.section(), self.key)
        assert not problems, f"{self.key}: the store differs from the screen: {problems}"
        for path, (value, what) in self.expected.items():
            problems = differences(resolve(stored, path), value, ".".join(map(str, path)))
            assert not problems, f"{what}: not what the store holds: {problems}"
        strings = set(strings_in(stored))
        for typed, what in self.typed:
            assert typed in strings, f"{what}: {typed!r} is not in the store"
        self.swept.add(self.key)


@pytest.fixture
def guard(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Guard:
    caplog.set_level(logging.WARNING)
    watch = Guard(caplog)
    monkeypatch.setattr(sys, "excepthook", watch.excepthook)
    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, watch.static_box(name))
    return watch


def test_every_field_of_a_new_plan_takes_typing_and_reaches_the_store(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, guard: Guard
) -> None:
    window.open_person(person.id)
    sweep = Sweep(qtbot, window, ctx, person, guard)
    for key in SECTION_TYPES:
        sweep.sweep_step(key)
    assert sweep.swept == set(SECTION_TYPES)
    # Opened again from the store, every step shows what was typed.
    window.editor.close_plan()
    window.open_person(person.id)
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None
    for key in SECTION_TYPES:
        problems = differences(draft.content.section(key), window.editor.step(key).section(), key)
        assert not problems, f"{key}: reopened, the step differs from the store: {problems}"
    guard.check("reopening the plan")


def test_every_field_of_a_review_takes_typing_and_reaches_the_store(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, guard: Guard
) -> None:
    """At a review the steps hold last time's plan and show more (how last time's goals went)."""
    seed_people(ctx.store.sessions, count=6, seed=3, actor=actor, today=ctx.services.clock.today())
    people = ctx.services.people.search("", limit=6)
    agreed = [
        p for p in people if (plan := ctx.services.plans.latest_agreed(p.id)) and plan.content.goals.goals
    ]
    assert agreed, "the seed made no agreed plan with goals"
    person = ctx.services.people.get(agreed[0].id)
    window.open_person(person.id)
    assert window.editor.base is not None
    assert getattr(window.editor.step("goals"), "outcome_rows", None), "last time's goals are not shown"
    sweep = Sweep(qtbot, window, ctx, person, guard)
    for key in SECTION_TYPES:
        sweep.sweep_step(key)
    assert sweep.swept == set(SECTION_TYPES)
