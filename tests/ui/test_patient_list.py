"""The patient list: search as you type by name, NHS number (with or without spaces) or date of birth,
the filters and recall view, lazy fetching, and the new person dialog's checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.patient_model import PAGE
from careplanner.ui.person_dialog import NewPersonDialog
from tests.conftest import make_person
from tests.ui.helpers import choose, type_into

# The offscreen platform cannot size native dialog windows; nothing a user would see.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def names(window: MainWindow) -> list[str]:
    model = window.people.model
    return [model.person(row).family_name for row in range(model.rowCount())]


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.people.search.clear()
    with qtbot.waitSignal(window.people.model.loaded, timeout=1000):
        type_into(qtbot, window.people.search, text)


def test_search_by_name_nhs_number_and_date_of_birth(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    people = ctx.services.people
    people.create(make_person(first_name="Ada", family_name="Lovelock", nhs_number="943 476 5919"), actor)
    people.create(
        make_person(first_name="Bill", family_name="Brook", nhs_number=None, date_of_birth=date(1950, 1, 2)),
        actor,
    )
    search(qtbot, window, "love")
    assert names(window) == ["Lovelock"]
    search(qtbot, window, "943 476")
    assert names(window) == ["Lovelock"]
    search(qtbot, window, "9434765919")
    assert names(window) == ["Lovelock"]
    search(qtbot, window, "02/01/1950")
    assert names(window) == ["Brook"]
    qtbot.keyClick(window.people.search, Qt.Key.Key_Down)
    assert window.people.table.hasFocus() or window.people.focusWidget() is window.people.table
    search(qtbot, window, "nobody")
    assert names(window) == [] and window.people.empty.isVisible()


def test_filters_and_recall_view(qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor) -> None:
    people, plans = ctx.services.people, ctx.services.plans
    today = ctx.services.clock.today()
    overdue = people.create(make_person(first_name="Olive", family_name="Overdue", nhs_number=None), actor)
    drafting = people.create(make_person(first_name="Dora", family_name="Drafting", nhs_number=None), actor)
    draft = plans.start_draft(overdue.id, actor)
    plans.agree(draft.id, actor, review_date=today - timedelta(days=3))
    plans.start_draft(drafting.id, actor)
    window.people.model.refresh()
    with qtbot.waitSignal(window.people.model.loaded, timeout=1000):
        choose(qtbot, window.people.filter, "Review overdue")
    assert names(window) == ["Overdue"]
    with qtbot.waitSignal(window.people.model.loaded, timeout=1000):
        choose(qtbot, window.people.filter, "Draft in progress")
    assert names(window) == ["Drafting"]
    window.recall_action.trigger()
    qtbot.waitUntil(lambda: names(window) == ["Overdue"])
    status = window.people.model.index(0, 5).data()
    assert "Review overdue" in status


def test_the_list_fetches_lazily(qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor) -> None:
    made = seed_people(
        ctx.store.sessions, count=PAGE + 150, seed=7, actor=actor, today=ctx.services.clock.today()
    )
    assert made > PAGE
    model = window.people.model
    with qtbot.waitSignal(model.loaded, timeout=2000):
        window.people.run_query()
    assert model.total == ctx.services.people.count() and model.rowCount() == PAGE
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total


def test_new_person_marks_and_focuses_the_wrong_field(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    dialog = NewPersonDialog(ctx.services, window.session, window.worker, window)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.edits["first_name"], "Ada")
    type_into(qtbot, dialog.edits["family_name"], "Newcome")
    future = (ctx.services.clock.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    type_into(qtbot, dialog.edits["date_of_birth"], future)
    type_into(qtbot, dialog.edits["nhs_number"], "943 476 5918")  # wrong check digit
    dialog.submit()
    assert dialog.errors["date_of_birth"].text() == "The date of birth is in the future."
    assert "not valid" in dialog.errors["nhs_number"].text()
    assert dialog.focusWidget() is dialog.edits["date_of_birth"]
    assert dialog.edits["date_of_birth"].text() == future  # what was typed is kept
    dialog.edits["date_of_birth"].clear()
    type_into(qtbot, dialog.edits["date_of_birth"], "14/03/1948")
    dialog.submit()
    assert dialog.focusWidget() is dialog.edits["nhs_number"]
    dialog.edits["nhs_number"].clear()
    type_into(qtbot, dialog.edits["nhs_number"], "943 476 5919")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog.edits["nhs_number"], Qt.Key.Key_Return)
    assert dialog.created is not None
    assert ctx.services.people.by_nhs_number("9434765919").summary.family_name == "Newcome"
