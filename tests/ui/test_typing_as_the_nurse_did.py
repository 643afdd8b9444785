"""Issue 12, a reviewing nurse's typing faults: each test types (or clicks) as she did, at the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from careplanner.clinical.enums import QuestionnaireKind, WellbeingArea
from careplanner.services.plan_data import GoalData, MedicalReviewData
from careplanner.ui.forms import DataForm
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main import application
from careplanner.ui.questionnaire_form import QuestionnaireForm
from careplanner.ui.read_only import make_read_only
from careplanner.ui.steps.goals import GOALS
from careplanner.ui.steps.holistic import WellbeingGrid
from careplanner.ui.steps.medical import REVIEW

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _shown(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def test_phq9_digits_typed_with_tab_between_land_on_their_own_questions(qtbot: QtBot) -> None:
    """The nurse typed "1 Tab 0 Tab 2 ..." down PHQ-9: each digit must answer its own question, and
    question 9 (thoughts of self-harm) must get its answer and the safety prompt."""
    application()
    form = QuestionnaireForm(QuestionnaireKind.PHQ9)
    _shown(qtbot, form)
    form.rows[0].setFocus(Qt.FocusReason.TabFocusReason)
    typed = (1, 0, 2, 3, 1, 0, 2, 1)
    for number in typed:
        qtbot.keyClicks(_focus(), str(number))
        focus = _focus()
        # The focus ring is on the option just ticked, never on one that is not the answer.
        assert isinstance(focus, QRadioButton) and focus.isChecked()
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert form.answers() == (*typed, None)
    assert _focus() in form.rows[8].radios
    with qtbot.waitSignal(form.safety_raised, timeout=1000):
        qtbot.keyClicks(_focus(), "2")
    assert form.answers() == (*typed, 2)
    assert isinstance(form.safety_dialog, QMessageBox)
    form.safety_dialog.accept()


def _stacked(*parts: QWidget) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    for part in parts:
        layout.addWidget(part)
    return holder


def _click_into_words_and_type(qtbot: QtBot, spin: QSpinBox, digit: str) -> None:
    """Click in the middle of the box's "Not rated" / "Not recorded" words, then type a digit."""
    edit = spin.lineEdit()
    assert edit.text() == spin.specialValueText()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() // 3, edit.height() // 2))
    assert QApplication.focusWidget() is spin  # keys go to the box, as a person's do
    qtbot.keyClicks(spin, digit)


def test_a_rating_typed_after_a_click_into_an_empty_box_is_kept(qtbot: QtBot) -> None:
    application()
    medical = DataForm(REVIEW)
    goal = DataForm(GOALS.fields)
    grid = WellbeingGrid(lambda *_: None)
    holder = _stacked(medical, goal, grid)
    _shown(qtbot, holder)
    medical.load(MedicalReviewData())
    goal.load(GoalData(text="Walk to the shops"))
    grid.load(())
    frailty = medical.widget("frailty_score")
    importance = goal.widget("importance")
    wellbeing = grid.rows[WellbeingArea.LIFESTYLE][0]
    assert isinstance(frailty, QSpinBox) and isinstance(importance, QSpinBox)
    _click_into_words_and_type(qtbot, frailty, "5")
    _click_into_words_and_type(qtbot, importance, "6")
    _click_into_words_and_type(qtbot, wellbeing, "7")
    assert medical.apply(MedicalReviewData()).frailty_score == 5
    assert goal.apply(GoalData()).importance == 6
    assert wellbeing.value() == 7 and any(w.score == 7 for w in grid.items())


def test_the_read_only_view_shows_every_number(qtbot: QtBot) -> None:
    application()
    medical = DataForm(REVIEW)
    goal = DataForm(GOALS.fields)
    holder = _stacked(medical, goal)
    medical.load(MedicalReviewData(frailty_score=5))
    goal.load(GoalData(text="Walk to the shops", importance=6))
    make_read_only(holder)
    _shown(qtbot, holder)
    for spin, text in ((medical.widget("frailty_score"), "5"), (goal.widget("importance"), "6")):
        assert isinstance(spin, QSpinBox) and spin.text() == text
        edit = spin.lineEdit()
        qtbot.waitUntil(lambda e=edit: e.isVisible())
        # The number's text field is wide enough to show it (it was 1 pixel wide: blank on screen).
        assert edit.width() > edit.fontMetrics().horizontalAdvance(text) + 4
        assert spin.isReadOnly()


def test_a_date_typed_as_eight_digits_is_read_day_month_year(qtbot: QtBot) -> None:
    application()
    medical = DataForm(REVIEW)
    _shown(qtbot, medical)
    medical.load(MedicalReviewData())
    field = medical.widget("frailty_assessed_on")
    assert isinstance(field, QLineEdit)
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "20112025")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert medical.apply(MedicalReviewData()).frailty_assessed_on == date(2025, 11, 20)
    assert field.text() == "20/11/2025" and medical.validate() == []


def test_after_add_action_the_new_field_is_scrolled_into_view(qtbot: QtBot) -> None:
    application()
    goals = ListEditor(GOALS)
    filler = QLabel("Earlier on the page")
    filler.setMinimumHeight(500)
    page = QScrollArea()
    page.setWidgetResizable(True)
    page.setWidget(_stacked(filler, goals))
    page.resize(900, 600)
    _shown(qtbot, page)
    goals.set_items((GoalData(text="Walk to the shops", importance=6),))
    goals.select(0)
    actions = goals.form.widget("actions")
    assert isinstance(actions, ListEditor)
    page.ensureWidgetVisible(actions.add_button)
    qtbot.mouseClick(actions.add_button, Qt.MouseButton.LeftButton)
    field = _focus()
    assert actions.form.isAncestorOf(field)

    def in_view() -> bool:
        top_left = field.mapTo(page.viewport(), QPoint(0, 0))
        return page.viewport().rect().contains(QRect(top_left, field.size()))

    for _ in range(3):  # let the new item's form be laid out (it moves the field down the page)
        QApplication.processEvents()
    assert in_view()
    qtbot.keyClicks(field, "Walk to the end of the road")
    assert actions.items()[0].what == "Walk to the end of the road"
