"""The replica's outbox: every local change notes the documents it touched in `sync_outbox`, in the same
local transaction, so a change is either saved with its outbox row or not at all.

Capture runs on the replica's session factory (SQLAlchemy session events), so every service saves through
it unchanged: `after_flush` collects the documents each flush touched (documents.documents_touched),
`do_orm_execute` those of statements run outside the unit of work (a bulk insert), and `before_commit`
flushes and queues one operation per document touched.

A document waits in one operation however often it is saved: its snapshot is read from the replica when
a push takes the operation (`take_batch`, in one transaction with the push's fence), so it carries every
save, in the order the documents were first changed (a person before the plan that needs them), and an
autosave costs a row, not a copy of the plan. Once taken, an operation (op_seq at or below `sent_upto`)
is never changed: the server may have applied it and skips it when it is sent again; a later save of the
same document waits in a new operation.

Writes by sync itself (a pull applying the server's documents) set `session.info[APPLYING]` and are not
captured.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from careplanner.models.sync import SyncDoc, SyncOutbox, SyncState
from careplanner.sync import person_merge
from careplanner.sync.documents import (
    TOUCHED_KEY,
    Document,
    documents_touched,
    dumps,
    forget_touched,
    loads,
    note_execute,
    read_document,
)

OUTBOX = cast(Table, SyncOutbox.__table__)
STATE = cast(Table, SyncState.__table__)
DOCS = cast(Table, SyncDoc.__table__)
PENDING = "careplanner.sync.pending"
APPLYING = "careplanner.sync.applying"
INSTALLED = "_careplanner_outbox_installed"
# Documents are queued in an order the server can apply them in: what others refer to first.
KIND_ORDER = {
    "user": 0,
    "practice": 1,
    "directory_service": 1,
    "directory_leaflet": 1,
    "contingency_template": 1,
    "person": 2,
    "plan": 3,
    "sync_conflict": 4,
}


def get_state(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(STATE.c.value).where(STATE.c.key == key)).scalar()
    return None if value is None else str(value)


def set_state(conn: Connection, key: str, value: str | None) -> None:
    """Keep (or with None, remove) one sync_state value, in the caller's transaction."""
    conn.execute(delete(STATE).where(STATE.c.key == key))
    if value is not None:
        conn.execute(insert(STATE).values(key=key, value=value))


def refetch_keys(conn: Connection) -> set[tuple[str, str]]:
    """Documents to fetch from the server again once nothing of theirs waits here (sync_state)."""
    raw = get_state(conn, "refetch")
    return {(str(k), str(i)) for k, i in json.loads(raw)} if raw else set()


def add_refetch(conn: Connection, keys: set[tuple[str, str]]) -> None:
    if keys:
        set_state(conn, "refetch", json.dumps(sorted(refetch_keys(conn) | keys)))


def server_revision(conn: Connection, kind: str, doc_id: str) -> int | None:
    """The revision the server last gave this replica for the document (None: never from the server)."""
    value = conn.execute(
        select(DOCS.c.server_revision).where(DOCS.c.kind == kind, DOCS.c.doc_id == doc_id)
    ).scalar()
    return None if value is None else int(value)


def waiting_documents(conn: Connection) -> set[tuple[str, str]]:
    return {(str(k), str(d)) for k, d in conn.execute(select(OUTBOX.c.kind, OUTBOX.c.doc_id).distinct())}


def queue(conn: Connection, keys: Iterable[tuple[str, str]], now: datetime) -> int:
    """Queue each document to be sent, in the caller's transaction (the one that changed them); returns
    how many operations were added. A document that already waits unsent keeps its operation (its order,
    id and base): its snapshot is read when a push takes it (`take_batch`), so it carries every save."""
    fence = int(get_state(conn, "sent_upto") or 0)
    count = 0
    for kind, doc_id in sorted(set(keys), key=lambda k: (KIND_ORDER.get(k[0], 5), k[1])):
        latest = conn.execute(
            select(func.max(OUTBOX.c.op_seq)).where(OUTBOX.c.kind == kind, OUTBOX.c.doc_id == doc_id)
        ).scalar()
        if latest is not None and int(latest) > fence:
            conn.execute(update(OUTBOX).where(OUTBOX.c.op_seq == latest).values(made_at=now))
            continue
        conn.execute(
            insert(OUTBOX).values(
                op_id=str(uuid.uuid4()),
                kind=kind,
                doc_id=doc_id,
                base_revision=server_revision(conn, kind, doc_id),
                payload="",
                made_at=now,
            )
        )
        count += 1
    return count


