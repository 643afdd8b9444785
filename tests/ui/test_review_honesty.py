"""Issue 10, defects 2 and 3 in the real widgets: a review shows last time's answers beside today's blank
ones, the navigator says what was done today, the item 9 prompt waits for a committed answer, and Agree
refuses while item 9 is positive with nothing recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import QuestionnaireKind, WellbeingArea
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.step_states import agreed_day
from careplanner.ui.steps.holistic import HolisticStep
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.helpers import answer, choose, press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

LAST_HOLISTIC = d.HolisticSection(
    review=d.HolisticData(social_context="Lives with her son"),
    questionnaires=(
        d.QuestionnaireData(QuestionnaireKind.PHQ2, (2, 1), 3, "positive"),
        d.QuestionnaireData(QuestionnaireKind.PHQ9, (2, 1, 1, 1, 1, 1, 1, 0, 1), 9, "mild", True),
        d.QuestionnaireData(QuestionnaireKind.GAD2, (0, 0), 0, "negative"),
    ),
    wellbeing=(d.WellbeingData(WellbeingArea.MONEY, 4, "Tight this winter"),),
)
LAST_MEDICAL = d.MedicalSection(
    review=d.MedicalReviewData(frailty_score=5, frailty_assessed_on=date(2026, 5, 1), notes="Fell in March"),
    conditions=(d.ConditionData(term="Heart failure", snomed_code="84114007"),),
)
LAST_ABOUT = d.AboutMeSection(about=d.AboutMeData(what_matters="My garden", how_i_communicate="Speak slowly"))


def _agree_last_time(ctx: AppContext, actor: Actor, person: PersonRecord) -> d.PlanVersion:
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    for section in (LAST_ABOUT, LAST_MEDICAL, LAST_HOLISTIC):
        plans.save_section(draft.id, section, actor)
    return plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90))


def _open(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)


def _holistic(window: MainWindow) -> HolisticStep:
    window.editor.go_to("holistic")
    step = window.editor.step("holistic")
    assert isinstance(step, HolisticStep)
    return step


def test_review_shows_last_time_beside_blank_answers(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    agreed = _agree_last_time(ctx, actor, person)
    _open(qtbot, window, person)
    when = agreed_day(agreed)
    assert when is not None
    day = when.strftime("%d/%m/%Y")
    holistic = _holistic(window)
    phq2 = holistic.forms[QuestionnaireKind.PHQ2]
    assert phq2.answers() == (None, None)  # today's answers start blank
    assert phq2.score_label.text() == "Score: not started"
    assert phq2.last_time_labels[0].isVisible()
    assert phq2.last_time_labels[0].text() == f"Last time ({day}): More than half the days (2)"
    assert phq2.last_time_labels[1].text() == f"Last time ({day}): Several days (1)"
    # The full PHQ-9 stays hidden until wanted, so its result (with question 9) shows under the PHQ-2.
    summary = phq2.last_time_summary.text()
    assert "PHQ-9" in summary and "9 of 27" in summary
    assert "question 9 (thoughts of self-harm): Several days (1)" in summary
    spin, _note = holistic.wellbeing.rows[WellbeingArea.MONEY]
    assert spin.value() == 0
    assert holistic.wellbeing.last_time[WellbeingArea.MONEY].text() == (
        f'Last time ({day}): 4 out of 10, "Tight this winter"'
    )
    window.editor.go_to("medical")
    medical = window.editor.step("medical")
    assert isinstance(medical, MedicalStep)
    assert medical.review.value_of("frailty_score", 0) is None
    assert medical.review.value_of("notes", "x") == ""
    assert medical.last_time.isVisible()
    assert f"Last time ({day}): Clinical Frailty Scale 5 (living with mild frailty), assessed 01/05/2026" in (
        medical.last_time.text()
    )
    assert f"Last time ({day}): notes from the review: Fell in March" in medical.last_time.text()


def test_step_marks_say_what_was_done_today(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    _agree_last_time(ctx, actor, person)
    _open(qtbot, window, person)
    nav = window.editor.navigator
    assert nav.states["about_me"] == "carried"
    assert "carried forward" in nav.item(0).text()
    assert nav.states["goals"] == "empty" and "not started" in nav.item(3).text()
    assert nav.states["sharing"] != "complete"
    # Changing a step today says so.
    about = window.editor.step("about_me")
    type_into(qtbot, about.about.widget("what_matters"), " and my dog")  # type: ignore[attr-defined]
    assert nav.states["about_me"] == "reviewed"
    assert "reviewed today" in nav.item(0).text()
    # One answered item does not make the holistic step complete.
    holistic = _holistic(window)
    answer(qtbot, holistic.forms[QuestionnaireKind.PHQ2].rows[0], "Not at all")
    answer(qtbot, holistic.forms[QuestionnaireKind.GAD2].rows[0], "Not at all")
    type_into(qtbot, holistic.wellbeing.rows[WellbeingArea.MONEY][0], "5")
    assert nav.states["holistic"] == "started"
    answer(qtbot, holistic.forms[QuestionnaireKind.PHQ2].rows[1], "Not at all")
    answer(qtbot, holistic.forms[QuestionnaireKind.GAD2].rows[1], "Not at all")
    assert nav.states["holistic"] == "reviewed"


def test_agree_and_share_is_never_complete_before_agreeing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    _open(qtbot, window, person)
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    type_into(
        qtbot, sharing.review_edit(), (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    )
    choose(qtbot, sharing.form.widget("consent_to_share"), "Yes")
    assert window.editor.navigator.states["sharing"] == "started"
    assert "complete" not in window.editor.navigator.item(6).text()


def _phq9_to_item_9(qtbot: QtBot, holistic: HolisticStep) -> None:
    holistic.show_full(QuestionnaireKind.PHQ9)
    phq9 = holistic.forms[QuestionnaireKind.PHQ9]
    for row in phq9.rows[:8]:
        answer(qtbot, row, "Not at all")


def test_arrowing_past_an_answer_does_not_raise_the_prompt(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    _open(qtbot, window, person)
    holistic = _holistic(window)
    _phq9_to_item_9(qtbot, holistic)
    phq9 = holistic.forms[QuestionnaireKind.PHQ9]
    raised: list[bool] = []
    phq9.safety_raised.connect(lambda: raised.append(True))
    item9 = phq9.rows[8]
    item9.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(item9, Qt.Key.Key_Down)  # Not at all
    qtbot.keyClick(item9, Qt.Key.Key_Down)  # Several days: passed over
    qtbot.keyClick(item9, Qt.Key.Key_Down)  # More than half the days: passed over
    assert item9.current_text().startswith("More than half") and raised == []
    qtbot.keyClick(item9, Qt.Key.Key_Up)
    qtbot.keyClick(item9, Qt.Key.Key_Up)  # settles on Not at all
    assert item9.value() == 0
    qtbot.keyClick(item9, Qt.Key.Key_Tab)  # leaves the question with "Not at all"
    assert QApplication.focusWidget() not in item9.radios  # the cursor left the question
    assert raised == [] and phq9.safety_dialog is None


@pytest.mark.parametrize("commit", [Qt.Key.Key_Return, Qt.Key.Key_Tab], ids=["return", "tab"])
def test_an_answer_given_by_keyboard_raises_the_prompt(
    qtbot: QtBot, window: MainWindow, person: PersonRecord, commit: Qt.Key
) -> None:
    _open(qtbot, window, person)
    holistic = _holistic(window)
    _phq9_to_item_9(qtbot, holistic)
    phq9 = holistic.forms[QuestionnaireKind.PHQ9]
    item9 = phq9.rows[8]
    item9.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(item9, Qt.Key.Key_Down)
    qtbot.keyClick(item9, Qt.Key.Key_Down)  # Several days
    with qtbot.waitSignal(phq9.safety_raised, timeout=1000):
        qtbot.keyClick(item9, commit)
    assert isinstance(phq9.safety_dialog, QMessageBox) and phq9.safety_dialog.isVisible()
    phq9.safety_dialog.accept()
    assert holistic.safety.isVisible()  # the record of what was done sits beside the prompt
    assert "Samaritans 116 123" in holistic.safety.numbers_text.text()
    assert "NHS 111, option 2" in holistic.safety.numbers_text.text()


def test_agree_refuses_while_item_9_has_no_action_recorded(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    _open(qtbot, window, person)
    holistic = _holistic(window)
    _phq9_to_item_9(qtbot, holistic)
    phq9 = holistic.forms[QuestionnaireKind.PHQ9]
    answer(qtbot, phq9.rows[8], "Nearly every day")
    qtbot.keyClick(phq9.rows[8], Qt.Key.Key_Return)
    assert phq9.safety_dialog is not None
    phq9.safety_dialog.accept()
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    type_into(
        qtbot, sharing.review_edit(), (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    )
    press(qtbot, sharing.agree_button)
    assert "The plan cannot be agreed yet" in sharing.agree_message.text()
    assert "what was asked and done is not recorded" in sharing.agree_message.text()
    assert sharing.blocked_link.isVisible()
    assert ctx.services.plans.latest_agreed(person.id) is None
    # The link goes to the field; once what was done is recorded, Agree goes through.
    press(qtbot, sharing.blocked_link)
    assert window.editor.navigator.current_key() == "holistic"
    action = holistic.safety.form.widget("safety_action")
    assert QApplication.focusWidget() is action
    qtbot.keyClicks(action, "Asked about plans and intent: none. GP to ring today.")
    press(qtbot, holistic.safety.numbers)
    window.editor.go_to("sharing")
    with qtbot.waitSignal(window.agreement.finished, timeout=3000) as done:
        press(qtbot, sharing.agree_button)
    review = done.args[0].content.holistic.review
    assert review.safety_action == "Asked about plans and intent: none. GP to ring today."
    assert review.safety_numbers_given.startswith("NHS 111, option 2 (mental health); Samaritans 116 123")
