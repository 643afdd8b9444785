"""The recall list answers the search box, and Return opens only the person the box names.

A reviewer set Show to "Recall", typed a name and pressed Return: the list still showed all 43 people and
Return opened the first of them (someone else), starting a draft in that person's record.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.patient_model import matches
from tests.conftest import make_person
from tests.ui.helpers import choose, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def due(ctx: AppContext, actor: Actor, first: str, family: str, days: int, born: date) -> PersonRecord:
    """A synthetic person with an agreed plan whose review is `days` from today (negative: overdue)."""
    person = ctx.services.people.create(
        make_person(first_name=first, family_name=family, nhs_number=None, date_of_birth=born), actor
    )
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=days))
    return ctx.services.people.get(person.id)


@pytest.fixture
def recall(ctx: AppContext, actor: Actor) -> tuple[PersonRecord, PersonRecord]:
    """Seeded people plus two on recall: the most overdue (first in the list) and the one to search for."""
    seed_people(ctx.store.sessions, count=80, seed=3, actor=actor, today=ctx.services.clock.today())
    first = due(ctx, actor, "Patricia", "O'Brienova", -900, date(1940, 5, 6))
    wanted = due(ctx, actor, "Ada", "Testwell", 5, date(1951, 7, 8))
    return first, wanted


def show_recall(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.people.model.loaded, timeout=2000):
        choose(qtbot, window.people.filter, "Recall")
    assert window.people.model.rowCount() > 2  # the whole recall list before any search


def shown_ids(window: MainWindow) -> list[str]:
    model = window.people.model
    return [model.person(row).id for row in range(model.rowCount())]


def test_typing_a_name_narrows_the_recall_list_and_return_opens_that_person(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, recall: tuple[PersonRecord, PersonRecord]
) -> None:
    first, wanted = recall
    show_recall(qtbot, window)
    assert shown_ids(window)[0] == first.id  # most overdue first: what Return used to open
    with qtbot.waitSignal(window.people.open_requested, timeout=3000) as opened:
        type_into(qtbot, window.people.search, "testwell")
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)  # at once, while the search is running
    assert opened.args == [wanted.id]
    assert shown_ids(window) == [wanted.id]
    assert window.people.count.text() == "1 person"
    assert not ctx.services.people.get(first.id).summary.has_draft  # no draft started for someone else


def test_return_with_no_match_in_the_recall_list_opens_no_one(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, recall: tuple[PersonRecord, PersonRecord]
) -> None:
    first, _wanted = recall
    show_recall(qtbot, window)
    with qtbot.assertNotEmitted(window.people.open_requested, wait=300):
        with qtbot.waitSignal(window.people.model.loaded, timeout=2000):
            type_into(qtbot, window.people.search, "zzqxnobody")
            qtbot.keyClick(window.people.search, Qt.Key.Key_Return)
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)  # and again, once the empty list shows
    assert shown_ids(window) == [] and window.people.empty.isVisible()
    assert window.people.count.text() == "0 people"
    assert not ctx.services.people.get(first.id).summary.has_draft


def test_return_does_not_open_a_row_left_from_an_earlier_search(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, recall: tuple[PersonRecord, PersonRecord]
) -> None:
    """The row on show answers "o'brienov"; the box now says "o'brienovx" (no one) and that search has
    not run yet: Return must not open the stale row."""
    first, _wanted = recall
    show_recall(qtbot, window)
    with qtbot.waitSignal(window.people.model.loaded, timeout=2000):
        type_into(qtbot, window.people.search, "o'brienov")
    assert shown_ids(window) == [first.id]
    with (
        qtbot.assertNotEmitted(window.people.open_requested, wait=300),
        qtbot.waitSignal(window.people.model.loaded, timeout=2000),
    ):
        qtbot.keyClicks(window.people.search, "x")  # no one: the search has not run yet
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)
    assert shown_ids(window) == []


@pytest.mark.parametrize(
    "query", ["testwell", "ada test", "o'b", "obrien", "06/05/1940", "08.07.1951", "pat"]
)
def test_the_recall_filter_matches_as_the_people_search_does(
    ctx: AppContext, recall: tuple[PersonRecord, PersonRecord], query: str
) -> None:
    people = ctx.services.people
    on_recall = people.reviews_due(within_days=30)
    found = {p.id for p in people.search(query, offset=0, limit=people.count(query) + 1)}
    expected = [p.id for p in on_recall if p.id in found]
    assert expected, "the query should find someone on recall"
    assert [p.id for p in on_recall if matches(p, query)] == expected
