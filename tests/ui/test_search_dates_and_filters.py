"""Search as a nurse types it: a date of birth in any usual form, a name and a date of birth together, and
the Show filter applied with the search text, saying so when it hides the person sought.

The field report (issue 12): "09111975" and "1975-11-09" found no one (read as the start of an NHS number),
"ahmed 09/11/1975" found no one, and under a filter the list said "No one matches. Check the spelling"
although the person was there, only filtered out: a nurse could add a duplicate record or give up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from careplanner.app import AppContext
from careplanner.services.people import PersonRecord
from careplanner.services.people_search import ListFilter
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from tests.conftest import make_person
from tests.ui.helpers import choose, type_into

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

BORN = date(1975, 11, 9)


@pytest.fixture
def aisha(ctx: AppContext, actor: Actor) -> PersonRecord:
    """Aisha Ahmedtest, born 9 November 1975, with an agreed plan whose review is overdue; beside her a
    namesake born another day, a person born the same day with another name, and one with a draft."""
    people, plans = ctx.services.people, ctx.services.plans
    wanted = people.create(
        make_person(first_name="Aisha", family_name="Ahmedtest", nhs_number=None, date_of_birth=BORN), actor
    )
    draft = plans.start_draft(wanted.id, actor)
    plans.agree(draft.id, actor, review_date=ctx.services.clock.today() - timedelta(days=40))
    people.create(
        make_person(
            first_name="Omar", family_name="Ahmedtest", nhs_number=None, date_of_birth=date(1980, 2, 3)
        ),
        actor,
    )
    people.create(
        make_person(first_name="Bea", family_name="Sameday", nhs_number=None, date_of_birth=BORN), actor
    )
    drafting = people.create(
        make_person(first_name="Cal", family_name="Drafton", nhs_number=None, date_of_birth=date(1960, 1, 1)),
        actor,
    )
    plans.start_draft(drafting.id, actor)
    return people.get(wanted.id)


def shown(window: MainWindow) -> list[str]:
    model = window.people.model
    return [model.person(row).first_name for row in range(model.rowCount())]


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.people.search.clear()
    with qtbot.waitSignal(window.people.model.loaded, timeout=2000):
        type_into(qtbot, window.people.search, text)


@pytest.mark.parametrize("typed", ["09111975", "09/11/1975", "9/11/1975", "1975-11-09", "9.11.1975"])
def test_a_date_of_birth_in_any_usual_form_finds_the_person_and_return_opens_them(
    qtbot: QtBot, window: MainWindow, aisha: PersonRecord, typed: str
) -> None:
    search(qtbot, window, typed)
    assert sorted(shown(window)) == ["Aisha", "Bea"]  # everyone born that day, no one else
    search(qtbot, window, typed + " ahm")
    assert shown(window) == ["Aisha"]
    with qtbot.waitSignal(window.people.open_requested, timeout=2000) as opened:
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)
    assert opened.args == [aisha.id]


def test_a_name_and_a_date_of_birth_together_find_only_that_person(
    qtbot: QtBot, window: MainWindow, aisha: PersonRecord
) -> None:
    search(qtbot, window, "ahmed")
    assert sorted(shown(window)) == ["Aisha", "Omar"]
    search(qtbot, window, "ahmed 09/11/1975")
    assert shown(window) == ["Aisha"]
    assert window.people.count.text() == "1 person"
    search(qtbot, window, "09111975 aisha")  # either order
    assert shown(window) == ["Aisha"]
    search(qtbot, window, "omar 09/11/1975")  # the right name, someone else's birthday: no one
    assert shown(window) == [] and window.people.empty.isVisible()
    with qtbot.assertNotEmitted(window.people.open_requested, wait=100):
        qtbot.keyClick(window.people.search, Qt.Key.Key_Return)


def test_the_show_filter_narrows_the_search_and_says_when_it_hides_the_person(
    qtbot: QtBot, window: MainWindow, aisha: PersonRecord
) -> None:
    page = window.people
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        choose(qtbot, page.filter, "Review overdue")
    assert shown(window) == ["Aisha"]
    search(qtbot, window, "ahmed")  # Omar is found by the text but not overdue: not shown
    assert shown(window) == ["Aisha"]
    search(qtbot, window, "drafton")  # found by the text, hidden by the filter
    assert shown(window) == []
    assert page.empty.isVisible()
    assert page.empty.text() == "1 person matches but is hidden by the \u201cReview overdue\u201d filter."
    assert "spelling" not in page.empty.text()
    assert page.show_all.isVisible()
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.mouseClick(page.show_all, Qt.MouseButton.LeftButton)
    assert page.filter.currentData() == ListFilter.ALL
    assert shown(window) == ["Cal"] and not page.empty.isVisible() and not page.show_all.isVisible()

    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        choose(qtbot, page.filter, "Draft in progress")
    assert shown(window) == ["Cal"]
    search(qtbot, window, "ahmed")
    assert page.empty.text() == "2 people match but are hidden by the \u201cDraft in progress\u201d filter."
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        choose(qtbot, page.filter, "Recall")
    assert shown(window) == ["Aisha"]  # the recall list narrowed by the search text too
    search(qtbot, window, "nobodyhere")
    assert page.empty.text().startswith("No one matches") and not page.show_all.isVisible()


@contextmanager
def statements(ctx: AppContext) -> Iterator[list[str]]:
    seen: list[str] = []

    def grab(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
        seen.append(statement)

    engine = ctx.store.engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def test_a_name_a_date_and_a_filter_are_one_statement(ctx: AppContext, aisha: PersonRecord) -> None:
    people = ctx.services.people
    with statements(ctx) as sql:
        found = people.search("ahmed 09111975", list_filter=ListFilter.OVERDUE)
    assert [p.id for p in found] == [aisha.id]
    assert len([s for s in sql if s.lstrip().upper().startswith("SELECT")]) == 1
    assert people.count("ahmed 09111975", list_filter=ListFilter.OVERDUE) == 1
    assert people.count("ahmed 09111975", list_filter=ListFilter.DRAFT) == 0


def test_eight_digits_find_the_start_of_an_nhs_number_as_well_as_a_date_of_birth(
    ctx: AppContext, actor: Actor
) -> None:
    """04022010 could be the start of an NHS number or 4 February 2010: a person matching either is found,
    so reading it as a date never hides the person whose number it starts."""
    people = ctx.services.people
    by_number = people.create(
        make_person(first_name="Nia", family_name="Numbered", nhs_number="040 220 1000"), actor
    )
    born = people.create(
        make_person(first_name="Dee", family_name="Dated", nhs_number=None, date_of_birth=date(2010, 2, 4)),
        actor,
    )
    assert {p.id for p in people.search("04022010")} == {by_number.id, born.id}
    assert people.count("04022010") == 2
    assert {p.id for p in people.search("040 220")} == {by_number.id}  # fewer digits: a number only
    assert {p.id for p in people.search("2010-02-04")} == {born.id}  # separators: a date only
