"""People who may not edit plans (read-only accounts, administrators) open a person and see the plan:
the agreed version, readable, printable, and impossible to change from the editor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.services import plan_data as d
from careplanner.services.audit import Action
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.users import Actor
from careplanner.ui import printing
from careplanner.ui.editor import AUTOSAVE_MS
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from careplanner.ui.steps.about_me import AboutMeStep
from careplanner.ui.steps.medical import MedicalStep
from careplanner.ui.worker import Worker
from tests.conftest import make_person
from tests.ui.helpers import alt, type_into

pytestmark = pytest.mark.gui

WHAT_MATTERS = "Seeing my grandchildren every Sunday"


@pytest.fixture
def agreed(ctx: AppContext, actor: Actor) -> PersonRecord:
    """A person with an agreed plan (about me, a medicine, a goal) and no draft."""
    services = ctx.services
    person = services.people.create(make_person(first_name="Ada", family_name="Testwell"), actor)
    draft = services.plans.start_draft(person.id, actor)
    services.plans.save_section(
        draft.id, d.AboutMeSection(about=d.AboutMeData(what_matters=WHAT_MATTERS)), actor
    )
    medicine = d.MedicineData(name="Amitriptyline 10 mg", dose="One at night")
    services.plans.save_section(draft.id, d.MedicalSection(medicines=(medicine,)), actor)
    services.plans.save_section(
        draft.id, d.GoalsSection(goals=(d.GoalData(text="Walk to the shops"),)), actor
    )
    services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
    return person


def _account(ctx: AppContext, actor: Actor, role: UserRole, username: str) -> Actor:
    return ctx.services.users.create(
        username=username, display_name=f"Test {username}", role=role, actor=actor
    )


@pytest.fixture
def reader(ctx: AppContext, actor: Actor) -> Actor:
    return _account(ctx, actor, UserRole.READ_ONLY, "rory")


def _window(qtbot: QtBot, ctx: AppContext, session: UserSession) -> MainWindow:
    application()
    QSettings().clear()
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


@pytest.fixture
def reader_window(qtbot: QtBot, ctx: AppContext, reader: Actor) -> Iterator[MainWindow]:
    win = _window(qtbot, ctx, UserSession(reader))
    yield win
    win.save_now()


def _open(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(
        lambda: (
            window.stack.currentWidget() is window.editor
            and window.editor.person is not None
            and window.editor.person.id == person.id
        )
    )


def _plan_changes(ctx: AppContext, person: PersonRecord) -> int:
    return len(ctx.services.audit.entries(person_id=person.id, action=Action.PLAN_CHANGED))


def _writable_inputs(window: MainWindow) -> list[str]:
    """Every input in the built steps that a user could still change, by accessible name."""
    found: list[str] = []
    for widget in window.editor.pages.findChildren(QWidget):
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QAbstractSpinBox)) and not widget.isReadOnly():
            found.append(widget.accessibleName() or type(widget).__name__)
        elif isinstance(widget, (QComboBox, QCheckBox, QRadioButton)) and widget.isEnabled():
            found.append(widget.accessibleName() or widget.objectName() or type(widget).__name__)
        elif isinstance(widget, QPushButton) and widget.isVisibleTo(window) and widget.isEnabled():
            found.append(widget.text())
    return found


@pytest.mark.parametrize("role", [UserRole.READ_ONLY, UserRole.ADMIN])
def test_a_reader_sees_the_agreed_plan_and_nothing_can_change_it(
    qtbot: QtBot, ctx: AppContext, actor: Actor, agreed: PersonRecord, role: UserRole
) -> None:
    viewer = _account(ctx, actor, role, f"viewer-{role.value}")
    window = _window(qtbot, ctx, UserSession(viewer))
    before = ctx.services.plans.latest_agreed(agreed.id)
    assert before is not None
    changes_before = _plan_changes(ctx, agreed)

    _open(qtbot, window, agreed)
    editor = window.editor
    assert editor.read_only
    assert editor.notice.isVisible()
    assert "Read-only: you can view and print this plan" in editor.notice.text()
    assert window.save_label.text() == "Read-only"
    opened = ctx.services.audit.entries(person_id=agreed.id, action=Action.PERSON_OPENED)
    assert opened[0].user_id == viewer.id

    about = cast(AboutMeStep, editor.step("about_me"))
    field = cast(QPlainTextEdit, about.about.widget("what_matters"))
    assert field.toPlainText() == WHAT_MATTERS
    assert field.isReadOnly() and field.isEnabled()  # readable and selectable, not greyed out
    assert field.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    # Try to change it, as a person at the keyboard would.
    type_into(qtbot, field, "xyz")
    assert field.toPlainText() == WHAT_MATTERS
    assert not about.strengths.add_button.isVisible()
    alt(qtbot, about.strengths.list, Qt.Key.Key_N)  # the list's "add" shortcut
    assert about.strengths.items() == ()

    medical = cast(MedicalStep, editor.step("medical"))
    editor.go_to("medical")
    assert [m.name for m in medical.medicines.items()] == ["Amitriptyline 10 mg"]
    medical.medicines.list.setFocus()
    qtbot.keyClick(medical.medicines.list, Qt.Key.Key_Delete)
    assert len(medical.medicines.items()) == 1
    dose = cast(QLineEdit, medical.medicines.form.widget("dose"))
    type_into(qtbot, dose, "two")
    assert dose.text() == "One at night"

    for key in SECTION_TYPES:
        editor.go_to(key)
    assert _writable_inputs(window) == []

    qtbot.wait(AUTOSAVE_MS + 200)  # longer than autosave waits
    window.save_now()
    after = ctx.services.plans.latest_agreed(agreed.id)
    assert after is not None and after.revision == before.revision and after.content == before.content
    assert _plan_changes(ctx, agreed) == changes_before
    assert ctx.services.plans.draft_of(agreed.id) is None  # viewing never starts a draft


def test_the_agree_step_says_who_agreed_and_when(
    qtbot: QtBot, reader_window: MainWindow, ctx: AppContext, actor: Actor, agreed: PersonRecord
) -> None:
    _open(qtbot, reader_window, agreed)
    reader_window.editor.go_to("sharing")
    sharing = reader_window.agreement.sharing
    plan = ctx.services.plans.latest_agreed(agreed.id)
    assert plan is not None and plan.agreed_at is not None
    note = sharing.agreed_note.text()
    assert sharing.agreed_note.isVisible()
    assert actor.display_name in note and "Version 1" in note and "with the person" in note
    assert plan.agreed_at.astimezone().strftime("%d/%m/%Y") in note
    assert not sharing.agree_button.isVisible() and not sharing.decline_button.isVisible()
    assert not sharing.checklist_box.isVisible()


def test_a_reader_can_save_the_persons_copy_as_pdf(
    qtbot: QtBot,
    reader_window: MainWindow,
    ctx: AppContext,
    reader: Actor,
    agreed: PersonRecord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = printing.install(reader_window, ctx.services, reader_window.session)
    _open(qtbot, reader_window, agreed)
    target = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    documents.actions["pdf"].trigger()
    assert target.read_bytes().startswith(b"%PDF")
    printed = ctx.services.audit.entries(person_id=agreed.id, action=Action.PRINTED)
    assert len(printed) == 1 and printed[0].user_id == reader.id


def test_a_person_with_no_plan_opens_empty_with_a_plain_message(
    qtbot: QtBot, reader_window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    person = ctx.services.people.create(make_person(first_name="Bea", family_name="Newcombe"), actor)
    _open(qtbot, reader_window, person)
    editor = reader_window.editor
    assert editor.read_only and editor.plan is None
    assert "No plan has been written for this person yet." in editor.notice.text()
    about = cast(AboutMeStep, editor.step("about_me"))
    assert about.about.widget("what_matters").isVisible()
    assert ctx.services.plans.history(person.id) == []  # nothing was started


def test_a_reader_sees_a_draft_when_nothing_is_agreed(
    qtbot: QtBot, reader_window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    person = ctx.services.people.create(make_person(first_name="Cal", family_name="Draftley"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(
        draft.id, d.AboutMeSection(about=d.AboutMeData(what_matters="Tea")), actor
    )
    _open(qtbot, reader_window, person)
    editor = reader_window.editor
    assert editor.plan is not None and editor.plan.id == draft.id
    assert "draft that has not been agreed" in editor.notice.text()
    about = cast(AboutMeStep, editor.step("about_me"))
    assert cast(QPlainTextEdit, about.about.widget("what_matters")).toPlainText() == "Tea"


def test_switching_user_reopens_the_plan_in_their_mode(
    qtbot: QtBot, ctx: AppContext, actor: Actor, reader: Actor, agreed: PersonRecord
) -> None:
    session = UserSession(actor)
    window = _window(qtbot, ctx, session)
    _open(qtbot, window, agreed)
    editor = window.editor
    assert not editor.read_only and not editor.notice.isVisible()
    draft_id = editor.plan.id if editor.plan else ""
    about = cast(AboutMeStep, editor.step("about_me"))
    type_into(qtbot, cast(QPlainTextEdit, about.about.widget("people_important")), "My sister")

    session.sign_in(reader)  # before the autosave timer fires: the typing is saved as the clinician
    qtbot.waitUntil(lambda: editor.read_only)
    assert editor.plan is not None and editor.plan.version_number == 1  # the agreed version, not the draft
    assert editor.notice.isVisible()
    changed = ctx.services.audit.entries(person_id=agreed.id, action=Action.PLAN_CHANGED)
    assert changed[0].user_id == actor.id
    draft = ctx.services.plans.draft_of(agreed.id)
    assert draft is not None and draft.content.about_me.about.people_important == "My sister"

    session.sign_in(actor)
    qtbot.waitUntil(lambda: not editor.read_only)
    assert editor.plan is not None and editor.plan.id == draft_id
    field = cast(QPlainTextEdit, cast(AboutMeStep, editor.step("about_me")).about.widget("people_important"))
    assert field.toPlainText() == "My sister" and not field.isReadOnly()
    assert not editor.notice.isVisible()
    window.save_now()
