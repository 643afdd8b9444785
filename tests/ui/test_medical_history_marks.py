"""An imported past problem or allergy stays on the record but is marked as past in the medical step."""

from __future__ import annotations

import dataclasses
from typing import cast

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import AllergyData, ConditionData, MedicalSection
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.steps.medical import MedicalStep

pytestmark = pytest.mark.gui


def test_past_conditions_and_allergies_are_marked_past(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    medical = dataclasses.replace(
        MedicalSection(),
        conditions=(ConditionData("Asthma"), ConditionData("Pneumonia", clinical_status="resolved")),
        allergies=(AllergyData("Penicillin"), AllergyData("Elastoplast", clinical_status="inactive")),
    )
    ctx.services.plans.save_section(draft.id, medical, actor)
    window.open_person(person.id)
    window.editor.go_to("medical")
    step = cast(MedicalStep, window.editor.step("medical"))
    conditions = [step.conditions.list.item(i).text() for i in range(step.conditions.list.count())]
    allergies = [step.allergies.list.item(i).text() for i in range(step.allergies.list.count())]
    assert any("Asthma" in t and "past" not in t for t in conditions)
    assert any("Pneumonia (past: resolved)" in t for t in conditions)
    assert any("Penicillin" in t and "past" not in t for t in allergies)
    assert any("Elastoplast (past: inactive)" in t for t in allergies)
