"""The catch-up after the practice server was restored from an older backup (hazard H-71): interleavings
the long restore fault run (benchmarks/sync_restore_fault.py) met, each reproduced here step by step.

One agreement is one agreed version on the server, however many operations carry it (seed 5): a
workstation agrees a plan it still holds as a draft from before the restore while a colleague's catch-up
moves that draft on the server, so the agreement is kept beside the server's draft as a version of its
own. The workstation's first catch-up takes its operations for the push and the network is cut before
the push reaches the server; its next catch-up queues the agreement again (a taken operation is never
changed, so it is a second operation), and both go in one push. Each used to be kept as its own agreed
version: one agreement, two versions with the same words and two numbers.

A person the restore lost goes to the server before a save of their plan made here meanwhile (seed 4):
the save waited in the outbox ahead of the person the catch-up queued again, and the server refused it
("the person is not on the server yet").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from careplanner.clinical.enums import AgreedWith
from careplanner.sync import server_side
from tests import server_support
from tests.conftest import make_person
from tests.sync.replica_support import (
    SyncPractice,
    differences,
    open_practice,
    replica_documents,
    server_documents,
)
from tests.sync.test_engine import _about, _copy_database, _restore
from tests.sync_support.proxy import Proxy


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[SyncPractice]:
    yield from open_practice(tmp_path)


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy(("127.0.0.1", server_support.test_server().cluster.port)) as made:
        yield made


def _cut_when_a_push_takes_its_batch(station_engine: Any, proxy: Proxy) -> list[int]:
    """Cut the network once, at the moment the replica marks a batch as taken for a push (`sent_upto`):
    the push then never reaches the server. Returns a list that counts the cuts made."""
    cuts: list[int] = []

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if cuts or not statement.lstrip().upper().startswith("INSERT INTO SYNC_STATE"):
            return
        if "sent_upto" in str(parameters):
            proxy.offline()
            cuts.append(1)

    event.listen(station_engine, "after_cursor_execute", after)
    return cuts


def _versions(practice: SyncPractice, person_id: str) -> list[tuple[str, int, str]]:
    with practice.pg.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.id, p.version_number, a.what_matters FROM care_plan p "
                "LEFT JOIN about_me a ON a.plan_id = p.id "
                "WHERE p.person_id = :p AND p.status = 'agreed' ORDER BY p.version_number"
            ),
            {"p": person_id},
        ).all()
    return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]


def test_an_agreement_sent_twice_by_a_cut_short_catch_up_is_one_version(
    practice: SyncPractice, proxy: Proxy
) -> None:
    room3, room5 = practice.station("room3", through=proxy), practice.station("room5")
    room3.engine.cycle()
    room5.engine.cycle()
    s3, s5 = room3.ctx.services, room5.ctx.services
    ada = s3.people.create(make_person(first_name="Ada", family_name="Synthetic"), room3.actor)
    draft = s3.plans.start_draft(ada.id, room3.actor)
    s3.plans.save_section(draft.id, _about("Swimming"), room3.actor)
    room3.engine.cycle()
    room5.engine.cycle()
    _copy_database(practice, practice.database, f"{practice.database}_backup")
    s3.plans.save_section(draft.id, _about("Swimming on Fridays"), room3.actor)  # lost by the restore
    room3.engine.cycle()
    room5.engine.cycle()
    _restore(practice, f"{practice.database}_backup")
    with practice.pg.begin() as conn:  # as `careplanner server restore` does
        server_side.new_epoch(conn)

    # Room 5 edits the draft and catches up first: the server's draft moves past room 3's.
    s5.plans.save_section(draft.id, _about("Swimming on Fridays and Sundays"), room5.actor)
    assert room5.engine.cycle().history_changed
    # Room 3 agrees the draft as it last saw it; its catch-up is cut off once its push took the batch.
    s3.plans.agree(draft.id, room3.actor, agreed_with=AgreedWith.PERSON, review_date=date(2027, 6, 1))
    cuts = _cut_when_a_push_takes_its_batch(room3.ctx.store.engine, proxy)
    interrupted = room3.engine.cycle()
    assert cuts and not interrupted.connected  # the fault happened where it should
    proxy.online()
    again = room3.engine.cycle()
    assert again.connected and again.history_changed
    room5.engine.cycle()
    room3.engine.cycle()

    versions = _versions(practice, ada.id)
    assert [words for _id, _n, words in versions] == ["Swimming on Fridays"], versions
    [(kept, _number, _words)] = versions
    with practice.pg.connect() as conn:
        named = conn.execute(
            text("SELECT count(*) FROM sync_conflict WHERE plan_a_id = :d AND plan_b_id = :k"),
            {"d": draft.id, "k": kept},
        ).scalar()
    assert named == 1  # the agreement kept beside the server's draft is listed once, for a clinician
    server = server_documents(practice)
    assert differences(server, replica_documents(room3)) == []
    assert differences(server, replica_documents(room5)) == []


def test_a_person_the_restore_lost_goes_before_a_save_of_their_plan_made_meanwhile(
    practice: SyncPractice,
) -> None:
    room3 = practice.station("room3")
    room3.engine.cycle()
    _copy_database(practice, practice.database, f"{practice.database}_backup")
    s3 = room3.ctx.services
    bo = s3.people.create(make_person(first_name="Bo", family_name="Synthetic"), room3.actor)
    draft = s3.plans.start_draft(bo.id, room3.actor)
    room3.engine.cycle()  # Bo and the draft reach the server, and the restore loses them
    _restore(practice, f"{practice.database}_backup")
    with practice.pg.begin() as conn:
        server_side.new_epoch(conn)
    s3.plans.save_section(draft.id, _about("Gardening"), room3.actor)  # before this computer hears of it
    caught_up = room3.engine.cycle()
    assert caught_up.connected and caught_up.history_changed
    assert caught_up.push is not None and caught_up.push.refused == ()
    assert room3.engine.status().waiting == 0
    server = server_documents(practice)
    assert ("person", bo.id) in server
    assert "Gardening" in str(server[("plan", draft.id)].rows["about_me"])
    assert differences(server, replica_documents(room3)) == []
