"""The change summary names every kind of item, and a questionnaire repeated at a review is "taken again"."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.services.diff import diff_plans
from careplanner.services.plan_data import (
    ActionData,
    GoalData,
    GoalsSection,
    HolisticSection,
    NeedData,
    PlanContent,
    QuestionnaireData,
)
from careplanner.ui.change_summary import ChangeSummary

LAST, NOW = date(2025, 10, 25), date(2026, 11, 30)

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def _summary(qtbot: QtBot, before: PlanContent, after: PlanContent, key: str) -> str:
    box = ChangeSummary()
    qtbot.addWidget(box)
    box.show_changes(next(d for d in diff_plans(before, after) if d.key == key).changes)
    return box.text()


def test_items_without_text_are_named_by_kind(qtbot: QtBot) -> None:
    goal = GoalData(text="I want to feel less lonely")
    before = PlanContent(goals=GoalsSection(goals=(goal,)))
    with_action = dataclasses.replace(goal, actions=(ActionData(),))
    after = PlanContent(goals=GoalsSection(needs=(NeedData(),), goals=(with_action, GoalData())))
    text = _summary(qtbot, before, after, "goals")
    assert "Added: a goal (no text yet)" in text
    assert "Added: a need (no text yet)" in text
    assert "item" not in text
    changed = next(c for d in diff_plans(before, after) for c in d.changes if c.kind == "changed")
    assert "an action (no text yet)" in changed.after


def test_a_questionnaire_repeated_at_a_review_is_taken_again_not_added(qtbot: QtBot) -> None:
    last = QuestionnaireData(kind=QuestionnaireKind.PHQ2, answers=(1, 1), total=2, taken_on=LAST)
    before = PlanContent(holistic=HolisticSection(questionnaires=(last,)))
    again = QuestionnaireData(kind=QuestionnaireKind.PHQ2, answers=(2, 2), total=4, taken_on=NOW)
    gad = QuestionnaireData(kind=QuestionnaireKind.GAD2, answers=(0, 0), total=0)
    after = PlanContent(holistic=HolisticSection(questionnaires=(again, gad)))
    text = _summary(qtbot, before, after, "holistic")
    assert "Taken again: PHQ-2" in text
    assert "Added: PHQ-2" not in text and "Removed: PHQ-2" not in text
    assert "Added: GAD-2" in text
    change = next(c for d in diff_plans(before, after) for c in d.changes if c.kind == "taken_again")
    assert "score 2" in change.before and "score 4" in change.after
