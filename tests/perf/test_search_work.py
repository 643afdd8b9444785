"""Search as you type does only the work a keystroke needs (issue 16).

- Two words are answered by one statement over the token index (each word's range, intersected by the
  database), not one full id set per word fetched and intersected in Python.
- The list asks for a count only when the first page is full (a shorter page is everyone), and a keystroke
  that leaves the search meaning the same ("smith" → "Smith ") asks the store nothing at all.

Statements are counted on the real encrypted store's engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from careplanner.app import AppContext
from careplanner.services.users import Actor
from careplanner.ui.main import application
from careplanner.ui.patient_list import PatientListPage
from careplanner.ui.worker import Worker
from tests.conftest import make_person

PEOPLE = [
    ("Jo", "Smith", "943 476 5919"),
    ("Joanna", "Smith-Jones", "401 023 2137"),
    ("John", "Smithers", None),
    ("Ann", "Smith", None),
    ("Jonas", "Brown", None),
]


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


@pytest.fixture
def practice(ctx: AppContext, actor: Actor) -> AppContext:
    for first, family, nhs in PEOPLE:
        ctx.services.people.create(make_person(first_name=first, family_name=family, nhs_number=nhs), actor)
    return ctx


def test_two_words_are_one_statement_over_the_token_index(practice: AppContext) -> None:
    people = practice.services.people
    with statements(practice) as sql:
        found = people.search("smith jo")
    token_queries = [s for s in sql if "person_name_token" in s]
    assert len(token_queries) == 1, token_queries  # at HEAD: one per word
    # Everyone with a name starting "smith" and one starting "jo", once each, in list order.
    assert [(p.family_name, p.first_name) for p in found] == [
        ("Smith", "Jo"),
        ("Smith-Jones", "Joanna"),
        ("Smithers", "John"),
    ]
    assert people.count("smith jo") == 3
    assert [p.first_name for p in people.search("jo smith", offset=1, limit=1)] == ["Joanna"]
    assert people.count("smi jones") == 1  # Smith-Jones's tokens smith, jones and smithjones: counted once


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_list_counts_only_a_full_page_and_not_again_for_the_same_search(
    qtbot: QtBot, practice: AppContext
) -> None:
    application()
    QSettings().clear()
    page = PatientListPage(practice.services, Worker(inline=True))
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        page.run_query()
    with statements(practice) as sql, qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.keyClicks(page.search, "smith")
    assert page.model.total == 4 and page.count.text() == "4 people"
    assert not [s for s in sql if "count(" in s.lower()]  # 4 rows on a page of 200: that is the count
    with statements(practice) as sql, qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.keyClick(page.search, Qt.Key.Key_Space)  # "smith ": the same search
    assert sql == []
    assert page.model.total == 4 and page.model.shown_query == "smith "
    with qtbot.waitSignal(page.open_requested, timeout=2000) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Return still opens the first match
    assert opened.args[0] == page.model.person(0).id
    with statements(practice) as sql, qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.keyClicks(page.search, "jo")  # a new search: asked again
    assert [s for s in sql if "person_name_token" in s] and page.model.total == 3
