"""Agree and share: a representative must be named, a declined plan is recorded, and once agreed the
person's copy is offered for printing straight away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.services.people import PersonRecord
from careplanner.ui.main_window import MainWindow
from tests.ui.helpers import press, type_into

# The offscreen platform cannot size the pop-up message box; nothing a user would see.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class Documents:
    """Stands in for ui.printing's actions and records what was asked for."""

    def __init__(self, window: MainWindow) -> None:
        self.window, self.calls = window, []

    def print_person_copy(self) -> None:
        editor = self.window.editor
        self.calls.append(("print", editor.person.id if editor.person else None))

    def save_person_copy(self) -> None:
        self.calls.append(("pdf", None))


def open_sharing(qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("sharing")
    review = (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    type_into(qtbot, window.agreement.sharing.review_edit(), review)


def test_a_representative_must_be_named(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    open_sharing(qtbot, window, ctx, person)
    sharing = window.agreement.sharing
    press(qtbot, sharing.with_rep)
    press(qtbot, sharing.agree_button)
    assert "name of the person's representative" in sharing.agree_message.text()
    assert QApplication.focusWidget() is sharing.rep_name
    assert ctx.services.plans.latest_agreed(person.id) is None
    type_into(qtbot, sharing.rep_name, "Sam Carer")
    with qtbot.waitSignal(window.agreement.finished, timeout=2000) as done:
        press(qtbot, sharing.agree_button)
    assert done.args[0].representative_name == "Sam Carer"


def test_declining_a_written_plan_is_recorded(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    open_sharing(qtbot, window, ctx, person)
    sharing = window.agreement.sharing
    type_into(qtbot, sharing.decline_reason, "Prefers to talk it through")
    with qtbot.waitSignal(window.agreement.finished, timeout=2000) as done:
        press(qtbot, sharing.decline_button)
    assert done.args[0].status is PlanStatus.DECLINED
    assert ctx.services.people.get(person.id).summary.declined_written_plan


def test_the_persons_copy_is_offered_once_agreed(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    documents = Documents(window)
    window.documents = documents
    open_sharing(qtbot, window, ctx, person)
    with qtbot.waitSignal(window.agreement.finished, timeout=2000):
        press(qtbot, window.agreement.sharing.agree_button)
    offer = window.print_offer
    assert isinstance(offer, QMessageBox) and offer.isVisible()
    print_button = next(b for b in offer.buttons() if b.text() == "Print…")
    print_button.click()
    assert documents.calls == [("print", person.id)]
    assert window.stack.currentWidget() is window.people
