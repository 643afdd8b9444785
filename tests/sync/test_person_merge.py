"""A person's details edited on two workstations while one is offline are merged field by field: different
fields both kept (addresses, phone numbers and needs as one field each); the same field changed to two
values is a conflict a clinician sees (the server's value kept, the field named, never its value, in the
reason; both values kept with the conflict), and chooses either value, audited, reaching every copy —
sync/person_merge.py, sync/person_choice.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from careplanner.models.audit import AuditEvent
from careplanner.services.people import AddressData, PersonInput, TelecomData
from careplanner.sync.person_choice import ChangedSinceError, DetailConflicts
from careplanner.sync.status import SyncService
from tests.conftest import make_person
from tests.sync.replica_support import (
    Station,
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


def _details(station: Station, person_id: str) -> PersonInput:
    return station.ctx.services.people.get(person_id).details


def test_a_clash_keeps_the_workstations_value_for_a_choice_and_the_choice_reaches_every_copy(
    practice: SyncPractice,
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    made = room3.ctx.services.people.create(
        make_person(
            first_name="Pat",
            family_name="Synthetic",
            addresses=(AddressData("1 Old Road", postcode="ZZ99 1ZZ"),),
            telecoms=(TelecomData("phone", "01632 960001", "home"),),
        ),
        room3.actor,
    )
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    # Offline, room 3 changes the family name, the address, the preferred name and the phone number;
    # online, room 5 changes the preferred name and the phone number too (to other values).
    here = _details(room3, made.id)
    room3.ctx.services.people.update(
        made.id,
        dataclasses.replace(
            here,
            family_name="Synthetic-Jones",
            preferred_name="Patty",
            addresses=(AddressData("2 New Road", postcode="ZZ99 2ZZ"),),
            telecoms=(TelecomData("phone", "01632 960002", "mobile"),),
        ),
        room3.actor,
    )
    there = _details(room5, made.id)
    room5.ctx.services.people.update(
        made.id,
        dataclasses.replace(
            there, preferred_name="Trish", telecoms=(TelecomData("phone", "01632 960003", "home"),)
        ),
        room5.actor,
    )
    room5.engine.cycle()
    room3.offline(False)
    room3.engine.cycle()
    room5.engine.cycle()

    # Taken where only room 3 changed them (and the new name is searchable everywhere); the clashes keep
    # the server's values, and room 3's are kept with the conflict, both shown for a choice.
    for station in (room3, room5):
        details = _details(station, made.id)
        assert details.family_name == "Synthetic-Jones" and details.addresses[0].line1 == "2 New Road"
        assert details.preferred_name == "Trish" and details.telecoms[0].value == "01632 960003"
        assert [p.id for p in station.ctx.services.people.search("Jones")] == [made.id]
    choices = DetailConflicts(room5.ctx.store.sessions, room5.ctx.services.people)
    [conflict] = choices.open()
    shown = {c.field: (c.workstation, c.server) for c in conflict.clashes}
    assert shown == {
        "preferred_name": ("Patty", "Trish"),
        "telecoms": ("mobile phone: 01632 960002", "home phone: 01632 960003"),
    }

    # Room 5's clinician checks with the person: the preferred name typed offline, the server's phone.
    choices.choose(
        conflict.conflict_id,
        {"preferred_name": "workstation", "telecoms": "server"},
        room5.actor,
        now=room5.ctx.services.clock.now(),
    )
    room5.engine.cycle()
    room3.engine.cycle()
    for station in (room3, room5):
        details = _details(station, made.id)
        assert details.preferred_name == "Patty" and details.telecoms[0].value == "01632 960003"
        assert SyncService(station.ctx.store.sessions).conflicts() == []
    assert differences(server_documents(practice), replica_documents(room3)) == []
    assert differences(server_documents(practice), replica_documents(room5)) == []
    with room5.ctx.store.sessions() as session:
        [entry] = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.detail.like("details conflict resolved%"))
        ).all()
    assert entry == "details conflict resolved, kept: preferred_name=workstation; telecoms=server"


def test_a_choice_on_a_value_that_changed_since_is_refused_and_nothing_is_written(
    practice: SyncPractice,
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    made = room3.ctx.services.people.create(
        make_person(first_name="Lou", family_name="Synthetic"), room3.actor
    )
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    here = _details(room3, made.id)
    room3.ctx.services.people.update(made.id, dataclasses.replace(here, title="Dr"), room3.actor)
    there = _details(room5, made.id)
    room5.ctx.services.people.update(made.id, dataclasses.replace(there, title="Rev"), room5.actor)
    room5.engine.cycle()
    room3.offline(False)
    room3.engine.cycle()
    room5.engine.cycle()
    choices = DetailConflicts(room5.ctx.store.sessions, room5.ctx.services.people)
    [conflict] = choices.open()
    # Meanwhile someone sets the title again on room 5: the choice shown is out of date.
    again = _details(room5, made.id)
    room5.ctx.services.people.update(made.id, dataclasses.replace(again, title="Prof"), room5.actor)
    with pytest.raises(ChangedSinceError):
        choices.choose(conflict.conflict_id, {"title": "workstation"}, room5.actor, now=datetime.now(UTC))
    assert _details(room5, made.id).title == "Prof"
    assert [c.conflict_id for c in choices.open()] == [conflict.conflict_id]
