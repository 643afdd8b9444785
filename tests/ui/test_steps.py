"""Every field of every plan section has a home: a full plan goes through each step's widgets and comes
back unchanged, and wrong dates are marked at their field without losing what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from tests.ui.helpers import type_into

pytestmark = pytest.mark.gui


def test_a_full_seeded_plan_round_trips_through_every_step(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    seed_people(ctx.store.sessions, count=12, seed=11, actor=actor, today=ctx.services.clock.today())
    checked = 0
    for summary in ctx.services.people.search("", limit=12):
        plan = ctx.services.plans.latest_agreed(summary.id)
        if plan is None or plan.status is not PlanStatus.AGREED:
            continue
        for key in SECTION_TYPES:
            step = window.editor.step(key)
            section = plan.content.section(key)
            step.load(section)
            assert step.section() == section, key
        checked += 1
    assert checked >= 3
    assert set(window.editor.built) == set(SECTION_TYPES)


def test_a_review_date_in_the_past_is_marked_and_kept(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    from tests.conftest import make_person

    person = ctx.services.people.create(make_person(nhs_number=None, first_name="Ed"), actor)
    window.open_person(person.id)
    window.editor.go_to("sharing")
    sharing = window.agreement.sharing
    past = (ctx.services.clock.today() - timedelta(days=10)).strftime("%d/%m/%Y")
    type_into(qtbot, sharing.review_edit(), past)
    sharing.review_edit().editingFinished.emit()
    assert sharing.form._errors["review_date"].text() == "This date is in the past."
    window.editor.flush()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None and saved.content.sharing.sharing.review_date is not None  # kept in the draft
    type_into(qtbot, sharing.review_edit(), "x")
    sharing.review_edit().editingFinished.emit()
    assert "day/month/year" in sharing.form._errors["review_date"].text()
    assert sharing.review_edit().text().endswith("x")


def test_a_goal_is_linked_to_the_need_it_meets(qtbot: QtBot, window: MainWindow) -> None:
    from careplanner.services.plan_data import GoalData, GoalsSection, NeedData
    from tests.ui.helpers import choose

    goals = window.editor.step("goals")
    need = NeedData(text="Getting out of the house", lineage_id="need-1")
    goals.load(GoalsSection(needs=(need,), goals=(GoalData(text="I want to go to the café"),)))
    choose(qtbot, goals.need_link, "Getting out")  # type: ignore[attr-defined]
    section = goals.section()
    assert isinstance(section, GoalsSection) and section.goals[0].need_lineage_id == "need-1"


def test_a_goal_can_link_to_a_need_added_in_this_session(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    from dataclasses import replace

    from careplanner.services.plan_data import GoalsSection
    from tests.conftest import make_person
    from tests.ui.helpers import choose

    person = ctx.services.people.create(make_person(nhs_number=None, first_name="Nia"), actor)
    window.open_person(person.id)
    window.editor.go_to("goals")
    goals = window.editor.step("goals")
    goals.needs.add_item()  # type: ignore[attr-defined]
    new_need = goals.needs.items()[-1]  # type: ignore[attr-defined]
    goals.needs.replace_item(0, replace(new_need, text="Feeling lonely since moving"))  # type: ignore[attr-defined]
    goals.goals.add_item()  # type: ignore[attr-defined]
    choose(qtbot, goals.need_link, "Feeling lonely")  # type: ignore[attr-defined]
    section = goals.section()
    assert isinstance(section, GoalsSection)
    assert section.needs[0].lineage_id
    assert section.goals[0].need_lineage_id == section.needs[0].lineage_id
    window.editor.flush()
    window.worker.wait()
    saved = ctx.services.plans.draft_of(person.id)
    assert saved is not None
    assert saved.content.goals.goals[0].need_lineage_id == saved.content.goals.needs[0].lineage_id


def test_every_step_fulfils_the_step_contract() -> None:
    from careplanner.ui.editor import step_class
    from careplanner.ui.steps.base import StepWidget

    for key in SECTION_TYPES:
        cls = step_class(key)
        for name in ("load", "section", "is_complete"):
            assert getattr(cls, name) is not getattr(StepWidget, name), f"{cls.__name__} lacks {name}"
