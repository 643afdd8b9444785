""" "Before you agree" follows every edit on the Agree and share step: a review date typed in the past shows
at once, and a suggested review date clears it at once, not only after leaving the step (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.checklist_view import WrappingLink
from tests.ui.helpers import press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

PAST = "The review date is in the past."


def _shown(window: MainWindow) -> list[str]:
    links = window.agreement.sharing.checklist.findChildren(WrappingLink)
    return [link.text() for link in links if not link.isHidden()]


def test_the_check_list_follows_the_review_date(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    assert not any(PAST in text for text in _shown(window))

    past = ctx.services.clock.today() - timedelta(days=3)
    type_into(qtbot, sharing.review_edit(), past.strftime("%d/%m/%Y"))
    qtbot.waitUntil(lambda: any(PAST in text for text in _shown(window)), timeout=2000)

    press(qtbot, sharing.suggest_button)
    qtbot.waitUntil(lambda: sharing.suggestion.text() != "", timeout=2000)
    assert window.editor.navigator.current_key() == "sharing"  # still on the step
    assert not any(PAST in text for text in _shown(window))
