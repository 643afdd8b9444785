"""Issue 12: questionnaire answers are one click each (option buttons in a row), and keyboard-friendly:
Tab from question to question, the arrow keys along a question's options. Scores and the PHQ-9
question 9 safety prompt are unchanged (tests/ui/test_review_honesty.py, tests/ui/test_appointment.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaires import score_questionnaire
from careplanner.ui.main import application
from careplanner.ui.questionnaire_form import QuestionnaireForm
from careplanner.ui.radio_questionnaire import AnswerRow
from tests.ui.helpers import click_answer

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _form(qtbot: QtBot, kind: QuestionnaireKind) -> QuestionnaireForm:
    application()
    form = QuestionnaireForm(kind)
    qtbot.addWidget(form)
    form.resize(900, 900)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    return form


def _focused_row(form: QuestionnaireForm) -> int:
    focus = QApplication.focusWidget()
    return next(i for i, row in enumerate(form.rows) if focus in row.radios)


def test_each_answer_is_one_click_and_the_score_follows(qtbot: QtBot) -> None:
    form = _form(qtbot, QuestionnaireKind.PHQ9)
    clicks = ["More than half", "Several days", "Nearly every day", "Not at all"] * 2
    for row, text in zip(form.rows[:8], clicks, strict=True):
        click_answer(qtbot, row, text)
    assert form.answers() == (2, 1, 3, 0, 2, 1, 3, 0, None)
    assert "Score so far: 12" in form.score_label.text()
    assert form.safety_dialog is None
    # Question 9 by one click too: a click is a committed answer, so the safety prompt comes up.
    with qtbot.waitSignal(form.safety_raised, timeout=1000):
        click_answer(qtbot, form.rows[8], "Several days")
    assert form.answers()[8] == 1
    expected = score_questionnaire(QuestionnaireKind.PHQ9, form.answers())
    assert f"Score: {expected.total} of 27" in form.score_label.text() and expected.total == 13
    assert isinstance(form.safety_dialog, QMessageBox) and form.safety_dialog.isVisible()
    form.safety_dialog.accept()


def test_tab_goes_from_question_to_question_and_arrows_along_the_options(qtbot: QtBot) -> None:
    form = _form(qtbot, QuestionnaireKind.GAD7)
    first = form.rows[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert _focused_row(form) == 0
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # type: ignore[arg-type]
    assert first.value() == 1 and QApplication.focusWidget() is first.radios[1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)  # type: ignore[arg-type]
    assert first.value() == 0
    # One Tab stop a question: Tab goes to the next question, not the next option.
    for expected in range(1, 4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # type: ignore[arg-type]
        assert _focused_row(form) == expected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # type: ignore[arg-type]
    assert _focused_row(form) == 2
    # A digit picks the option worth that many points; Delete takes the answer back.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)  # type: ignore[arg-type]
    assert form.rows[2].value() == 3 and form.rows[2].current_text().startswith("Nearly every day")
    assert form.answers()[:3] == (0, None, 3)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)  # type: ignore[arg-type]
    assert form.rows[2].value() is None and form.answers()[:3] == (0, None, None)


def test_clear_takes_back_a_mistaken_click(qtbot: QtBot) -> None:
    form = _form(qtbot, QuestionnaireKind.UCLA3)
    row: AnswerRow = form.rows[1]
    assert row.clear_button.isHidden()
    click_answer(qtbot, row, row.radios[2].text())
    assert row.value() is not None and row.clear_button.isVisible()
    qtbot.mouseClick(row.clear_button, Qt.MouseButton.LeftButton)
    assert row.value() is None and all(not r.isChecked() for r in row.radios)
    assert form.answers() == (None, None, None) and "not started" in form.score_label.text()
