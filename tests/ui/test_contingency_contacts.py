"""If things get worse → Who to contact: typing a contact is never interrupted, and a contact with no
phone number is marked at its phone field and stops the plan being agreed until it has one."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from types import TracebackType
from typing import cast

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import Zone
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.consultation import contact_phone_field, has_phone_number, plan_checklist
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import (
    ContingencyContactData,
    ContingencyData,
    ContingencySection,
    PlanContent,
)
from careplanner.services.users import Actor
from careplanner.ui.fields import Field
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.contingency import NO_NUMBER, ContingencyStep
from tests.ui.helpers import choose, press, type_into

# The offscreen platform cannot size a top-level window's hints; nothing a user would see.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery (synthetic)",
    ods_code="B86001",
    in_hours_phone="0113 496 0123",
    out_of_hours_phone="0113 496 0777",
)


@pytest.fixture
def raised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every exception that reaches sys.excepthook (where the app's crash dialog would show it)."""
    seen: list[str] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append(f"{kind.__name__}: {exc}")

    monkeypatch.setattr(sys, "excepthook", hook)
    return seen


def insert_copd_plan(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> ContingencyStep:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    window.editor.go_to("contingency")
    step = window.editor.step("contingency")
    assert isinstance(step, ContingencyStep)
    choose(qtbot, step.template_box, "COPD")
    press(
        qtbot,
        next(b for b in step.findChildren(type(step.plans.add_button)) if b.text() == "Insert template"),
    )
    assert len(step.plans.items()) == 1
    return step


def contacts_of(step: ContingencyStep) -> ListEditor:
    return cast(ListEditor, step.plans.form.widget("contacts"))


def nurse_row(step: ContingencyStep) -> int:
    return next(j for j, c in enumerate(contacts_of(step).items()) if c.role == "My named nurse")


def error_label(editor: ListEditor, name: str) -> QLabel:
    return editor.form.error_label(name)


@pytest.mark.gui
def test_typing_a_contact_is_kept_key_by_key_and_a_missing_number_is_marked_at_its_field(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, raised: list[str]
) -> None:
    step = insert_copd_plan(qtbot, window, person)
    contacts = contacts_of(step)
    row = nurse_row(step)
    contacts.select(row)
    phone = cast(QLineEdit, contacts.form.widget("phone"))
    # The template leaves the named nurse's number to fill in: marked at the field, in words.
    assert error_label(contacts, "phone").isVisible() and error_label(contacts, "phone").text() == NO_NUMBER
    assert phone.accessibleDescription() == NO_NUMBER and phone.property("invalid") is True
    assert "no phone number" in contacts.list.item(row).text()

    type_into(qtbot, contacts.form.widget("name"), "Jo Brennan")
    choose(qtbot, contacts.form.widget("zone"), "Red")
    assert not raised, raised  # at HEAD every key raised AttributeError (and showed the crash dialog)
    assert cast(QLineEdit, contacts.form.widget("name")).text() == "Jo Brennan"
    contact = contacts.items()[row]
    assert contact.name == "Jo Brennan" and contact.zone is Zone.RED  # the enum, not its text
    assert contacts.list.item(row).text() == "RED: Jo Brennan — no phone number"

    type_into(qtbot, phone, "0113 496 0555")
    assert not error_label(contacts, "phone").isVisible() and phone.accessibleDescription() == ""
    assert contacts.list.item(row).text() == "RED: Jo Brennan — 0113 496 0555"
    qtbot.waitUntil(lambda: not window.editor.has_pending(), timeout=3000)
    draft = ctx.services.plans.draft_of(person.id)
    assert draft is not None
    saved = draft.content.contingency.plans[0].contacts[row]
    assert (saved.name, saved.zone, saved.phone) == ("Jo Brennan", Zone.RED, "0113 496 0555")
    assert not raised, raised


@pytest.mark.gui
def test_a_contact_with_no_number_stops_agreement_and_leads_to_its_phone_field(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    person: PersonRecord,
    practice_admin: Actor,
    raised: list[str],
) -> None:
    ctx.services.practice.update(PRACTICE, practice_admin)  # practice, out-of-hours, 111 and 999 get numbers
    step = insert_copd_plan(qtbot, window, person)
    row = nurse_row(step)
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    type_into(
        qtbot, sharing.review_edit(), (ctx.services.clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    )
    press(qtbot, sharing.agree_button)
    assert ctx.services.plans.latest_agreed(person.id) is None, "agreed with a contact nobody can ring"
    assert (
        "My named nurse" in sharing.agree_message.text() and "no phone number" in sharing.agree_message.text()
    )
    layout = sharing.checklist_layout
    shown = [layout.itemAt(i).widget() for i in range(layout.count())]
    nurse_items = [w.text() for w in shown if isinstance(w, QPushButton) and "My named nurse" in w.text()]
    assert len(nurse_items) == 1 and "no phone number" in nurse_items[0], nurse_items  # in "Before you agree"
    today = ctx.services.clock.today()
    blocking = [i for i in plan_checklist(window.editor.current_content(), today) if i.blocking]
    assert [(i.field, i.index) for i in blocking] == [(contact_phone_field(row), 0)]

    press(qtbot, sharing.blocked_link)  # "Go to it"
    contacts = contacts_of(step)
    assert window.editor.navigator.current_key() == "contingency"
    assert contacts.current_index() == row
    assert QApplication.focusWidget() is contacts.form.widget("phone")
    type_into(qtbot, contacts.form.widget("phone"), "0113 496 0555")

    window.editor.go_to("sharing")
    with qtbot.waitSignal(window.agreement.finished, timeout=3000) as done:
        press(qtbot, sharing.agree_button)
    agreed = done.args[0].content.contingency.plans[0].contacts
    assert all(has_phone_number(c.phone) for c in agreed)
    assert agreed[row].phone == "0113 496 0555"
    assert not raised, raised


def _content(*contacts: ContingencyContactData) -> PlanContent:
    plans = (ContingencyData(name="My breathing plan"), ContingencyData(name="Falls", contacts=contacts))
    return PlanContent(contingency=ContingencySection(plans=plans))


def test_before_you_agree_blocks_each_contact_without_a_number() -> None:
    content = _content(
        ContingencyContactData(name="Sam", phone=""),
        ContingencyContactData(name="NHS 111", phone="111"),
        ContingencyContactData(role="My named nurse", phone="TBC"),
        ContingencyContactData(name="Surgery", phone="0113 496 0123 (8am to 6pm)"),
    )
    items = [i for i in plan_checklist(content, date(2026, 11, 30)) if "phone number" in i.message]
    assert [(i.step, i.field, i.index, i.blocking) for i in items] == [
        ("contingency", contact_phone_field(0), 1, True),
        ("contingency", contact_phone_field(2), 1, True),
    ]
    assert '"Sam" in "Falls"' in items[0].message and '"My named nurse"' in items[1].message


@dataclass(frozen=True)
class _Thing:
    name: str = ""


@pytest.mark.gui
def test_a_list_whose_label_fails_never_interrupts_typing(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, raised: list[str]
) -> None:
    """The generic list editor: whatever a list's describe does, every key lands and the label falls
    back to the first field; the fault is logged by type, never with what was typed."""
    spec = Field(
        "things",
        "Things",
        "list",
        item=_Thing,
        fields=(Field("name", "Name"),),
        describe=lambda t: t.zone.value,
    )
    editor = ListEditor(spec)
    qtbot.addWidget(editor)
    editor.show()
    press(qtbot, editor.add_button)
    with caplog.at_level(logging.ERROR, logger="careplanner"):
        type_into(qtbot, editor.form.widget("name"), "Jo Brennan")
    assert not raised, raised
    assert editor.items() == (_Thing("Jo Brennan"),)
    assert editor.list.item(0).text() == "Jo Brennan"
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert messages and all("AttributeError" in m and "Jo" not in m for m in messages)
