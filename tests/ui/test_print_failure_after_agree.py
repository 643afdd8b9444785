"""A failure while printing the copy just agreed never leaves the agreed plan on screen as a draft.

Found walking an appointment: printing failed, the window stayed on the plan with "Agree the plan" and
"Saved", and what the nurse typed next was lost without a word.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.ui.main_window import MainWindow
from tests.ui.helpers import press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class BrokenPrinter:
    """Printing that fails, as a printer or a renderer can."""

    def print_person_copy(self) -> None:
        raise OSError("the printer went away")

    def save_person_copy(self) -> None:
        raise OSError("the disk is full")


@pytest.mark.parametrize("choice", ["Print…", "Save as PDF…"])
def test_a_failed_print_after_agreeing_goes_back_to_the_list(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, choice: str
) -> None:
    window.documents = BrokenPrinter()  # type: ignore[assignment]
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("sharing")
    review = (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    type_into(qtbot, window.agreement.sharing.review_edit(), review)
    with qtbot.waitSignal(window.agreement.finished, timeout=2000):
        press(qtbot, window.agreement.sharing.agree_button)
    offer = window.print_offer
    assert isinstance(offer, QMessageBox) and offer.isVisible()
    button = next(b for b in offer.buttons() if b.text() == choice)
    with qtbot.capture_exceptions() as raised:
        button.click()
    assert [type(e[1]) for e in raised] == [OSError]  # reported, as every unexpected error is
    assert window.stack.currentWidget() is window.people
    assert ctx.services.plans.latest_agreed(person.id) is not None
