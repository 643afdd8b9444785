"""The workstation's sync engine against the real practice server (PostgreSQL) and real encrypted replicas:
push then pull, changes waiting offline, a pull never overwriting what waits, second copies kept as
conflicts, agreements made offline, a lost acknowledgement, and a schema mismatch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from careplanner.models.sync import SyncClient, SyncOutbox
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.store_verify import REPLACED_BY_SERVER, verify_store
from careplanner.sync import server_side
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


def _waiting(station: Station) -> int:
    with station.ctx.store.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(SyncOutbox)) or 0)


def _about(words: str) -> AboutMeSection:
    return AboutMeSection(AboutMeData(what_matters=words))


def test_changes_made_on_one_replica_reach_the_server_and_the_other_replica(practice: SyncPractice) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    for station in (room3, room5):
        report = station.engine.cycle()
        assert report.connected and report.problem is None
    s = room3.ctx.services
    person = s.people.create(make_person(first_name="Ada", family_name="Synthetic"), room3.actor)
    draft = s.plans.start_draft(person.id, room3.actor)
    s.plans.save_section(draft.id, _about("Walking my dog every morning"), room3.actor)
    assert _waiting(room3) == 2  # the person and the plan, each folded into one operation
    report = room3.engine.cycle()
    assert report.push is not None and report.push.applied == 2 and report.push.waiting == 0
    assert differences(server_documents(practice), replica_documents(room3)) == []
    room5.engine.cycle()
    assert differences(server_documents(practice), replica_documents(room5)) == []
    seen = room5.ctx.services.plans.get(draft.id)
    assert seen.content.about_me.about.what_matters == "Walking my dog every morning"
    assert room5.engine.status().waiting == 0 and room5.engine.status().connected


def test_a_pull_never_overwrites_what_waits_and_both_drafts_are_kept(practice: SyncPractice) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    person = room3.ctx.services.people.create(
        make_person(first_name="Bea", family_name="Synthetic"), room3.actor
    )
    draft = room3.ctx.services.plans.start_draft(person.id, room3.actor)
    room3.engine.cycle()
    room5.engine.cycle()
    # Room 3 edits while its network is down; room 5 edits the same draft and sends it.
    room3.offline()
    room3.ctx.services.plans.save_section(draft.id, _about("Typed in room 3, offline"), room3.actor)
    offline = room3.engine.cycle()
    assert not offline.connected and room3.engine.status().offline_since is not None
    assert room3.engine.status().waiting == 1
    room5.ctx.services.plans.save_section(draft.id, _about("Typed in room 5"), room5.actor)
    room5.engine.cycle()
    # Back online, room 3 pulls first: its waiting draft is not overwritten by room 5's.
    room3.offline(False)
    room3.engine.pull()
    assert (
        room3.ctx.services.plans.get(draft.id).content.about_me.about.what_matters
        == "Typed in room 3, offline"
    )
    # Then it pushes: the server kept room 5's draft and room 3's as a second draft, with a conflict.
    report = room3.engine.cycle()
    assert report.push is not None and report.push.branched == 1
    assert room3.ctx.services.plans.get(draft.id).content.about_me.about.what_matters == "Typed in room 5"
    conflicts = SyncService(room3.ctx.store.sessions).conflicts()
    assert [(c.plan_a_id, c.person_name) for c in conflicts] == [(draft.id, "Bea Synthetic")]
    kept = room3.ctx.services.plans.get(conflicts[0].plan_b_id)
    assert kept.content.about_me.about.what_matters == "Typed in room 3, offline"
    assert room3.engine.status().conflicts == 1
    assert differences(server_documents(practice), replica_documents(room3)) == []
    room5.engine.cycle()
    assert differences(server_documents(practice), replica_documents(room5)) == []


def test_an_agreement_made_offline_is_numbered_by_the_server_and_the_replica_still_checks(
    practice: SyncPractice,
) -> None:
    room3 = practice.station("room3")
    room3.engine.cycle()
    s = room3.ctx.services
    person = s.people.create(make_person(first_name="Cai", family_name="Synthetic"), room3.actor)
    draft = s.plans.start_draft(person.id, room3.actor)
    room3.engine.cycle()
    room3.offline()
    s.plans.save_section(draft.id, _about("Gardening"), room3.actor)
    agreed = s.plans.agree(draft.id, room3.actor, review_date=date(2027, 6, 1))
    room3.engine.cycle()
    room3.offline(False)
    report = room3.engine.cycle()
    assert report.push is not None and report.push.applied >= 1 and not report.push.refused
    server = server_documents(practice)
    assert server[("plan", agreed.id)].root()["status"] == "agreed"  # type: ignore[index]
    assert differences(server, replica_documents(room3)) == []
    # The replica holds the server's copy of the version (agreed at the server's time), and its own audit
    # trail still vouches for every agreed version.
    with room3.ctx.store.sessions() as session:
        replaced = session.execute(
            text("SELECT count(*) FROM audit_event WHERE action = :a AND plan_id = :p"),
            {"a": REPLACED_BY_SERVER, "p": agreed.id},
        ).scalar()
    assert replaced == 1  # the replica's own copy (agreed offline, at its time) gave way to the server's
    report_ = verify_store(room3.ctx.store.sessions, room3.ctx.paths.data_dir)
    assert report_.ok, report_.problems


def test_a_batch_the_server_applied_but_never_acknowledged_is_sent_again_and_applied_once(
    practice: SyncPractice,
) -> None:
    room3 = practice.station("room3")
    room3.engine.cycle()
    person = room3.ctx.services.people.create(
        make_person(first_name="Dai", family_name="Synthetic"), room3.actor
    )
    # The server applies the batch, and the answer is lost (the workstation stopped before it arrived).
    ops, _keys = room3.engine._next_batch()
    with practice.connect() as conn:
        server_side.push(conn, room3.engine.workstation_id(), ops, room3.actor)
    assert _waiting(room3) == 1
    report = room3.engine.cycle()
    assert report.push is not None and report.push.duplicates == 1 and report.push.applied == 0
    assert _waiting(room3) == 0
    with practice.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person WHERE id = :p"), {"p": person.id}).scalar() == 1
    assert differences(server_documents(practice), replica_documents(room3)) == []


def test_a_schema_mismatch_stops_sync_with_nothing_written_on_either_side(practice: SyncPractice) -> None:
    room3 = practice.station("room3")
    room3.engine.cycle()
    room3.ctx.services.people.create(make_person(first_name="Eli", family_name="Synthetic"), room3.actor)
    with practice.pg.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    before = server_documents(practice)
    report = room3.engine.cycle()
    assert report.push is None and report.pull is None
    assert report.problem is not None and "different versions" in report.problem
    assert room3.engine.status().problem == report.problem
    assert _waiting(room3) == 1
    assert differences(before, server_documents(practice)) == []
    with practice.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SyncClient)).scalar() == 0


def _copy_database(practice: SyncPractice, source: str, target: str) -> None:
    from tests.server_support import test_server

    practice.pg.dispose()
    practice.server.store.engine.dispose()
    for engine in practice.engines:
        engine.dispose()
    admin = test_server().admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {target} TEMPLATE {source}"))
    finally:
        admin.dispose()


def _restore(practice: SyncPractice, backup: str) -> None:
    from tests.server_support import test_server

    practice.pg.dispose()
    practice.server.store.engine.dispose()
    for engine in practice.engines:
        engine.dispose()
    admin = test_server().admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {practice.database} WITH (FORCE)"))
            conn.execute(text(f"ALTER DATABASE {backup} RENAME TO {practice.database}"))
    finally:
        admin.dispose()


@pytest.mark.parametrize("new_epoch", [True, False], ids=["new-epoch", "same-epoch"])
def test_a_server_restored_from_an_earlier_backup_gets_back_what_it_lost(
    practice: SyncPractice, new_epoch: bool
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    room5.engine.cycle()
    s = room3.ctx.services
    first = s.people.create(make_person(first_name="Fay", family_name="Synthetic"), room3.actor)
    room3.engine.cycle()
    _copy_database(practice, practice.database, f"{practice.database}_backup")
    # After the backup: a person and a plan, sent and acknowledged (nothing waits on room 3 any more).
    later = s.people.create(
        make_person(first_name="Gil", family_name="Synthetic", nhs_number="999 339 5633"), room3.actor
    )
    draft = s.plans.start_draft(later.id, room3.actor)
    s.plans.save_section(draft.id, _about("Swimming on Fridays"), room3.actor)
    room3.engine.cycle()
    room5.engine.cycle()
    assert _waiting(room3) == 0
    _restore(practice, f"{practice.database}_backup")
    if new_epoch:  # as `careplanner server restore` does
        with practice.pg.begin() as conn:
            server_side.new_epoch(conn)
    with practice.connect() as conn:
        gone = conn.execute(text("SELECT count(*) FROM person WHERE id = :p"), {"p": later.id}).scalar()
    assert gone == 0  # the restored server lost them
    report = room3.engine.cycle()
    assert report.history_changed and report.connected
    server = server_documents(practice)
    assert ("person", first.id) in server and ("person", later.id) in server
    assert server[("plan", draft.id)].rows["about_me"][0]["what_matters"] == "Swimming on Fridays"
    assert differences(server, replica_documents(room3)) == []
    room5.engine.cycle()
    assert differences(server_documents(practice), replica_documents(room5)) == []


def test_a_rebuild_replaces_the_replica_with_the_servers_records_but_never_drops_what_waits(
    practice: SyncPractice,
) -> None:
    from careplanner.sync.engine import WaitingChangesError

    room3 = practice.station("room3")
    room3.engine.cycle()
    person = room3.ctx.services.people.create(
        make_person(first_name="Hal", family_name="Synthetic"), room3.actor
    )
    room3.engine.cycle()
    # A record removed from the replica behind sync's back comes back with a rebuild.
    with room3.ctx.store.sessions.begin() as session:
        session.execute(text("DELETE FROM person_name_token WHERE person_id = :p"), {"p": person.id})
        session.execute(text("DELETE FROM person_telecom WHERE person_id = :p"), {"p": person.id})
    assert differences(server_documents(practice), replica_documents(room3)) == [("person", person.id)]
    room3.engine.rebuild()
    assert differences(server_documents(practice), replica_documents(room3)) == []
    # A change the server will not take (a nurse may not change the practice's details) waits, and a
    # rebuild is refused rather than losing it.
    with room3.ctx.store.sessions.begin() as session:
        session.execute(
            text("UPDATE app_user SET display_name = 'Jo B' WHERE id = :u"), {"u": room3.actor.id}
        )
    with room3.ctx.store.sessions.begin() as session:
        from careplanner.models import User

        user = session.get(User, room3.actor.id)
        assert user is not None
        user.registration_number = "SYNTH-1"
    report = room3.engine.cycle()
    assert report.push is not None and report.push.refused and _waiting(room3) == 1
    with pytest.raises(WaitingChangesError):
        room3.engine.rebuild()
    assert _waiting(room3) == 1


def test_a_read_only_account_fetches_but_sends_nothing_and_the_changes_wait(practice: SyncPractice) -> None:
    from careplanner.clinical.enums import UserRole

    reader = practice.server.services.users.create(
        username="rory", display_name="Rory Reader", role=UserRole.READ_ONLY, actor=None
    )
    room3 = practice.station("room3")
    room3.engine.cycle()
    person = room3.ctx.services.people.create(
        make_person(first_name="Ivy", family_name="Synthetic"), room3.actor
    )
    shared = practice.station("shared", reader)
    room3_reader = type(room3.engine)(room3.ctx.store.sessions, practice.connect, reader)
    report = room3_reader.cycle()
    assert report.connected and report.push is not None and report.push.sent == 0
    assert report.push.waiting == 1 and _waiting(room3) == 1  # kept for a clinician to send
    shared.engine.cycle()
    assert ("person", person.id) not in replica_documents(shared)
    room3.engine.cycle()
    shared.engine.cycle()
    assert ("person", person.id) in replica_documents(shared)


def test_a_replica_put_back_from_an_earlier_backup_does_not_lose_its_new_changes(
    practice: SyncPractice,
) -> None:
    room3 = practice.station("room3")
    room3.engine.cycle()
    for first in ("Jem", "Kit"):
        room3.ctx.services.people.create(
            make_person(first_name=first, family_name="Synthetic", nhs_number=None), room3.actor
        )
        room3.engine.cycle()
    # As a restore of this computer's store from a backup taken before those two were sent leaves it: its
    # operation numbers start again below what the server has seen from this workstation.
    with room3.ctx.store.sessions.begin() as session:
        session.execute(text("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'sync_outbox'"))
    later = room3.ctx.services.people.create(
        make_person(first_name="Lou", family_name="Synthetic"), room3.actor
    )
    report = room3.engine.cycle()
    assert report.push is not None and report.push.applied == 1 and report.push.duplicates == 0
    assert ("person", later.id) in server_documents(practice)


def test_a_record_in_the_way_here_holds_up_only_itself_not_the_rest_of_the_pull(
    practice: SyncPractice,
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    room5.engine.cycle()
    # Both register the same person (same NHS number) while apart; room 5's reaches the server first.
    room3.offline()
    mine = room3.ctx.services.people.create(
        make_person(first_name="Mo", family_name="Synthetic"), room3.actor
    )
    theirs = room5.ctx.services.people.create(
        make_person(first_name="Mo", family_name="Synthetic"), room5.actor
    )
    other = room5.ctx.services.people.create(
        make_person(first_name="Nell", family_name="Synthetic", nhs_number=None), room5.actor
    )
    room5.engine.cycle()
    room3.offline(False)
    report = room3.engine.cycle()
    assert report.connected and report.push is not None and report.push.refused  # said, and kept here
    assert _waiting(room3) == 1
    held = replica_documents(room3)
    assert ("person", other.id) in held and ("person", mine.id) in held  # the pull went on
    assert ("person", theirs.id) not in held  # waits until the two are sorted out


def test_a_persons_details_changed_on_both_sides_keep_the_servers_and_say_so(practice: SyncPractice) -> None:
    import dataclasses

    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    made = room3.ctx.services.people.create(
        make_person(first_name="Oli", family_name="Synthetic"), room3.actor
    )
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    here = room3.ctx.services.people.get(made.id)
    room3.ctx.services.people.update(made.id, dataclasses.replace(here.details, title="Dr"), room3.actor)
    there = room5.ctx.services.people.get(made.id)
    room5.ctx.services.people.update(made.id, dataclasses.replace(there.details, title="Prof"), room5.actor)
    room5.engine.cycle()
    room3.offline(False)
    report = room3.engine.cycle()
    assert report.push is not None and report.push.not_taken == ("person",)  # told, not silently dropped
    assert room3.ctx.services.people.get(made.id).details.title == "Prof"
    assert differences(server_documents(practice), replica_documents(room3)) == []


def test_a_draft_discarded_elsewhere_goes_here_too_unless_typing_here_waits(practice: SyncPractice) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    people = [
        room3.ctx.services.people.create(
            make_person(first_name=name, family_name="Synthetic", nhs_number=None), room3.actor
        )
        for name in ("Pia", "Quin")
    ]
    drafts = [room3.ctx.services.plans.start_draft(p.id, room3.actor) for p in people]
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    room3.ctx.services.plans.save_section(drafts[1].id, _about("Typed here while apart"), room3.actor)
    for draft in drafts:
        room5.ctx.services.plans.discard_draft(draft.id, room5.actor)
    room5.engine.cycle()
    room3.offline(False)
    room3.engine.cycle()
    assert ("plan", drafts[0].id) not in replica_documents(room3)  # discarded there, so gone here
    kept = room3.ctx.services.plans.get(drafts[1].id)  # what was typed here is not thrown away
    assert kept.content.about_me.about.what_matters == "Typed here while apart"
    assert differences(server_documents(practice), replica_documents(room3)) == []