def put_in_kind_order(conn: Connection) -> None:
    """Renumber the operations no push has taken yet (above `sent_upto`) so that what others refer to
    goes first (KIND_ORDER: a person before their plans), each kind in its own order. For a catch-up
    after a restore (resync.reconcile): it queues again a person the restored server lost behind a save
    of their plan made here meanwhile, which the server would refuse ("the person is not on the server
    yet"). Only untaken operations move: their ids and bases stay, and none was ever sent."""
    fence = int(get_state(conn, "sent_upto") or 0)
    rows = conn.execute(
        select(OUTBOX.c.op_seq, OUTBOX.c.op_id, OUTBOX.c.kind, OUTBOX.c.doc_id, OUTBOX.c.base_revision)
        .add_columns(OUTBOX.c.payload, OUTBOX.c.made_at)
        .where(OUTBOX.c.op_seq > fence)
        .order_by(OUTBOX.c.op_seq)
    ).all()
    wanted = sorted(rows, key=lambda r: (KIND_ORDER.get(str(r.kind), 5), int(r.op_seq)))
    if [r.op_seq for r in wanted] == [r.op_seq for r in rows]:
        return
    top = int(conn.execute(select(func.max(OUTBOX.c.op_seq))).scalar() or 0)
    conn.execute(delete(OUTBOX).where(OUTBOX.c.op_seq > fence))
    for number, row in enumerate(wanted, start=top + 1):
        values = {k: v for k, v in row._mapping.items() if k != "op_seq"}
        conn.execute(insert(OUTBOX).values(op_seq=number, **values))


def take_batch(
    conn: Connection, limit: int, skip: Iterable[int] = ()
) -> list[tuple[int, str, int | None, str]]:
    """The first `limit` waiting operations for a push, as (op_seq, op_id, base_revision, payload): each
    one's snapshot is read now, from this one transaction, and kept with it, and `sent_upto` is moved past
    them, so if the push is sent again (its answer lost) the server gets exactly what it may have applied.
    Operations in `skip` (parked: sync/parked.py) are left where they are. Call in a transaction that holds
    the write lock."""
    rows = conn.execute(
        select(
            OUTBOX.c.op_seq,
            OUTBOX.c.op_id,
            OUTBOX.c.kind,
            OUTBOX.c.doc_id,
            OUTBOX.c.base_revision,
            OUTBOX.c.payload,
        )
        .where(OUTBOX.c.op_seq.not_in(list(skip)))
        .order_by(OUTBOX.c.op_seq)
        .limit(limit)
    ).all()
    taken: list[tuple[int, str, int | None, str]] = []
    for seq, op_id, kind, doc_id, base, payload in rows:
        if not payload:
            payload = dumps(person_merge.with_bases(conn, read_document(conn, str(kind), str(doc_id))))
            conn.execute(update(OUTBOX).where(OUTBOX.c.op_seq == seq).values(payload=payload))
        taken.append((int(seq), str(op_id), None if base is None else int(base), str(payload)))
    if taken:
        fence = max(int(get_state(conn, "sent_upto") or 0), taken[-1][0])
        set_state(conn, "sent_upto", str(fence))
    return taken


def snapshots(conn: Connection) -> dict[tuple[str, str], Document]:
    """Each waiting document as a push would send it now: the snapshot taken with its newest operation,
    or (not yet taken) the document as it is in the replica."""
    out: dict[tuple[str, str], Document] = {}
    for kind, doc_id, payload in conn.execute(
        select(OUTBOX.c.kind, OUTBOX.c.doc_id, OUTBOX.c.payload).order_by(OUTBOX.c.op_seq)
    ):
        key = (str(kind), str(doc_id))
        out[key] = person_merge.split(loads(str(payload)))[0] if payload else read_document(conn, *key)
    return out


def waiting_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(OUTBOX)).scalar_one())


def install(sessions: sessionmaker[Session], now: Callable[[], datetime]) -> None:
    """Capture every change made through `sessions` into the outbox (once per session factory)."""
    if getattr(sessions, INSTALLED, False):
        return

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        if not session.info.get(APPLYING):
            person_merge.note_row_bases(session)

    def after_flush(session: Session, _context: Any) -> None:
        if session.info.get(APPLYING):
            forget_touched(session)
            return
        person_merge.note_bases(session)
        pending: set[tuple[str, str]] = session.info.setdefault(PENDING, set())
        pending.update(documents_touched(session))
        forget_touched(session)

    def do_orm_execute(state: Any) -> None:
        if not state.session.info.get(APPLYING):
            note_execute(state)

    def before_commit(session: Session) -> None:
        if session.info.get(APPLYING):
            return
        session.flush()  # the commit's own flush comes after this hook: collect what it would write
        pending: set[tuple[str, str]] = session.info.pop(PENDING, set())
        pending.update(session.info.pop(TOUCHED_KEY, set()))
        if pending:
            queue(session.connection(), pending, now())
        person_merge.keep_bases(session, session.connection())

    def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the whole transaction ended (committed, or rolled back)
            session.info.pop(PENDING, None)
            person_merge.forget_bases(session)
            forget_touched(session)

    event.listen(sessions, "before_flush", before_flush)
    event.listen(sessions, "after_flush", after_flush)
    event.listen(sessions, "do_orm_execute", do_orm_execute)
    event.listen(sessions, "before_commit", before_commit)
    event.listen(sessions, "after_transaction_end", after_transaction_end)
    setattr(sessions, INSTALLED, True)
