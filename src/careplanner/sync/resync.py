"""Bringing a whole replica level with the server: the first sync, after an epoch change, and a rebuild.

The server's newest change is read first (`head`), then every kind of document is listed with its revision
(`server_documents`); each one the replica lacks or holds at another revision is fetched and written
(replica_apply.py: saves still waiting here are never overwritten). With `delete_missing`, documents the
server does not have are removed from the replica, unless saves of them still wait here or they are agreed
versions (never removed by sync). Then the cursor is set to that head: later pulls carry on from there
(a change made while listing is simply fetched again).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from careplanner.models import Base
from careplanner.sync import server_side
from careplanner.sync.documents import KINDS, ROOT_TABLES, Document, read_document, status_of
from careplanner.sync.outbox import (
    DOCS,
    KIND_ORDER,
    OUTBOX,
    add_refetch,
    put_in_kind_order,
    queue,
    refetch_keys,
    set_state,
)
from careplanner.sync.replica_apply import apply_documents, local_documents

if TYPE_CHECKING:
    from careplanner.sync.engine import SyncEngine

log = logging.getLogger("careplanner.sync")

PAGE = 1000
FETCH = 200


def referred(doc: Document) -> list[tuple[str, str]]:
    """What a plan or a conflict needs in the replica before it can be written: its person, its users."""
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


def server_listing(server: Connection, kind: str) -> Iterator[tuple[str, int]]:
    """(id, revision) of every document of `kind` on the server, a page at a time."""
    after = ""
    while True:
        page = server_side.server_documents(server, kind, after, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]


def _fetch(server: Connection, keys: list[tuple[str, str]]) -> list[Document]:
    if server.in_transaction():  # one snapshot of its own, not an earlier read's transaction
        server.commit()
    with server_side.transaction(server, snapshot=True):
        docs = {key: read_document(server, *key) for key in keys}
        for doc in list(docs.values()):
            for key in referred(doc):
                if key not in docs:
                    docs[key] = read_document(server, *key)
    return list(docs.values())


def resync(engine: SyncEngine, server: Connection, *, delete_missing: bool, everything: bool = False) -> None:
    """Make the replica hold every document the server holds, at the server's revision (`everything`:
    fetch and compare every document, not only those whose revision differs: a rebuild)."""
    seq, txid = server_side.head(server)  # first: nothing changed while listing is missed
    epoch = server_side.epoch(server)
    missing: list[Document] = []
    for kind in sorted(KINDS, key=lambda k: KIND_ORDER.get(k, 5)):
        theirs = dict(server_listing(server, kind))
        with engine.replica() as session:
            conn = session.connection()
            ours = local_documents(conn, kind)
            given = {
                str(d): r
                for d, r in conn.execute(
                    select(DOCS.c.doc_id, DOCS.c.server_revision).where(DOCS.c.kind == kind)
                )
            }
            waiting = {str(d) for (d,) in conn.execute(select(OUTBOX.c.doc_id).where(OUTBOX.c.kind == kind))}
            # Agreeing does not move a plan's revision: its status and number are compared as well.
            ours_decided = _plan_decisions(conn.execute(text(_DECISIONS)).all()) if kind == "plan" else {}
        theirs_decided: dict[str, tuple[str, int | None]] = {}
        if kind == "plan":
            with server_side.transaction(server):
                theirs_decided = _plan_decisions(server.execute(text(_DECISIONS)).all())
        wanted = [
            (kind, doc_id)
            for doc_id, revision in sorted(theirs.items())
            if everything
            or doc_id not in ours
            or ours[doc_id] != revision
            or given.get(doc_id) != revision
            or ours_decided.get(doc_id) != theirs_decided.get(doc_id)
        ]
        for start in range(0, len(wanted), FETCH):
            engine.write(_fetch(server, wanted[start : start + FETCH]))
        if delete_missing:
            missing.extend(Document(kind, doc_id, {}) for doc_id in sorted(set(ours) - set(theirs) - waiting))
    if missing:
        # Plans before people (a person's plans refer to them); agreed versions are kept (replica_apply).
        with engine.replica() as session:
            conn = session.connection()
            frozen = {
                d.id
                for d in missing
                if d.kind == "plan" and status_of(read_document(conn, "plan", d.id)) not in (None, "draft")
            }
        gone = [d for d in missing if not (d.kind == "plan" and d.id in frozen)]
        engine.write(sorted(gone, key=lambda d: -KIND_ORDER.get(d.kind, 5)), ordered=True)
    with engine.local() as conn:
        set_state(conn, "epoch", epoch)
        set_state(conn, "cursor", str(seq))
        set_state(conn, "cursor_txid", str(txid))
        set_state(conn, "resync", None)
        set_state(conn, "last_pull_at", engine.now().isoformat())


def first_sync(engine: SyncEngine, server: Connection) -> None:
    """A replica that never synced: refuse one that holds records of its own, else fetch everything."""
    with engine.replica() as session:
        conn = session.connection()
        own = any(
            conn.execute(select(func.count()).select_from(Base.metadata.tables[ROOT_TABLES[k]])).scalar()
            for k in ("person", "plan")
        )
        waiting = int(conn.execute(select(func.count()).select_from(OUTBOX)).scalar() or 0)
    if own and not waiting:
        from careplanner.sync.engine import SyncStoppedError

        raise SyncStoppedError(
            "This computer's own store already holds records, so it cannot become a copy of the "
            "practice server's. Move them onto the server first (`careplanner server import-store`, "
            "the practice's IT), or join with a new data folder. Nothing was changed."
        )
    resync(engine, server, delete_missing=True)


def reconcile(engine: SyncEngine, server: Connection) -> None:
    """The server's history is not the one this replica followed (restored from a backup): send again
    everything it lacks or holds at an older revision (as `reconcile` operations, which the server applies
    where its copy is not newer), then take every document whose revision differs."""
    log.warning("The practice server's history changed (restored?): sending again what it may lack")
    with engine.local() as conn:
        set_state(conn, "resync", "1")
    lacking: list[tuple[str, str]] = []
    held: set[tuple[str, str]] = set()  # on the server too
    for kind in sorted(KINDS, key=lambda k: KIND_ORDER.get(k, 5)):
        theirs = dict(server_listing(server, kind))
        held.update((kind, doc_id) for doc_id in theirs)
        with engine.replica() as session:
            ours = local_documents(session.connection(), kind)
        for doc_id, revision in ours.items():
            if doc_id not in theirs or (revision is not None and theirs[doc_id] < revision):
                lacking.append((kind, doc_id))
    # An agreement does not move care_plan.revision: a version agreed here that the server holds as a
    # draft (or holds decided differently) is lacking too.
    with engine.replica() as session:
        ours_decided = _plan_decisions(session.execute(text(_DECISIONS)).all())
    with server_side.transaction(server):
        theirs_decided = _plan_decisions(server.execute(text(_DECISIONS)).all())
    lacking.extend(
        ("plan", plan_id)
        for plan_id, decided in ours_decided.items()
        if decided[0] != "draft" and plan_id in theirs_decided and theirs_decided[plan_id] != decided
    )
    differing = set(lacking)
    lacking = _sendable(engine, sorted(differing, key=lambda k: _send_order(k, ours_decided)))
    with engine.local() as conn:
        for key in lacking:  # one at a time: a person's versions reach the server in their own order
            queue(conn, [key], engine.now())
        put_in_kind_order(conn)  # a person it lost goes before a plan of theirs saved here meanwhile
        top = conn.execute(select(func.max(OUTBOX.c.op_seq))).scalar()
        set_state(conn, "reconcile_to", str(int(top or 0)))
        # What was sent comes back as the server took it (it may have numbered or dated it anew).
        # So does what differs and is not ours to send (the server's copy, e.g. re-sent by its own account,
        # replaces ours): its change rows lie before the head this replica's cursor moves to.
        add_refetch(conn, set(lacking) | (differing & held))
    engine.send(server)
    # Every document compared, not only those whose revision differs: after a restore the server's
    # numbers went back and may have come forward again to ours with other content (a person's fields the
    # server worked out again when a lost agreement came back, a colleague's edit since the restore).
    resync(engine, server, delete_missing=False, everything=True)
    fetch_again(engine, server)


_DECISIONS = "SELECT id, status, version_number FROM care_plan"


def _plan_decisions(rows: Iterable[Sequence[Any]]) -> dict[str, tuple[str, int | None]]:
    """plan id -> (status, version_number)."""
    return {str(r[0]): (str(r[1]), None if r[2] is None else int(r[2])) for r in rows}


def _send_order(key: tuple[str, str], decided: dict[str, tuple[str, int | None]]) -> tuple[int, int, str]:
    """Kinds in their order; plans' agreed versions by version number (then drafts), then by id."""
    number = decided.get(key[1], ("", None))[1] if key[0] == "plan" else None
    return (KIND_ORDER.get(key[0], 5), 1_000_000 if number is None else number, key[1])


