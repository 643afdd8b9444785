"""A person's details edited on two workstations while one is offline are merged field by field: different
fields both kept; the same field changed to two values is a conflict a clinician sees (the server's value
kept, the field named, never its value) — sync/person_merge.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from careplanner.sync.status import SyncService
from tests.conftest import make_person
from tests.sync.replica_support import (
    SyncPractice,
    differences,
    open_practice,
    replica_documents,
    server_documents,
)


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[SyncPractice]:
    yield from open_practice(tmp_path)


def test_details_edited_on_two_workstations_are_merged_field_by_field_and_a_clash_is_listed(
    practice: SyncPractice,
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    made = room3.ctx.services.people.create(
        make_person(first_name="Pat", family_name="Synthetic"), room3.actor
    )
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    # Offline, room 3 changes the title and the preferred name; online, room 5 changes the interpreter
    # language and the preferred name too (to something else).
    here = room3.ctx.services.people.get(made.id).details
    room3.ctx.services.people.update(
        made.id, dataclasses.replace(here, title="Dr", preferred_name="Patty"), room3.actor
    )
    there = room5.ctx.services.people.get(made.id).details
    room5.ctx.services.people.update(
        made.id, dataclasses.replace(there, interpreter_language="Welsh", preferred_name="Trish"), room5.actor
    )
    room5.engine.cycle()
    room3.offline(False)
    room3.engine.cycle()
    room5.engine.cycle()
    for station in (room3, room5):
        details = station.ctx.services.people.get(made.id).details
        assert details.title == "Dr" and details.interpreter_language == "Welsh"  # both kept
        assert details.preferred_name == "Trish"  # the clash: the server's value stays…
        [conflict] = SyncService(station.ctx.store.sessions).conflicts()  # …and a clinician sees it
        assert conflict.person_id == made.id and "preferred name" in conflict.reason
        assert "Patty" not in conflict.reason and "Trish" not in conflict.reason
    server = server_documents(practice)
    assert differences(server, replica_documents(room3)) == []
    assert differences(server, replica_documents(room5)) == []
