"""Nurse walk-through of issue 10, items 4, 11 and 13: "Agree and share" when something must be put right.

The red refusal above "Agree the plan" is brought up to date when the problem is put right (on another
step or on this one) and taken away once the plan is agreed; "Go to it" scrolls the field into view;
long items in "Before you agree" wrap instead of widening the step; a must-fix item's mark is an icon
that draws, not a symbol missing from the font.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision, Zone
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.sharing import SharingStep
from tests.ui.helpers import press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

NO_PHONE = d.ContingencySection(
    plans=(
        d.ContingencyData(
            name="My heart failure",
            amber_what_i_do="I ring the district nurses.",
            red_what_i_do="I or someone with me calls 999.",
            contacts=(
                d.ContingencyContactData(zone=Zone.AMBER, name="District nurses", phone=""),
                d.ContingencyContactData(
                    zone=Zone.AMBER, name="Out of hours", role_key="out_of_hours", phone="111"
                ),
                d.ContingencyContactData(zone=Zone.RED, name="Emergency", role_key="999", phone="999"),
            ),
        ),
    )
)


def _save(ctx: AppContext, actor: Actor, person: PersonRecord, *sections: d.Section) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    for section in sections:
        ctx.services.plans.save_section(draft.id, section, actor)


def _sharing(qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord) -> SharingStep:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    review = (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    type_into(qtbot, sharing.review_edit(), review)
    return sharing


def _scroll_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert isinstance(parent, QScrollArea)
    return parent


def _in_view(widget: QWidget) -> bool:
    """The whole widget lies inside its page's visible area."""
    viewport = _scroll_of(widget).viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    bottom = top_left.y() + widget.height()
    return widget.isVisible() and top_left.y() >= 0 and bottom <= viewport.height()


def test_the_refusal_goes_once_the_problem_is_put_right_on_another_step(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    _save(ctx, actor, person, NO_PHONE)
    sharing = _sharing(qtbot, window, ctx, person)
    press(qtbot, sharing.agree_button)
    assert sharing.agree_message.isVisible()
    assert '"District nurses" in "My heart failure" has no phone number' in sharing.agree_message.text()

    press(qtbot, sharing.blocked_link)  # "Go to it": the contact's phone field
    phone = QApplication.focusWidget()
    assert isinstance(phone, QLineEdit) and window.editor.navigator.current_key() == "contingency"
    type_into(qtbot, phone, "0113 496 0200")
    window.editor.go_to("sharing")
    assert not sharing.agree_message.isVisible() and not sharing.blocked_link.isVisible()
    assert "District nurses" not in sharing.agree_message.text()
    with qtbot.waitSignal(window.agreement.finished, timeout=3000) as done:
        press(qtbot, sharing.agree_button)
    assert done.args[0].version_number == 1


def test_the_refusal_is_refreshed_as_the_problem_is_put_right_on_this_step(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    sharing = _sharing(qtbot, window, ctx, person)
    share_with = sharing.form.widget("consent_shared_with")
    type_into(qtbot, share_with, "District nurses TBC")
    press(qtbot, sharing.agree_button)
    assert sharing.agree_message.isVisible() and "blank to fill in" in sharing.agree_message.text()
    share_with.setFocus()
    qtbot.keyClicks(share_with, "\b\b\b")  # Backspace over "TBC"
    assert not sharing.agree_message.isVisible() and not sharing.blocked_link.isVisible()
    assert ctx.services.plans.latest_agreed(person.id) is None  # nothing was agreed by clearing it


def test_a_refusal_does_not_stay_on_screen_once_the_plan_is_agreed(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    sharing = _sharing(qtbot, window, ctx, person)
    press(qtbot, sharing.with_rep)
    press(qtbot, sharing.agree_button)  # refused: no representative named
    assert sharing.agree_message.isVisible()
    type_into(qtbot, sharing.rep_name, "Sam Carer")
    with qtbot.waitSignal(window.agreement.finished, timeout=3000):
        press(qtbot, sharing.agree_button)
    assert not sharing.agree_message.isVisible()


def test_go_to_it_scrolls_the_field_into_view(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    medicines = tuple(
        d.MedicineData(name=f"Medicine {n} 5mg tablets", decision=MedicineDecision.CONTINUE) for n in range(6)
    )
    medical = d.MedicalSection(
        review=d.MedicalReviewData(no_known_allergies=True),
        conditions=(d.ConditionData(term="Heart failure", snomed_code="84114007"),),
        medicines=medicines,
        allergies=(d.AllergyData(substance="Penicillin"),),
    )
    _save(ctx, actor, person, medical)
    sharing = _sharing(qtbot, window, ctx, person)
    link = next(w for w in sharing.checklist.findChildren(QPushButton) if "No known allergies" in w.text())
    press(qtbot, link)
    step = window.editor.step("medical")
    box = step.allergy_statement.widget("no_known_allergies")  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is box
    qtbot.waitUntil(lambda: _in_view(box), timeout=2000)
    assert _scroll_of(box).verticalScrollBar().value() > 0  # it was below the fold


def test_long_items_wrap_and_a_must_fix_mark_draws(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    long_blank = d.ContingencySection(
        plans=(
            d.ContingencyData(
                name="Heart failure: if I gain weight or get more breathless than usual for me",
                amber_what_i_do="If my weight has gone up by more than ___ kg (the amount agreed with my "
                "nurse) in three days, I ring the practice and ask for a same-day call back from the nurse.",
                red_what_i_do="I or someone with me calls 999.",
            ),
        )
    )
    _save(ctx, actor, person, long_blank)
    window.resize(1000, 700)
    sharing = _sharing(qtbot, window, ctx, person)

    def shown() -> list[QPushButton]:
        return [w for w in sharing.checklist.findChildren(QPushButton) if w.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == sharing.checklist_layout.count())
    links = shown()
    blocking = [w for w in links if "Must be put right before agreeing" in w.text()]
    assert blocking, [w.text() for w in links]
    scroll = _scroll_of(sharing)
    inner = scroll.widget()
    qtbot.waitUntil(  # laid out: each link and the page at least as wide as they need to be
        lambda: (
            all(w.width() >= w.minimumSizeHint().width() for w in links)
            and inner.width() >= inner.minimumSizeHint().width()
        )
    )
    assert not scroll.horizontalScrollBar().isVisible()
    assert scroll.widget().width() <= scroll.viewport().width()
    assert all(w.geometry().right() <= sharing.checklist.width() for w in links)
    long_one = max(blocking, key=lambda w: len(w.text()))
    # Every character of a must-fix line is in the font (no empty box)...
    metrics = QFontMetrics(long_one.font())
    missing = [c for c in long_one.text() if not c.isascii() and not metrics.inFontUcs4(ord(c))]
    assert missing == []
    # ...its words wrap onto more lines within the page, and its mark is an icon the style draws.
    from careplanner.ui.steps.checklist_view import WrappingLink

    assert isinstance(long_one, WrappingLink)
    assert long_one.words.height() >= 2 * long_one.fontMetrics().lineSpacing()
    pixmap = long_one.mark.pixmap()
    assert long_one.mark.isVisible() and not pixmap.isNull() and pixmap.width() >= 8
    reminders = [w for w in links if w not in blocking]
    assert reminders and all(isinstance(w, WrappingLink) for w in reminders)
    for w in reminders:
        assert w.mark.pixmap().toImage() != pixmap.toImage()  # a reminder's mark is not a must-fix one
    assert long_one.accessibleName().startswith('If things get worse, "Heart failure')
