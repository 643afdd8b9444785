"""The practice server's half of offline sync: what a workstation's engine calls, over a SQLAlchemy
Connection to the server signed in as the person using that workstation (their own login role, so the
database's grants and guard triggers hold them to what they may do).

- `pull`: the documents changed after the workstation's cursor, read in one REPEATABLE READ snapshot, with
  the cursor to keep. The change log (sync/change_log.py) numbers changes in commit order, so a snapshot
  that holds change n holds every change below n: a cursor never skips a slow transaction's change.
- `push`: a batch of a workstation's operations applied in one transaction with the workstation's newest
  operation number (sync_client.last_op_seq), so a batch sent again is skipped (sync/server_apply.py).
- `epoch`: a value that changes when the server's history does (`server init`, `server restore`); a
  workstation that sees a new one re-pushes what the server may have lost.
- `change_at`, `server_documents`, `head`: for a workstation checking the history it followed, and for
  building a replica from nothing.

Each function uses the caller's transaction when one is open; otherwise it begins and commits its own.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from psycopg.errors import DeadlockDetected, SerializationFailure
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor
from careplanner.sync.documents import ROOT_TABLES, Document, read_document

PUSH_ATTEMPTS = 6
# Between attempts after a deadlock: a random pause (seconds, growing), so pushes that chose each other as
# victims do not meet again at once.
RETRY_PAUSE = 0.05
# Pulled documents are listed so each can be written after what it refers to.
_KIND_ORDER = {
    "user": 0,
    "practice": 1,
    "directory_service": 1,
    "directory_leaflet": 1,
    "contingency_template": 1,
    "person": 2,
    "plan": 3,
    "sync_conflict": 4,
}


class SyncServerError(ServiceError):
    """The server cannot take part in sync (not a practice server of this release). Plain words only."""

    exit_code = 2


@dataclass(frozen=True)
class Op:
    op_seq: int
    op_id: str
    document: Document
    base_revision: int | None
    reconcile: bool = False


@dataclass(frozen=True)
class OpOutcome:
    """`result`: "applied" | "duplicate" | "branched" | "refused". A refused operation was not applied and
    not acknowledged: the batch stops there (last_op_seq is the operation before it), the workstation keeps
    it and the ones after it, and sends them again later. `detail` in plain words, never patient data."""

    op_seq: int
    result: str
    doc_id: str
    detail: str


@dataclass(frozen=True)
class PushResult:
    epoch: str
    last_op_seq: int
    outcomes: list[OpOutcome]


@dataclass(frozen=True)
class PullBatch:
    epoch: str
    documents: list[Document]
    cursor: int
    cursor_txid: int
    more: bool


@contextmanager
def transaction(conn: Connection, *, snapshot: bool = False) -> Iterator[None]:
    """The caller's open transaction, or a new one committed on success. `snapshot`: a new transaction
    is REPEATABLE READ and READ ONLY (one consistent view for a pull)."""
    if conn.in_transaction():
        yield
        return
    with conn.begin():
        if snapshot and conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        yield


def _require_server(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise SyncServerError("Sync answers only on the practice server, not on a workstation's store.")


def epoch(conn: Connection) -> str:
    """The server's current epoch (a UUID as text)."""
    _require_server(conn)
    with transaction(conn):
        found = conn.execute(text("SELECT epoch FROM sync_epoch WHERE id = 1")).scalar()
    if not found:
        raise SyncServerError("The practice server has no sync epoch: run `careplanner server upgrade`.")
    return str(found)


def new_epoch(conn: Connection) -> str:
    """Give the server a new epoch (its history is not the one workstations followed). Database owner only:
    `server init` and `server restore`. In the caller's transaction when one is open.

    It notes when the epoch began and the newest time the server's history holds (its audit trail's
    newest entry; none on a new server): after a restore, agreements made between the two were lost, and
    may come back with their own times (server_restored.py, the agreement guard)."""
    _require_server(conn)
    value = str(uuid.uuid4())
    with transaction(conn):
        conn.execute(
            text(
                "INSERT INTO sync_epoch (id, epoch, began_at, lost_after) VALUES (1, :e, "
                "clock_timestamp() AT TIME ZONE 'UTC', (SELECT max(at) FROM audit_event)) "
                "ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch, began_at = EXCLUDED.began_at, "
                "lost_after = EXCLUDED.lost_after"
            ),
            {"e": value},
        )
    return value


def change_at(conn: Connection, seq: int) -> int | None:
    """The txid of the change numbered `seq`, or None when the server has no such change."""
    _require_server(conn)
    with transaction(conn):
        found = conn.execute(text("SELECT txid FROM sync_change WHERE seq = :s"), {"s": seq}).scalar()
    return None if found is None else int(found)


