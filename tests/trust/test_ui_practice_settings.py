"""Tools → Practice settings: an administrator sets the numbers every plan prints, including the local
mental health crisis team; a wrong number is marked at its field and nothing is saved; nurses do not
get it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.audit import Action
from careplanner.services.errors import NotAllowedError
from careplanner.services.users import Actor
from careplanner.ui.practice_dialog import PracticeSettingsDialog
from careplanner.ui.trust import Trust
from tests.trust.test_ui_accounts import add, admin, sign_in, trust

__all__ = ["admin", "trust"]

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

START = PracticeSettings("Riverside Surgery", "B86999", "0113 496 0123", "0113 496 0999")


def _dialog(qtbot: QtBot, trust: Trust) -> PracticeSettingsDialog:
    dialog = trust.show_practice()
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_the_crisis_team_number_is_set_checked_and_audited(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    ctx.services.practice.update(START, admin)
    sign_in(trust, "ada")
    assert trust.actions["practice"].isVisible()
    dialog = _dialog(qtbot, trust)
    assert dialog.fields["in_hours_phone"].text() == "0113 496 0123"

    crisis = dialog.fields["crisis_team_phone"]
    qtbot.keyClicks(crisis, "0800 12")  # a digit short of anything ringable
    dialog.save_button.click()
    assert dialog.isVisible() and crisis.property("invalid") is True
    assert not dialog.errors["crisis_team_phone"].isHidden()
    assert ctx.services.practice.get() == START

    crisis.clear()
    qtbot.keyClicks(crisis, "0800 952 1181")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert not dialog.isVisible()
    saved = ctx.services.practice.get()
    assert saved is not None and saved.crisis_team_phone == "0800 952 1181"
    assert saved.in_hours_phone == START.in_hours_phone
    assert ctx.services.audit.entries(limit=1)[0].action == Action.SETTINGS_CHANGED


def test_a_nurse_does_not_get_practice_settings(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    nurse = add(ctx, admin, "nia", UserRole.NURSE)
    sign_in(trust, "nia")
    assert not trust.actions["practice"].isVisible()
    assert trust.show_practice() is None
    with pytest.raises(NotAllowedError):
        PracticeSettingsDialog(ctx.services, nurse)
