"""Issue 12, fewer clicks and nothing carried between people: "Today" beside date fields, "Plan written
with" from the signed-in clinician, the review-date suggestion beside the review date, Ctrl+1 … Ctrl+7,
F1 listing every shortcut, and each step opening at its top with the cursor in its first field for the
next person (no scroll position, search or template choice carried over)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import cast

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.fields import format_date
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.shortcuts_help import ShortcutsDialog
from careplanner.ui.steps.contingency import ContingencyStep
from careplanner.ui.steps.goals import GoalsStep
from careplanner.ui.steps.sharing import SharingStep
from tests.conftest import make_person
from tests.ui.helpers import choose
from tests.ui.standalone import click, make_editor, type_in

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _open(editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord, step: str = "") -> str:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft, step=step)
    return draft.id


def _sharing(ctx: AppContext, draft_id: str) -> d.SharingData:
    return ctx.services.plans.get(draft_id).content.sharing.sharing


def test_today_beside_a_date_field_puts_in_the_apps_date(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id = _open(editor, ctx, actor, person, "goals")
    goals = cast(GoalsStep, editor.step("goals")).goals
    click(qtbot, goals.add_button)
    type_in(qtbot, goals.form.widget("text"), "I want to garden again")
    actions = cast(ListEditor, goals.form.widget("actions"))
    click(qtbot, actions.add_button)
    due = cast(QLineEdit, actions.form.widget("due_on"))
    today_button = next(b for b in due.parentWidget().findChildren(QPushButton) if b.text() == "Today")
    click(qtbot, today_button)
    today = ctx.services.clock.today()
    assert due.text() == format_date(today)
    # Ctrl+; in the field does the same, from the keyboard.
    review = cast(QLineEdit, actions.form.widget("review_on"))
    type_in(qtbot, review, "")
    qtbot.keyClick(review, Qt.Key.Key_Semicolon, CTRL)
    assert review.text() == format_date(today)
    editor.flush()
    action = ctx.services.plans.get(draft_id).content.goals.goals[0].actions[0]
    assert action.due_on == today and action.review_on == today


def test_plan_written_with_is_the_signed_in_clinician(
    qtbot: QtBot, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    nurse = dataclasses.replace(actor, display_name="Jo Example", registration_number="12A3456E")
    editor = make_editor(qtbot, ctx, UserSession(nurse))
    draft_id = _open(editor, ctx, nurse, person, "sharing")
    form = cast(SharingStep, editor.step("sharing")).form
    assert cast(QLineEdit, form.widget("performing_professional_name")).text() == "Jo Example"
    assert cast(QLineEdit, form.widget("performing_professional_role")).text() == "Nurse"
    assert cast(QLineEdit, form.widget("performing_professional_id")).text() == "12A3456E"
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass  # saved with the draft, as typing is
    saved = _sharing(ctx, draft_id)
    assert (saved.performing_professional_name, saved.performing_professional_role) == ("Jo Example", "Nurse")
    assert saved.performing_professional_id == "12A3456E"


def test_a_name_already_recorded_is_kept(
    qtbot: QtBot, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    recorded = d.SharingSection(sharing=d.SharingData(performing_professional_name="Dr A Example"))
    plans.save_section(draft.id, recorded, actor)
    gp = dataclasses.replace(actor, display_name="Jo Example", role=UserRole.NURSE, registration_number="X1")
    editor = make_editor(qtbot, ctx, UserSession(gp))
    editor.open_plan(person, plans.get(draft.id), step="sharing")
    form = cast(SharingStep, editor.step("sharing")).form
    assert cast(QLineEdit, form.widget("performing_professional_name")).text() == "Dr A Example"
    assert cast(QLineEdit, form.widget("performing_professional_id")).text() == ""


def test_the_review_date_suggestion_sits_beside_the_review_date(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft_id = _open(editor, ctx, actor, person, "sharing")
    sharing = cast(SharingStep, editor.step("sharing"))
    review = sharing.review_edit()
    button = sharing.suggest_button

    def top(w: QWidget) -> int:
        return w.mapTo(sharing, QPoint(0, 0)).y()

    qtbot.waitUntil(lambda: button.height() > 0 and review.height() > 0)
    assert abs(top(button) - top(review)) < review.height()  # on the same line as the field
    next_field = sharing.form.widget("review_responsible_name")
    sharing.suggest_requested.connect(
        lambda: sharing.show_suggestion(ctx.services.clock.today().replace(day=1), 6, ("A test reason.",))
    )
    click(qtbot, button)
    assert review.text() == format_date(ctx.services.clock.today().replace(day=1))
    qtbot.waitUntil(lambda: sharing.suggestion.height() > 0)
    assert top(review) < top(sharing.suggestion) < top(next_field)  # its reasons under the field
    editor.flush()
    assert _sharing(ctx, draft_id).review_date == ctx.services.clock.today().replace(day=1)


def test_ctrl_and_a_number_goes_to_that_step(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.isVisible() and window.editor.person is not None)
    nav = window.editor.navigator
    for number, key in ((3, "holistic"), (7, "sharing"), (1, "about_me"), (5, "contingency")):
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key(Qt.Key.Key_0 + number), CTRL)
        assert nav.current_key() == key


def test_f1_lists_every_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    listed = " | ".join(keys for keys, _what in dialog.texts())
    actions = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(actions) >= 12
    for action in actions:
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in listed, action.text()
    for number in range(1, 8):
        assert f"Ctrl+{number}" in listed
    for keys in ("Alt+N", "Delete", "Ctrl+Z", "Ctrl+;", "F1", "Ctrl+PgDown"):
        assert keys in listed
    dialog.reject()


def test_the_next_person_starts_every_step_at_its_top_with_nothing_carried_over(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    _open(editor, ctx, actor, person, "medical")
    medical = editor.step("medical")
    notes = medical._forms["review"].widget("notes")  # the last field on the page
    type_in(qtbot, notes, "Seen with her daughter")
    page = medical._scroll_area()
    assert page is not None
    qtbot.waitUntil(lambda: page.verticalScrollBar().maximum() > 0)
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    editor.go_to("goals")
    goals = cast(GoalsStep, editor.step("goals"))
    type_in(qtbot, goals.service_picker.box, "carers")
    qtbot.keyClick(goals.service_picker.box, Qt.Key.Key_Return)
    assert goals.service_picker.results.isVisible()
    editor.go_to("contingency")
    contingency = cast(ContingencyStep, editor.step("contingency"))
    qtbot.waitUntil(lambda: contingency.template_box.count() > 1)
    choose(qtbot, contingency.template_box, "COPD")
    editor.go_to("sharing")
    sharing = cast(SharingStep, editor.step("sharing"))
    sharing.agree_button.setFocus()

    other = ctx.services.people.create(make_person(first_name="Bea", nhs_number=""), actor)
    _open(editor, ctx, actor, other)
    editor.go_to("medical")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is medical.first_field())
    assert page.verticalScrollBar().value() == 0
    assert medical.isAncestorOf(QApplication.focusWidget()) and QApplication.focusWidget() is not notes
    editor.go_to("goals")
    qtbot.waitUntil(lambda: goals.isAncestorOf(QApplication.focusWidget()))
    assert goals.service_picker.box.text() == "" and goals.service_picker.results.isHidden()
    editor.go_to("contingency")
    assert contingency.template_box.currentData() is None  # "Choose a template…", not last person's COPD
    editor.go_to("sharing")
    qtbot.waitUntil(lambda: sharing.isAncestorOf(QApplication.focusWidget()))
    assert QApplication.focusWidget() is not sharing.agree_button  # a stray Return agrees nothing
    assert QApplication.focusWidget() is sharing.first_field()


def test_at_a_review_goals_open_on_last_times_first_goal(
    qtbot: QtBot, editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    plans = ctx.services.plans
    first = plans.start_draft(person.id, actor)
    plans.save_section(first.id, d.GoalsSection(goals=(d.GoalData(text="I want to sleep better"),)), actor)
    base = plans.agree(first.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90))
    editor.open_plan(person, plans.start_draft(person.id, actor), base, step="sharing")
    editor.go_to("goals")
    goals = cast(GoalsStep, editor.step("goals"))
    _lineage, status, _outcome = goals.outcome_rows[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is status)  # the first thing on the page