def head(conn: Connection) -> tuple[int, int]:
    """(seq, txid) of the newest change (0, 0 when none): where a replica built from `server_documents`
    starts pulling. Read it *before* listing the documents, so nothing changed meanwhile is missed."""
    _require_server(conn)
    with transaction(conn):
        row = conn.execute(text("SELECT seq, txid FROM sync_change ORDER BY seq DESC LIMIT 1")).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def server_documents(conn: Connection, kind: str, after_id: str, limit: int) -> list[tuple[str, int]]:
    """(id, revision) of up to `limit` documents of `kind` with ids after `after_id`, in id order: a plan's
    revision is care_plan.revision, any other document's its row_version."""
    _require_server(conn)
    table = ROOT_TABLES.get(kind)
    if table is None:
        raise SyncServerError("That is not a kind of document that is synced.")
    column = "revision" if kind == "plan" else "row_version"
    with transaction(conn):
        rows = conn.execute(
            text(f"SELECT id, {column} FROM {table} WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after_id, "n": limit},
        ).all()
    return [(str(r[0]), int(r[1])) for r in rows]


def _referred(doc: Document) -> list[tuple[str, str]]:
    """The documents a plan or a conflict refers to, so a replica can write it (its person, its users)."""
    root = doc.root()
    if root is None:
        return []
    found: list[tuple[str, str]] = []
    if doc.kind in ("plan", "sync_conflict") and isinstance(root.get("person_id"), str):
        found.append(("person", str(root["person_id"])))
    for column in ("started_by_id", "agreed_by_id", "resolved_by_id"):
        value = root.get(column)
        if isinstance(value, str) and value:
            found.append(("user", value))
    return found


def pull(conn: Connection, cursor: int, limit: int = 500) -> PullBatch:
    """The documents changed after `cursor` (up to about `limit` changes, never splitting a transaction's
    changes), each as it is now, and the cursor to keep, all from one snapshot."""
    _require_server(conn)
    with transaction(conn, snapshot=True):
        current = epoch(conn)
        rows = list(
            conn.execute(
                text("SELECT seq, txid, kind, doc_id FROM sync_change WHERE seq > :c ORDER BY seq LIMIT :n"),
                {"c": cursor, "n": max(limit, 1)},
            ).all()
        )
        if rows:
            last_seq, last_txid = int(rows[-1][0]), int(rows[-1][1])
            # The rest of the last transaction's changes (numbered together, under one lock).
            rows += conn.execute(
                text(
                    "SELECT seq, txid, kind, doc_id FROM sync_change "
                    "WHERE seq > :s AND txid = :t ORDER BY seq"
                ),
                {"s": last_seq, "t": last_txid},
            ).all()
        wanted: dict[tuple[str, str], None] = {}
        for _seq, _txid, kind, doc_id in rows:
            if str(kind) in ROOT_TABLES:
                wanted[(str(kind), str(doc_id))] = None
        documents: dict[tuple[str, str], Document] = {}
        for key in list(wanted):
            documents[key] = read_document(conn, *key)
        for doc in list(documents.values()):
            for key in _referred(doc):
                if key not in documents:
                    documents[key] = read_document(conn, *key)
        if rows:
            new_cursor, new_txid = int(rows[-1][0]), int(rows[-1][1])
            more = (
                conn.execute(
                    text("SELECT 1 FROM sync_change WHERE seq > :s LIMIT 1"), {"s": new_cursor}
                ).first()
                is not None
            )
        else:
            new_cursor, more = cursor, False
            at = conn.execute(text("SELECT txid FROM sync_change WHERE seq = :s"), {"s": cursor}).scalar()
            new_txid = int(at) if at is not None else 0
    ordered = sorted(documents.values(), key=lambda d: _KIND_ORDER.get(d.kind, 5))
    return PullBatch(current, ordered, new_cursor, new_txid, more)


def push(conn: Connection, workstation_id: str, ops: Sequence[Op], actor: Actor) -> PushResult:
    """Apply a workstation's operations in op_seq order, in one transaction (sync/server_apply.py)."""
    _require_server(conn)
    from careplanner.sync.server_apply import apply_batch

    if conn.in_transaction():
        current = epoch(conn)
        last, outcomes = apply_batch(conn, workstation_id, ops, actor)
        return PushResult(current, last, outcomes)
    for attempt in range(PUSH_ATTEMPTS):
        try:
            with conn.begin():
                current = epoch(conn)
                last, outcomes = apply_batch(conn, workstation_id, ops, actor)
            return PushResult(current, last, outcomes)
        except DBAPIError as exc:
            # Chosen by PostgreSQL to break a deadlock with another transaction (say, a save that took the
            # same rows in another order): rolled back whole, so it is simply tried again.
            if (
                not isinstance(exc.orig, DeadlockDetected | SerializationFailure)
                or attempt + 1 == PUSH_ATTEMPTS
            ):
                raise
            time.sleep(random.uniform(0, RETRY_PAUSE * 2**attempt))
    raise AssertionError("unreachable")
