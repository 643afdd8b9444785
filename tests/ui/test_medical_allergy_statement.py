"""The medical step's "No known allergies" statement: saved with the plan, never tickable while allergies
are listed, and flagged in "Before you agree" when it conflicts with the list or nothing is recorded."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.export.sample import sample_content
from careplanner.services.consultation import plan_checklist
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import AllergyData
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.medical import MedicalStep
from tests.ui.helpers import press, type_into

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 22)


def test_no_known_allergies_is_saved_and_cannot_be_ticked_while_allergies_are_listed(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    window.open_person(person.id)
    window.editor.go_to("medical")
    medical = cast(MedicalStep, window.editor.step("medical"))
    check = medical.no_known_allergies
    assert check.isEnabled() and not check.isChecked()

    press(qtbot, check)  # Space ticks it, as a keyboard user does
    assert check.isChecked()
    window.editor.flush()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None and saved.content.medical.review.no_known_allergies is True

    press(qtbot, check)  # untick, then list an allergy
    assert not check.isChecked()
    press(qtbot, medical.allergies.add_button)
    type_into(qtbot, cast(QLineEdit, medical.allergies.form.widget("substance")), "Latex")
    assert not check.isEnabled()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert not check.isChecked()  # a disabled box ignores the click
    window.editor.flush()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None
    assert saved.content.medical.review.no_known_allergies is False
    assert [a.substance for a in saved.content.medical.allergies] == ["Latex"]

    medical.allergies.select(0)
    medical.allergies.remove_current()
    assert check.isEnabled()  # with the list empty it can be ticked again


def test_a_loaded_conflict_can_still_be_unticked(
    qtbot: QtBot, window: MainWindow, person: PersonRecord
) -> None:
    """An imported plan may carry both: the box stays enabled so the clinician can untick it."""
    window.open_person(person.id)
    medical = cast(MedicalStep, window.editor.step("medical"))
    section = sample_content().medical
    both = dataclasses.replace(section, review=dataclasses.replace(section.review, no_known_allergies=True))
    medical.load(both)
    assert medical.no_known_allergies.isChecked() and medical.no_known_allergies.isEnabled()
    press(qtbot, medical.no_known_allergies)
    assert not medical.no_known_allergies.isChecked()
    assert not medical.no_known_allergies.isEnabled()
    assert medical.section().review.no_known_allergies is False


def test_before_you_agree_names_an_allergy_conflict_or_an_unrecorded_allergy_status() -> None:
    content = sample_content()
    medical = content.medical
    fields = {i.field for i in plan_checklist(content, TODAY)}
    assert "no_known_allergies" not in fields and "allergies" not in fields

    both = dataclasses.replace(
        content,
        medical=dataclasses.replace(
            medical, review=dataclasses.replace(medical.review, no_known_allergies=True)
        ),
    )
    items = [i for i in plan_checklist(both, TODAY) if i.field == "no_known_allergies"]
    assert len(items) == 1 and items[0].step == "medical" and items[0].blocking
    assert "allergies are listed" in items[0].message

    nothing = dataclasses.replace(content, medical=dataclasses.replace(medical, allergies=()))
    items = [i for i in plan_checklist(nothing, TODAY) if i.field == "allergies"]
    assert len(items) == 1 and "not recorded" in items[0].message and not items[0].blocking

    # An allergy added but never named is not an allergy: with "none known" ticked there is no conflict.
    blank = dataclasses.replace(both, medical=dataclasses.replace(both.medical, allergies=(AllergyData(""),)))
    assert not {"no_known_allergies", "allergies"} & {i.field for i in plan_checklist(blank, TODAY)}


def test_adding_an_allergy_unticks_no_known_allergies_at_once(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord
) -> None:
    """Nurse walk-through of issue 10, item 3: ticked, then "Add allergy" and typing "Penicillin" left both
    held. Adding unticks and locks the box at once, and the hint shows only while it applies."""
    window.open_person(person.id)
    window.editor.go_to("medical")
    medical = cast(MedicalStep, window.editor.step("medical"))
    check = medical.no_known_allergies
    press(qtbot, check)
    assert check.isChecked() and check.isEnabled()

    press(qtbot, medical.allergies.add_button)
    assert not check.isChecked() and not check.isEnabled()
    hint = medical.allergy_hint
    assert hint.isVisible() and hint.text() == "Cannot be ticked while allergies are listed."
    type_into(qtbot, cast(QLineEdit, medical.allergies.form.widget("substance")), "Penicillin")
    assert not check.isChecked()
    window.editor.go_to("sharing")  # the state survives moving between steps, and is saved
    window.editor.go_to("medical")
    assert not check.isChecked() and not check.isEnabled()
    window.editor.flush()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None
    assert saved.content.medical.review.no_known_allergies is False
    assert [a.substance for a in saved.content.medical.allergies] == ["Penicillin"]

    medical.allergies.select(0)
    medical.allergies.remove_current()
    assert check.isEnabled() and not check.isChecked()
    assert not hint.isVisible()  # nothing listed: nothing to explain
