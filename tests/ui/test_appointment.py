"""A whole appointment, driven with the keyboard as a nurse would: find the person, fill every step,
answer a PHQ-9 with item 9 positive, agree the plan, then reopen it as a review."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import CprDecision, MedicineDecision, PlanStatus, QuestionnaireKind
from careplanner.export.sample import SAMPLE_PRACTICE
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.holistic import HolisticStep
from tests.ui.helpers import alt, answer, choose, press, type_into

# The offscreen platform cannot raise windows or grab the keyboard for the condition pick-list's popup.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_by_search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Find the person, open them (their plan to read), then Start a plan / Start review."""
    type_into(qtbot, window.people.search, text)
    qtbot.keyClick(window.people.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    assert window.editor.read_only and window.editor.mode_bar.start_button.isVisible()
    press(qtbot, window.editor.mode_bar.start_button)
    qtbot.waitUntil(lambda: not window.editor.read_only)


def next_step(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.editor.navigator, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)


def test_a_whole_appointment_then_a_review(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    person: PersonRecord,
    actor: Actor,
    practice_admin: Actor,
) -> None:
    # A set-up practice: templates fill in its numbers (a contact with no number blocks agreeing).
    ctx.services.practice.update(SAMPLE_PRACTICE, practice_admin)
    editor = window.editor
    open_by_search(qtbot, window, "testw")
    assert "TESTWELL, Ada" in editor.banner.text()
    assert editor.navigator.current_key() == "about_me"

    # 1. About me
    about = editor.step("about_me")
    type_into(qtbot, about.about.widget("what_matters"), "Seeing my grandchildren every week")  # type: ignore[attr-defined]
    type_into(qtbot, about.about.widget("how_i_communicate"), "Large print please")  # type: ignore[attr-defined]
    strengths = about.strengths  # type: ignore[attr-defined]
    alt(qtbot, strengths.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Good sense of humour")
    assert editor.navigator.states["about_me"] == "complete"

    # 2. Medical review: a condition, a medicine with a high anticholinergic burden
    next_step(qtbot, window)
    assert editor.navigator.current_key() == "medical"
    medical = editor.step("medical")
    alt(qtbot, medical.conditions.add_button, Qt.Key.Key_N)  # type: ignore[attr-defined]
    qtbot.keyClicks(QApplication.focusWidget(), "Asthma")
    alt(qtbot, medical.medicines.add_button, Qt.Key.Key_N)  # type: ignore[attr-defined]
    qtbot.keyClicks(QApplication.focusWidget(), "Amitriptyline 50mg")
    choose(qtbot, medical.medicines.form.widget("decision"), "Continue")  # type: ignore[attr-defined]
    assert "Warning" in medical.acb_label.text() and "3" in medical.acb_label.text()  # type: ignore[attr-defined]

    # 3. Holistic needs: a positive PHQ-2 offers the PHQ-9; item 9 raises the safety prompt
    next_step(qtbot, window)
    holistic = editor.step("holistic")
    assert isinstance(holistic, HolisticStep)
    phq2, phq9 = holistic.forms[QuestionnaireKind.PHQ2], holistic.forms[QuestionnaireKind.PHQ9]
    assert phq9.isHidden()
    answer(qtbot, phq2.rows[0], "More than half")
    answer(qtbot, phq2.rows[1], "More than half")
    assert "positive screen" in phq2.score_label.text().casefold()
    assert phq2.offer_button.isVisible()
    press(qtbot, phq2.offer_button)
    assert phq9.isVisible() and phq9.answers()[:2] == (2, 2)
    for row in phq9.rows[2:8]:
        answer(qtbot, row, "Not at all")
    answer(qtbot, phq9.rows[8], "Several days")  # arrowing to an answer does not raise the prompt yet
    with qtbot.waitSignal(phq9.safety_raised, timeout=1000):
        qtbot.keyClick(phq9.rows[8], Qt.Key.Key_Return)  # the answer is committed
    assert phq9.safety.isVisible() and "Ask about this today" in phq9.safety_label.text()
    assert isinstance(phq9.safety_dialog, QMessageBox) and phq9.safety_dialog.isVisible()
    assert "Score: 5 of 27" in phq9.score_label.text()
    phq9.safety_dialog.accept()
    assert holistic.safety.isVisible()  # what was done is recorded beside the prompt
    type_into(
        qtbot, holistic.safety.form.widget("safety_action"), "Asked about plans: none. GP to call today."
    )
    answer(qtbot, holistic.forms[QuestionnaireKind.GAD2].rows[0], "Not at all")
    answer(qtbot, holistic.forms[QuestionnaireKind.GAD2].rows[1], "Not at all")
    spin, note = holistic.wellbeing.rows[next(iter(holistic.wellbeing.rows))]
    type_into(qtbot, spin, "7")
    type_into(qtbot, note, "Walks the dog")
    assert editor.navigator.states["holistic"] == "complete"

    # 4. Goals and actions: a goal in the person's words, with one action
    next_step(qtbot, window)
    goals = editor.step("goals")
    alt(qtbot, goals.goals.add_button, Qt.Key.Key_N)  # type: ignore[attr-defined]
    qtbot.keyClicks(QApplication.focusWidget(), "I want to walk to the shops again")
    actions = goals.goals.form.widget("actions")  # type: ignore[attr-defined]
    alt(qtbot, actions.add_button, Qt.Key.Key_N)
    qtbot.keyClicks(QApplication.focusWidget(), "Walk to the end of the road each day")

    # 5. If things get worse: from the practice's asthma template, then in the person's words
    next_step(qtbot, window)
    contingency = editor.step("contingency")
    choose(qtbot, contingency.template_box, "Asthma")  # type: ignore[attr-defined]
    insert = next(b for b in contingency.findChildren(QPushButton) if b.text() == "Insert template")
    press(qtbot, insert)
    plans = contingency.plans  # type: ignore[attr-defined]
    assert len(plans.items()) == 1 and plans.items()[0].red_what_i_do
    type_into(qtbot, plans.form.widget("admission_wishes"), "I would rather stay at home")

    # 6. Future wishes: closed until the person wishes to talk about it
    next_step(qtbot, window)
    wishes = editor.step("future_wishes")
    assert wishes.body.isHidden()  # type: ignore[attr-defined]
    press(qtbot, wishes.wishes_check)  # type: ignore[attr-defined]
    assert wishes.body.isVisible()  # type: ignore[attr-defined]
    cpr_form = wishes.forms[3]  # type: ignore[attr-defined]
    choose(qtbot, cpr_form.widget("cpr_decision"), "For CPR")
    type_into(qtbot, wishes.forms[2].widget("preferred_place_of_care"), "At home")  # type: ignore[attr-defined]

    # 7. Agree and share: the check list points at the gaps, each link goes to its field
    next_step(qtbot, window)
    sharing = window.agreement.sharing
    links = [w.text() for w in sharing.checklist.findChildren(QPushButton)]
    assert any("CPR decision has no review date" in t for t in links)
    assert any("no review date yet" in t for t in links)
    cpr_link = next(
        w for w in sharing.checklist.findChildren(QPushButton) if "CPR decision has no" in w.text()
    )
    press(qtbot, cpr_link)
    assert editor.navigator.current_key() == "future_wishes"
    assert QApplication.focusWidget() is cpr_form.widget("cpr_review_date")
    qtbot.keyClicks(QApplication.focusWidget(), "01/06/2027")
    qtbot.keyClick(window.editor.navigator, Qt.Key.Key_A, CTRL_SHIFT)
    assert editor.navigator.current_key() == "sharing"
    sharing_suggest = next(
        b for b in sharing.findChildren(QPushButton) if b.text() == "Suggest a review date"
    )
    press(qtbot, sharing_suggest)
    suggested = sharing.form.value_of("review_date", None)
    assert suggested is not None and suggested > ctx.services.clock.today()
    assert "3 months" in sharing.suggestion.text()  # ACB 3 and thoughts of self-harm: high need
    choose(qtbot, sharing.form.widget("consent_to_share"), "Yes")
    type_into(qtbot, sharing.form.widget("consent_shared_with"), "District nurses")
    # Agree refuses while a contact has no number, says so, and its link goes to the phone field.
    press(qtbot, sharing.agree_button)
    assert "cannot be agreed yet" in sharing.agree_message.text() and sharing.blocked_link.isVisible()
    assert ctx.services.plans.latest_agreed(person.id) is None
    press(qtbot, sharing.blocked_link)
    assert editor.navigator.current_key() == "contingency"
    qtbot.keyClicks(QApplication.focusWidget(), "0113 496 0500")
    qtbot.keyClick(window.editor.navigator, Qt.Key.Key_A, CTRL_SHIFT)
    with qtbot.waitSignal(window.agreement.finished, timeout=3000) as agreed:
        press(qtbot, sharing.agree_button)
    version = agreed.args[0]
    assert version.status is PlanStatus.AGREED and version.version_number == 1
    assert window.stack.currentWidget() is window.people

    # What the store holds is what was typed.
    content = ctx.services.plans.latest_agreed(person.id).content  # type: ignore[union-attr]
    assert content.about_me.about.what_matters == "Seeing my grandchildren every week"
    assert content.about_me.strengths[0].text == "Good sense of humour"
    assert content.medical.conditions[0].term == "Asthma"
    assert content.medical.medicines[0].decision is MedicineDecision.CONTINUE
    phq9_saved = next(q for q in content.holistic.questionnaires if q.kind is QuestionnaireKind.PHQ9)
    assert phq9_saved.safety_flag and phq9_saved.total == 5
    assert content.goals.goals[0].actions[0].what == "Walk to the end of the road each day"
    assert content.contingency.plans[0].admission_wishes == "I would rather stay at home"
    assert content.future_wishes.wishes.cpr_decision is CprDecision.FOR_CPR
    assert content.future_wishes.wishes.cpr_review_date == date(2027, 6, 1)
    assert content.sharing.sharing.review_date == suggested
    assert content.sharing.sharing.consent_to_share is True

    # Reopen: a review draft carried forward, with last time's goals asking for their outcome first.
    window.people.search.clear()
    open_by_search(qtbot, window, "Ada")
    assert "Review of the plan agreed on" in editor.banner.text()
    about, goals = editor.step("about_me"), editor.step("goals")  # built again after the read-only view
    assert about.about.value_of("what_matters", "") == "Seeing my grandchildren every week"  # type: ignore[attr-defined]
    assert "No changes since the last agreed plan" in editor.changes["about_me"].text()
    editor.go_to("goals")
    assert goals.outcomes.isVisible()  # type: ignore[attr-defined]
    _lineage, status, outcome = goals.outcome_rows[0]  # type: ignore[attr-defined]
    with qtbot.waitSignal(editor.saved, timeout=3000):
        choose(qtbot, status, "Achieved")
        type_into(qtbot, outcome, "Walked to the shops twice")
    assert "Changed: I want to walk to the shops again" in editor.changes["goals"].text()
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None and draft.content.goals.goals[0].outcome == "Walked to the shops twice"
