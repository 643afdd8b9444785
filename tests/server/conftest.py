"""Two workstations on one practice server: a fresh database on the test run's private PostgreSQL, opened
twice (two engines, two connection pools), as ROOM-3 and ROOM-5, with a clinician on each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from careplanner.app import AppContext, open_server_context
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from tests import server_support
from tests.conftest import make_person


@dataclass
class Workstation:
    ctx: AppContext
    actor: Actor


@dataclass
class Practice:
    database: str
    room3: Workstation
    room5: Workstation
    person: PersonRecord


def open_workstation(tmp_path: Path, database: str, name: str) -> AppContext:
    paths = resolve_paths(tmp_path / name)
    paths.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, paths)
    ctx.services.presence.workstation = name
    return ctx


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[Practice]:
    server = server_support.test_server()
    database = server.new_database()
    room3 = open_workstation(tmp_path, database, "ROOM-3")
    room5 = open_workstation(tmp_path, database, "ROOM-5")
    try:
        jo = room3.services.users.create(
            username="jo", display_name="Jo Brennan", role=UserRole.NURSE, actor=None
        )
        sam = room5.services.users.create(
            username="sam", display_name="Sam Okafor", role=UserRole.GP, actor=None
        )
        person = room3.services.people.create(make_person(first_name="Ada", family_name="Testwell"), jo)
        yield Practice(database, Workstation(room3, jo), Workstation(room5, sam), person)
    finally:
        room3.close()
        room5.close()
        server.drop_database(database)
