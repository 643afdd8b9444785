"""The practice server's change log and pulls, and who may do what, against the real PostgreSQL, connected
as each person's own login role: changes are numbered in commit order so a pull cursor never skips one; a
reader cannot push and nobody can write the change log or the epoch (pushes: test_server_side_push.py).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from careplanner.services.errors import NotAllowedError
from careplanner.services.store_verify import trigger_problems
from careplanner.sync import server_side
from careplanner.sync.documents import Document
from careplanner.sync.server_side import Op
from tests.server_provisioned import ProvisionedDatabase
from tests.sync.server_side_support import (
    CHAIN_LOCK,
    NURSE,
    READER,
    Online,
    new_practice,
    nhs,
    push,
    what_matters,
)


@pytest.fixture(scope="module")
def db() -> Iterator[ProvisionedDatabase]:
    made = new_practice()
    yield made
    made.server.drop_database(made.database)


# ---- the change log and pulls --------------------------------------------------------------------------


def test_a_pull_returns_each_changed_document_with_its_person_and_a_cursor_at_the_head(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    engine = db.engine_as(READER)
    try:
        with engine.connect() as conn:
            start, _ = server_side.head(conn)
        online = Online(db, NURSE, tmp_path)
        try:
            person_id, draft_id = online.person_with_draft(nhs(), "Gardening with my grandson")
        finally:
            online.close()
        with engine.connect() as conn:
            batch = server_side.pull(conn, start)
            kinds = {(d.kind, d.id) for d in batch.documents}
            assert ("person", person_id) in kinds and ("plan", draft_id) in kinds
            assert ("user", online.actor.id) in kinds  # who started the draft, so a replica can write it
            plan = next(d for d in batch.documents if d.kind == "plan")
            assert what_matters(plan) == "Gardening with my grandson"
            # Users come before people, people before plans: each can be written after what it refers to.
            order = [d.kind for d in batch.documents]
            assert order.index("user") < order.index("person") < order.index("plan")
            assert (batch.cursor, batch.cursor_txid) == server_side.head(conn)
            assert batch.cursor > start and not batch.more
            assert server_side.change_at(conn, batch.cursor) == batch.cursor_txid
            again = server_side.pull(conn, batch.cursor)
            assert again.documents == [] and again.cursor == batch.cursor
            assert batch.epoch == server_side.epoch(conn) == again.epoch
            ids = [i for i, _ in server_side.server_documents(conn, "plan", "", 1000)]
            assert draft_id in ids
    finally:
        engine.dispose()


def test_a_commit_waits_for_the_chain_lock_so_change_numbers_follow_commit_order(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    online = Online(db, NURSE, tmp_path)
    try:
        first, _ = online.person_with_draft(nhs(), "Swimming")
        second, _ = online.person_with_draft(nhs(), "Reading")
    finally:
        online.close()
    with db.connect("ada") as watcher:
        start = int(str(watcher.execute("SELECT coalesce(max(seq), 0) FROM sync_change").fetchone()[0]))  # type: ignore[index]
    slow, fast = db.connect(NURSE), db.connect(NURSE)
    committed = threading.Event()
    try:
        slow.autocommit = fast.autocommit = False
        # The slow transaction holds the chain lock (as one appending to the audit trail does) and changes
        # the first person; the fast one changes the second person and tries to commit first.
        slow.execute(CHAIN_LOCK)
        slow.execute("UPDATE person SET title = 'Mrs' WHERE id = %s", (first,))
        fast.execute("UPDATE person SET title = 'Mr' WHERE id = %s", (second,))

        def commit_fast() -> None:
            fast.commit()
            committed.set()

        thread = threading.Thread(target=commit_fast)
        thread.start()
        assert not committed.wait(1.0), "the later change committed while the earlier one held the lock"
        engine = db.engine_as(READER)
        try:
            with engine.connect() as conn:
                assert server_side.pull(conn, start).documents == []  # neither is visible yet
            slow.commit()
            thread.join(10)
            assert committed.is_set()
            with engine.connect() as conn:
                batch = server_side.pull(conn, start)
        finally:
            engine.dispose()
    finally:
        slow.close()
        fast.close()
    with db.connect("ada") as watcher:
        rows = watcher.execute(
            "SELECT seq, doc_id FROM sync_change WHERE seq > %s AND kind = 'person' ORDER BY seq", (start,)
        ).fetchall()
    assert [str(r[1]) for r in rows] == [first, second]  # numbered in the order they committed
    assert [d.id for d in batch.documents if d.kind == "person"] == [first, second]


def test_a_puller_racing_many_writers_never_skips_a_change(db: ProvisionedDatabase, tmp_path: Path) -> None:
    online = Online(db, NURSE, tmp_path)
    try:
        people = [online.person_with_draft(nhs(), "Baking")[0] for _ in range(2)]
    finally:
        online.close()
    with db.connect("ada") as watcher:
        start = int(str(watcher.execute("SELECT coalesce(max(seq), 0) FROM sync_change").fetchone()[0]))  # type: ignore[index]
    writes_each, stop = 25, threading.Event()
    failures: list[BaseException] = []

    def writer(person_id: str, title: str) -> None:
        try:
            with db.connect(NURSE) as conn:
                for n in range(writes_each):
                    conn.execute("UPDATE person SET title = %s WHERE id = %s", (f"{title}{n}", person_id))
        except BaseException as exc:
            failures.append(exc)

    holes: list[list[int]] = []
    final: list[int] = []

    def puller() -> None:
        # Each snapshot must show the numbers as a prefix with no hole: a hole is a change numbered below
        # one already visible but not yet committed, which a cursor would skip for good.
        engine = db.engine_as(READER)
        cursor = start
        try:
            while True:
                done = stop.is_set()
                with engine.connect() as conn:
                    with server_side.transaction(conn, snapshot=True):
                        visible = [
                            int(r[0])
                            for r in conn.execute(
                                text("SELECT seq FROM sync_change WHERE seq > :s ORDER BY seq"), {"s": start}
                            )
                        ]
                    if visible != list(range(start + 1, start + 1 + len(visible))):
                        holes.append(visible)
                    batch = server_side.pull(conn, cursor, limit=3)
                cursor = batch.cursor
                if done and not batch.more:
                    final.append(cursor)
                    return
        finally:
            engine.dispose()

    threads = [threading.Thread(target=writer, args=(p, t)) for p, t in zip(people * 2, "ABCD", strict=True)]
    reading = threading.Thread(target=puller)
    reading.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    stop.set()
    reading.join(60)
    assert not failures
    with db.connect("ada") as watcher:
        every = [
            int(str(r[0])) for r in watcher.execute("SELECT seq FROM sync_change WHERE seq > %s", (start,))
        ]
    assert len(every) == 4 * writes_each  # one change per transaction and document
    assert sorted(every) == list(range(start + 1, start + 1 + len(every)))  # no gaps
    assert holes == []  # no snapshot ever showed a later change without an earlier one
    assert final == [max(every)]  # the pulls reached the newest change


# ---- who may do what -----------------------------------------------------------------------------------


def test_a_reader_cannot_push_and_nobody_writes_the_change_log_or_the_epoch(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    reader = Online(db, READER, tmp_path)
    reader.close()
    doc = Document("directory_service", str(uuid.uuid4()), {})
    with pytest.raises(NotAllowedError):
        push(db, READER, reader.actor, [Op(1, str(uuid.uuid4()), doc, None)], ws)
    with db.connect(READER) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("INSERT INTO sync_client (workstation_id, last_op_seq, user_name) VALUES ('x', 9, '')")
    for username in (NURSE, "ada"):
        with db.connect(username) as conn:
            for sql in (
                "INSERT INTO sync_change (seq, txid, kind, doc_id) VALUES (999999, 1, 'plan', 'x')",
                "UPDATE sync_change SET doc_id = doc_id",
                "DELETE FROM sync_change",
                "UPDATE sync_epoch SET epoch = 'forged'",
                "ALTER TABLE person DISABLE TRIGGER person_sync_change",
                "DROP TRIGGER person_sync_change ON person",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)


def test_a_new_epoch_replaces_the_old_one(db: ProvisionedDatabase) -> None:
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            before = server_side.epoch(conn)
            made = server_side.new_epoch(conn)
            assert server_side.epoch(conn) == made != before
    finally:
        engine.dispose()


def test_check_on_the_server_finds_a_switched_off_change_log_trigger(db: ProvisionedDatabase) -> None:
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            assert trigger_problems(conn) == []
            conn.execute(text("ALTER TABLE care_plan DISABLE TRIGGER care_plan_sync_change"))
            problems = trigger_problems(conn)
            conn.rollback()
            assert trigger_problems(conn) == []
    finally:
        engine.dispose()
    assert any("change-log trigger" in p and "care_plan_sync_change" in p for p in problems)
