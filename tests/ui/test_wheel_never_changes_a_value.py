"""Scrolling a plan with the mouse wheel never changes a value the pointer passes over.

A reviewer scrolled the Sharing step with the wheel; the drop-down "The person agrees to share this plan"
under the pointer turned Yes into No and autosave kept it. Every drop-down, number box, date box and
slider on every step (including last time's goal outcomes and the item forms of list editors) gets real
wheel events while it does not have keyboard focus: its value must stay and the page must scroll. With
keyboard focus the wheel still steps the value (the positive control: the events used here do change
values when they reach a widget).
"""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.wheel_guard import is_value_widget
from tests.ui.helpers import choose, press

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

CONSENT = "The person agrees to share this plan"


def value_of(widget: QWidget) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()  # spin boxes and date boxes alike
    return cast(QAbstractSlider, widget).value()


def wheel(widget: QWidget, steps: int) -> None:
    """One real wheel event over the middle of `widget` (steps > 0: away from the user, i.e. scroll up)."""
    middle = QPointF(widget.rect().center())
    event = QWheelEvent(
        middle,
        QPointF(widget.mapToGlobal(middle)),
        QPoint(),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def page_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None, "every step sits in a scrolling page"
    return parent


def value_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if is_value_widget(w) and w.isVisible()]


def open_review(qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor) -> None:
    """A review (last time's goals each have an outcome drop-down), in a short window so pages scroll."""
    seed_people(ctx.store.sessions, count=6, seed=3, actor=actor, today=ctx.services.clock.today())
    people = ctx.services.people.search("", limit=6)
    agreed = [
        p for p in people if (plan := ctx.services.plans.latest_agreed(p.id)) and plan.content.goals.goals
    ]
    assert agreed, "the seed made no agreed plan with goals"
    window.resize(1100, 520)
    window.open_person(agreed[0].id)
    assert getattr(window.editor.step("goals"), "outcome_rows", None), "last time's goals are not shown"


def test_the_wheel_over_an_unfocused_value_scrolls_the_page_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    open_review(qtbot, window, ctx, actor)
    editor = window.editor
    editor.go_to("sharing")
    consent = next(w for w in value_widgets(editor.step("sharing")) if w.accessibleName() == CONSENT)
    choose(qtbot, consent, "Yes")  # the reviewer's starting point
    checked: list[str] = []
    scrolled = 0
    for key in SECTION_TYPES:
        editor.go_to(key)
        step = editor.step(key)
        for lst in step.findChildren(ListEditor):
            if lst.isVisible() and not lst.items():
                press(qtbot, lst.add_button)  # show the item form, with its drop-downs
        page = page_of(step)
        bar = page.verticalScrollBar()
        widgets = value_widgets(step)
        for widget in widgets:
            name = f"{key}: {widget.accessibleName() or type(widget).__name__}"
            assert not widget.focusPolicy() & Qt.FocusPolicy.WheelFocus & ~Qt.FocusPolicy.StrongFocus, (
                f"{name}: the wheel would give it focus"
            )
            page.setFocus(Qt.FocusReason.OtherFocusReason)
            assert not widget.hasFocus()
            page.ensureWidgetVisible(widget)
            before = value_of(widget)
            top = bar.value()
            wheel(widget, -1)  # towards the user: scroll down (the next item, in a drop-down)
            assert value_of(widget) == before, f"{name}: the wheel changed it"
            down = bar.value()
            wheel(widget, 1)
            wheel(widget, 1)
            assert value_of(widget) == before, f"{name}: the wheel changed it"
            if bar.maximum() > 0:
                assert down > top or bar.value() < down, f"{name}: the page did not scroll"
                scrolled += 1
            checked.append(name)
    assert f"sharing: {CONSENT}" in checked
    assert any(name.startswith("goals: Outcome of goal") for name in checked)
    assert any(name.startswith("holistic") for name in checked)
    assert scrolled >= len(checked) // 2, "most pages should scroll in a short window"
    assert consent.currentText() == "Yes"
    editor.flush()
    draft = ctx.services.plans.draft_of(editor.person.id if editor.person else "")
    assert draft is not None and draft.content.sharing.sharing.consent_to_share is True  # what autosave kept


def test_with_keyboard_focus_the_wheel_still_steps_the_value(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    open_review(qtbot, window, ctx, actor)
    window.editor.go_to("sharing")
    consent = cast(
        QComboBox,
        next(w for w in value_widgets(window.editor.step("sharing")) if w.accessibleName() == CONSENT),
    )
    choose(qtbot, consent, "Yes")
    assert consent.hasFocus()
    wheel(consent, -1)
    assert consent.currentText() == "No"  # the same event does reach a focused widget
