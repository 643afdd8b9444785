"""The short restore fault case for CI (hazard H-71; the long one with ten workstations and several seeds is
benchmarks/sync_restore_fault.py, run by scripts/sync-faults.sh): the practice server is put back to a copy
taken before some work, with a new epoch as `server restore` gives it, while two workstations' replicas hold
what it lost. After their syncs every replica equals the server, the lost agreement is back as it was (its
own time and number, inside the stretch the restore recorded as lost), and a plan agreed on the restored
server reaches a replica that still holds it as a draft at the same revision (agreeing does not move a
plan's revision: the replica's catch-up after the epoch change compares status and number too).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from careplanner.clinical.enums import AgreedWith
from careplanner.sync import server_side
from tests.conftest import make_person
from tests.sync.replica_support import (
    SyncPractice,
    differences,
    open_practice,
    replica_documents,
    server_documents,
)
from tests.sync.test_engine import _about, _copy_database, _restore


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[SyncPractice]:
    yield from open_practice(tmp_path)


def _root(practice: SyncPractice, plan_id: str) -> dict[str, object]:
    doc = server_documents(practice)[("plan", plan_id)]
    root = doc.root()
    assert root is not None
    return dict(root)


def test_after_a_restore_every_replica_equals_the_server_and_lost_agreements_come_back_as_they_were(
    practice: SyncPractice,
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    room5.engine.cycle()
    s = room3.ctx.services
    ada = s.people.create(make_person(first_name="Ada", family_name="Synthetic"), room3.actor)
    shared = s.plans.start_draft(ada.id, room3.actor)
    s.plans.save_section(shared.id, _about("Swimming"), room3.actor)
    bo = s.people.create(
        make_person(first_name="Bo", family_name="Synthetic", nhs_number="999 339 5633"), room3.actor
    )
    kept = s.plans.start_draft(bo.id, room3.actor)
    s.plans.save_section(kept.id, _about("Singing in the choir"), room3.actor)
    room3.engine.cycle()
    room5.engine.cycle()
    _copy_database(practice, practice.database, f"{practice.database}_backup")
    # After the backup: an edit of Ada's draft and Bo's agreement, sent, acknowledged and pulled by both.
    s.plans.save_section(shared.id, _about("Swimming on Fridays"), room3.actor)
    s.plans.agree(kept.id, room3.actor, agreed_with=AgreedWith.PERSON, review_date=date(2027, 6, 1))
    room3.engine.cycle()
    room5.engine.cycle()
    before = _root(practice, kept.id)
    _restore(practice, f"{practice.database}_backup")
    with practice.pg.begin() as conn:  # as `careplanner server restore` does
        server_side.new_epoch(conn)
    assert _root(practice, kept.id)["status"] == "draft"  # the restored server lost the agreement
    # Room 5 catches up first: it sends Ada's edit again and then agrees her plan on the restored server.
    assert room5.engine.cycle().history_changed
    room5.ctx.services.plans.agree(
        shared.id, room5.actor, agreed_with=AgreedWith.PERSON, review_date=date(2027, 3, 1)
    )
    room5.engine.cycle()
    # Room 3 holds Ada's plan as a draft at the revision the server's agreed copy has.
    assert room3.engine.cycle().history_changed
    room5.engine.cycle()
    server = server_documents(practice)
    assert differences(server, replica_documents(room3)) == []
    assert differences(server, replica_documents(room5)) == []
    assert _root(practice, shared.id)["status"] == "agreed"
    again = _root(practice, kept.id)
    wanted = ("status", "agreed_at", "version_number", "agreed_by_id", "review_date")
    assert {k: again[k] for k in wanted} == {k: before[k] for k in wanted}
    with practice.pg.connect() as conn:
        inside = conn.execute(
            text("SELECT lost_after <= :t AND :t <= began_at FROM sync_epoch"),
            {"t": str(before["agreed_at"])},
        ).scalar()
    assert inside  # the restore recorded the stretch it lost, and the agreement lies in it
