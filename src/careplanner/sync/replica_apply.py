"""Writing the server's documents into the replica, in one local transaction per batch.

- A document with saves still waiting in the outbox is not touched: what was typed here is never
  overwritten by a pull. It is fetched again once its saves are sent (the engine's refetch list).
- An agreed or declined version is written the way the plan services write one (a draft, its rows, then
  its status), so the guard triggers allow it. Where the replica already holds that version differently
  (agreed here while offline, then agreed on the server by the same account at the server's time, with
  the server's number), the guards are dropped and made again inside the same transaction, only around
  removing the replica's copy; nothing else can write meanwhile (SQLite has one writer).
- Each version received is sealed in the replica's own audit trail, as agreeing in the app seals it, so
  `careplanner check` on the replica still vouches for every agreed version; a version replaced by the
  server's copy gets an entry of its own (REPLACED_BY_SERVER) carrying the new seal.
- sync_doc keeps the revision the server gave for each document: the base of the next local change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from careplanner.models.sync import SyncDoc
from careplanner.services import audit
from careplanner.services.store_verify import REPLACED_BY_SERVER
from careplanner.store import guards
from careplanner.sync.documents import Document, read_document, revision_of, status_of, write_document
from careplanner.sync.outbox import KIND_ORDER, waiting_documents

log = logging.getLogger("careplanner.sync")
DOCS = cast(Table, SyncDoc.__table__)
RECEIVED = "received from the practice server"


@dataclass
class Applied:
    written: int = 0
    unchanged: int = 0
    skipped: set[tuple[str, str]] = field(default_factory=set)  # waiting here: fetch again after the push
    replaced_versions: list[str] = field(default_factory=list)


def set_server_revision(conn: Connection, doc: Document) -> None:
    conn.execute(delete(DOCS).where(DOCS.c.kind == doc.kind, DOCS.c.doc_id == doc.id))
    if not doc.absent:
        conn.execute(insert(DOCS).values(kind=doc.kind, doc_id=doc.id, server_revision=revision_of(doc)))


def _frozen(doc: Document) -> bool:
    return status_of(doc) not in (None, "draft")


def _sealed(conn: Connection, plan_id: str) -> bool:
    found = conn.execute(
        text("SELECT 1 FROM audit_event WHERE plan_id = :p AND action IN (:a, :d, :r) LIMIT 1"),
        {
            "p": plan_id,
            "a": audit.Action.PLAN_AGREED,
            "d": audit.Action.PLAN_DECLINED,
            "r": REPLACED_BY_SERVER,
        },
    ).first()
    return found is not None


def _number_taken(conn: Connection, doc: Document, leaving: set[str]) -> set[str]:
    """Other versions of this person in the replica with the number the server gave `doc` (and not about
    to be replaced in this batch): an agreement made here and not yet sent, or one the server has since
    numbered anew (after a restore) whose new copy this replica has not fetched yet."""
    root = doc.root()
    if root is None or root.get("version_number") is None:
        return set()
    rows = conn.execute(
        text("SELECT id FROM care_plan WHERE person_id = :p AND version_number = :n AND id <> :id"),
        {"p": root.get("person_id"), "n": root.get("version_number"), "id": doc.id},
    ).all()
    return {str(r[0]) for r in rows} - leaving


def _remove_versions(conn: Connection, plan_ids: list[str]) -> None:
    """Remove the replica's own copies of versions the server holds differently, with the guards dropped
    and made again in this same transaction."""
    if not plan_ids:
        return
    for name in guards.expected_triggers():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for plan_id in plan_ids:
        write_document(conn, Document("plan", plan_id, {}))
    guards.create_all(conn.exec_driver_sql)


def _note_unsettled(conn: Connection, plan_id: str, user_id: str | None, now: Callable[[], datetime]) -> None:
    """The audit entry of a version agreed here that the server holds as a draft: no seal, so the check
    expects it no longer to be agreed."""
    session = Session(bind=conn)
    try:
        audit.record(
            session,
            REPLACED_BY_SERVER,
            user_id=user_id,
            plan_id=plan_id,
            detail=f"{RECEIVED}: a draft there",
            now=now,
            check_actor=False,
        )
        session.flush()
    finally:
        session.close()


def apply_documents(
    conn: Connection,
    documents: Sequence[Document],
    *,
    user_id: str | None,
    now: Callable[[], datetime],
    ordered: bool = False,
) -> Applied:
    """Write the server's `documents` into the replica in the caller's transaction (on a connection whose
    writes the outbox does not capture). In kind order (what others refer to first) unless `ordered`."""
    done = Applied()
    waiting = waiting_documents(conn)
    todo: list[tuple[Document, Document]] = []
    listed = documents if ordered else sorted(documents, key=lambda d: KIND_ORDER.get(d.kind, 5))
    for doc in listed:
        key = (doc.kind, doc.id)
        if key in waiting:
            done.skipped.add(key)
            continue
        current = read_document(conn, doc.kind, doc.id)
        if current == doc:
            done.unchanged += 1
            set_server_revision(conn, doc)
            continue
        todo.append((doc, current))
    # The server never removes an agreed version: one it lacks (a restored server) stays here.
    todo = [(d, c) for d, c in todo if not (d.kind == "plan" and d.absent and _frozen(c))]
    replace = [doc.id for doc, current in todo if doc.kind == "plan" and _frozen(current)]
    leaving = set(replace)
    kept: list[tuple[Document, Document]] = []
    for doc, current in todo:
        holders = _number_taken(conn, doc, leaving) if doc.kind == "plan" and _frozen(doc) else set()
        if holders:
            # Both fetched again together (unless the holder's saves wait here): the server's copy of the
            # holder frees the number in the same write.
            done.skipped.add((doc.kind, doc.id))
            done.skipped.update(("plan", holder) for holder in holders)
            if doc.id in leaving:
                leaving.discard(doc.id)
                replace.remove(doc.id)
            continue
        kept.append((doc, current))
    _remove_versions(conn, replace)
    agreed: list[str] = []
    declined: list[str] = []
    for doc, _current in kept:
        try:
            with conn.begin_nested():
                write_document(conn, doc)
        except IntegrityError:
            # Something here stands in its way (a person registered here with the same NHS number and not
            # yet taken by the server, say): this one document waits; the rest of the pull goes on.
            log.warning(
                "A %s from the server could not be written here yet; it is fetched again later", doc.kind
            )
            done.skipped.add((doc.kind, doc.id))
            continue
        set_server_revision(conn, doc)
        done.written += 1
        if doc.kind != "plan":
            continue
        if not _frozen(doc):
            if doc.id in leaving:  # agreed here, a draft on the server (its agreement kept beside it)
                _note_unsettled(conn, doc.id, user_id, now)
            continue
        if doc.id in leaving and _sealed(conn, doc.id):
            done.replaced_versions.append(doc.id)
        elif not _sealed(conn, doc.id):
            (declined if status_of(doc) == "declined" else agreed).append(doc.id)
    for ids, action in (
        (agreed, audit.Action.PLAN_AGREED),
        (declined, audit.Action.PLAN_DECLINED),
        (done.replaced_versions, REPLACED_BY_SERVER),
    ):
        audit.record_seals(conn, ids, action=action, user_id=user_id, note=RECEIVED, now=now)
    return done


def local_documents(conn: Connection, kind: str) -> dict[str, int | None]:
    """id -> revision of every document of `kind` in the replica (for a rebuild or a reconciliation)."""
    from careplanner.sync.documents import ROOT_TABLES

    table = ROOT_TABLES[kind]
    column = "revision" if kind == "plan" else "row_version"
    rows = conn.execute(select(text("id"), text(column)).select_from(text(table)))
    return {str(r[0]): (None if r[1] is None else int(r[1])) for r in rows}
