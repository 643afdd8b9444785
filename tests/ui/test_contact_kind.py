"""Nurse walk-through of issue 10, item 10: the kind of a contingency contact is picked from a list in
plain words ("Named nurse", not "named_nurse"); the stored value stays the same string, "none or other"
stores nothing, and a value the list does not know (from an import) is kept as it is."""

from __future__ import annotations

from typing import cast

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import ContactRole, Zone
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.contingency import ContingencyStep
from tests.ui.helpers import choose, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

PLAN = d.ContingencyData(
    name="My breathing plan",
    red_what_i_do="I or someone with me calls 999.",
    contacts=(
        d.ContingencyContactData(
            zone=Zone.AMBER, name="Jo Brennan", role_key="named_nurse", phone="0113 496 0555"
        ),
        d.ContingencyContactData(zone=Zone.AMBER, name="Pharmacy", role_key="", phone="0113 496 0777"),
        d.ContingencyContactData(
            zone=Zone.AMBER, name="Respiratory team", role_key="resp_team", phone="0113 4960"
        ),
    ),
)


def _contacts(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> ListEditor:
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(draft.id, d.ContingencySection(plans=(PLAN,)), actor)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.person is not None)
    window.editor.go_to("contingency")
    step = cast(ContingencyStep, window.editor.step("contingency"))
    step.plans.select(0)
    return cast(ListEditor, step.plans.form.widget("contacts"))


def test_the_kind_of_contact_is_a_pick_list_in_plain_words(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    contacts = _contacts(qtbot, window, ctx, actor, person)
    kind = contacts.form.widget("role_key")
    assert isinstance(kind, QComboBox)
    shown = [kind.itemText(i) for i in range(kind.count())]
    assert "_" not in "".join(shown) and "Named nurse" in shown and "NHS 111" in shown
    assert shown[0] == "None of these, or other"
    assert {kind.itemData(i) for i in range(1, len(ContactRole) + 1)} == {r.value for r in ContactRole}
    labels = [f.label for f in contacts.form.fields]
    assert "Kind of contact" in labels and not any("out_of_hours" in label for label in labels)

    contacts.select(0)
    assert kind.currentText() == "Named nurse"
    contacts.select(1)
    assert kind.currentText() == "None of these, or other"
    choose(qtbot, kind, "Community (district) nurses")
    stored = contacts.items()[1].role_key
    assert stored == "community_nurses" and type(stored) is str
    choose(qtbot, kind, "None of these, or other")
    assert contacts.items()[1].role_key == ""

    # An unknown value from an import is shown as it is and kept while other fields are edited.
    contacts.select(2)
    assert kind.currentText() == "resp_team"
    type_into(qtbot, cast(QLineEdit, contacts.form.widget("phone")), "111")
    assert contacts.items()[2].role_key == "resp_team"
    contacts.select(0)  # and it does not linger in the list for the other contacts
    assert kind.findData("resp_team") < 0 and kind.currentText() == "Named nurse"

    window.editor.flush()
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None
    assert [c.role_key for c in draft.content.contingency.plans[0].contacts] == [
        "named_nurse",
        "",
        "resp_team",
    ]
