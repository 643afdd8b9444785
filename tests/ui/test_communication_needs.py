"""Issue 11: communication needs (Accessible Information Standard) are chosen from a list in About me,
saved to the person's record (audited), switch the copy to large print, and warn where the app cannot
meet them, at the field and in "Before you agree"."""

from __future__ import annotations

import subprocess
from pathlib import Path
from statistics import median
from typing import cast

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import CommunicationNeed
from careplanner.services import audit
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.about_me import AboutMeStep
from tests.ui.helpers import choose, press, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _about_me(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> AboutMeStep:
    ctx.services.plans.start_draft(person.id, actor)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.person is not None)
    window.editor.go_to("about_me")
    return cast(AboutMeStep, window.editor.step("about_me"))


def _median_word_height(pdf: bytes, tmp_path: Path) -> float:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    heights = [
        float(line.split('yMax="')[1].split('"')[0]) - float(line.split('yMin="')[1].split('"')[0])
        for line in html.splitlines()
        if "<word " in line
    ]
    return median(heights)


def test_choosing_large_print_saves_to_the_record_and_switches_the_copy(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord, tmp_path: Path
) -> None:
    step = _about_me(qtbot, window, ctx, actor, person)
    standard = _median_word_height(ctx.services.exports.person_copy_pdf(person.id, actor), tmp_path)
    choose(qtbot, step.needs.choice, "Large print")
    press(qtbot, step.needs.add_button)

    saved = ctx.services.people.get(person.id)
    assert saved.wants_large_print
    assert [n.need for n in saved.details.communication_needs] == [CommunicationNeed.LARGE_PRINT]
    assert step.needs.list.item(0).text() == "Large print"
    assert ctx.services.audit.entries(person_id=person.id, action=audit.Action.PERSON_UPDATED)
    assert window.editor.person is not None and window.editor.person.wants_large_print
    large = _median_word_height(ctx.services.exports.person_copy_pdf(person.id, actor), tmp_path)
    assert large >= standard * 1.3  # large print (16 pt and up, against 12 pt) without being asked

    step.needs.list.setCurrentRow(0)
    press(qtbot, step.needs.remove_button)
    assert not ctx.services.people.get(person.id).wants_large_print


def test_an_interpreter_needs_a_language_and_is_warned_about_at_the_field_and_before_agreeing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    step = _about_me(qtbot, window, ctx, actor, person)
    choose(qtbot, step.needs.choice, "Interpreter")
    press(qtbot, step.needs.add_button)
    assert not ctx.services.people.get(person.id).details.communication_needs  # no language: not saved
    type_into(qtbot, step.needs.detail, "Polish")
    press(qtbot, step.needs.add_button)
    choose(qtbot, step.needs.choice, "Braille")
    press(qtbot, step.needs.add_button)

    saved = ctx.services.people.get(person.id)
    assert [(n.need, n.detail) for n in saved.details.communication_needs] == [
        (CommunicationNeed.INTERPRETER, "Polish"),
        (CommunicationNeed.BRAILLE, ""),
    ]
    assert saved.details.interpreter_language == "Polish"  # the copy's "I need an interpreter (Polish)"
    assert step.needs.warning.isVisibleTo(step)
    assert "Polish" in step.needs.warning.text() and "English" in step.needs.warning.text()
    assert "braille" in step.needs.warning.text()

    window.editor.go_to("sharing")
    links = [w.text() for w in window.agreement.sharing.checklist.findChildren(QPushButton)]
    assert any("interpreter (Polish)" in t and "English or Welsh only" in t for t in links)
    assert any("cannot print braille" in t for t in links)
    link = next(
        w for w in window.agreement.sharing.checklist.findChildren(QPushButton) if "braille" in w.text()
    )
    press(qtbot, link)  # the reminder goes to the list where the need is recorded
    assert window.editor.navigator.current_key() == "about_me"
    qtbot.waitUntil(lambda: step.needs.choice.hasFocus())


def test_large_print_alone_is_not_warned_about(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    step = _about_me(qtbot, window, ctx, actor, person)
    choose(qtbot, step.needs.choice, "Large print")
    press(qtbot, step.needs.add_button)
    assert not step.needs.warning.isVisibleTo(step)
    window.editor.go_to("sharing")
    links = [w.text() for w in window.agreement.sharing.checklist.findChildren(QPushButton)]
    assert not any("needs" in t and "English or Welsh only" in t for t in links)