def _sendable(engine: SyncEngine, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What this account may send again: the server refuses (and a refusal holds up everything after it)
    an account's or the practice's details from anyone but an administrator, plans and people from anyone
    but a clinician, and an agreement in another clinician's name (theirs sends it from their replica)."""
    actor = engine.actor
    kept: list[tuple[str, str]] = []
    with engine.replica() as session:
        conn = session.connection()
        for kind, doc_id in keys:
            if kind in ("user", "practice") and not actor.is_admin:
                continue
            if kind in ("plan", "person", "sync_conflict") and not actor.can_edit_plans:
                continue
            if kind == "plan":
                root = read_document(conn, kind, doc_id).root() or {}
                if root.get("status") != "draft" and root.get("agreed_by_id") != actor.id:
                    continue
            kept.append((kind, doc_id))
    return kept


def fetch_again(engine: SyncEngine, server: Connection) -> int:
    """Documents a pull skipped while saves of them waited here, or kept beside ours by the server (ours
    became a second copy): fetched afresh once nothing of theirs waits. Returns how many changed here."""
    with engine.replica() as session:
        conn = session.connection()
        wanted = refetch_keys(conn)
        waiting = {(str(k), str(d)) for k, d in conn.execute(select(OUTBOX.c.kind, OUTBOX.c.doc_id))}
    ready = sorted(wanted - waiting, key=lambda k: (KIND_ORDER.get(k[0], 5), k[1]))
    if not ready:
        return 0
    docs = _fetch(server, ready)
    with engine.local() as conn:
        applied = apply_documents(conn, docs, user_id=engine.actor.id, now=engine.now)
        left = (refetch_keys(conn) - set(ready)) | applied.skipped
        set_state(conn, "refetch", json.dumps(sorted(left)) if left else None)
    return applied.written


def check_numbering(engine: SyncEngine, server: Connection) -> None:
    """A replica put back from an earlier backup numbers its new operations from where the backup stood,
    and the server would skip them as already applied (lost). The server knowing a higher number than
    this copy ever gave out shows it: the replica pushes under a new workstation id from then on."""
    workstation = engine.workstation_id()
    with server_side.transaction(server):
        theirs = server.execute(
            text("SELECT last_op_seq FROM sync_client WHERE workstation_id = :w"), {"w": workstation}
        ).scalar()
    with engine.replica() as session:
        ours = session.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")).scalar()
    if theirs is None or int(theirs) <= int(ours or 0):
        return
    log.warning("This replica's operation numbers went back (restored from a backup?): new workstation id")
    with engine.local() as conn:
        set_state(conn, "workstation_id", str(uuid.uuid4()))
        set_state(conn, "sent_upto", None)
