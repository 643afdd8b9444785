"""The workstation's sync engine: push what waits in the outbox, then pull what changed on the server.

- **Push** sends outbox operations in op_seq order, a batch at a time. Before a batch is sent, `sent_upto`
  is set in the replica (so a later save never changes an operation the server may have applied); after the
  server's answer, operations up to its `last_op_seq` are removed. A batch sent twice is skipped by the
  server, so a lost answer costs nothing. A refused operation is parked as "needs attention" (parked.py)
  and sent again later; everything after it goes on.
- **Pull** reads change batches after the cursor and writes the documents into the replica
  (replica_apply.py); the cursor and the txid of its change row are kept, so a server whose history is not
  the one followed (a restore from a backup) is noticed even under the same epoch.
- **Epoch change** (or a history that no longer matches): every waiting operation is sent with
  `reconcile`, every document the server lacks or holds at an older revision is queued again and sent,
  and then every document whose revision differs is fetched afresh.
- **Schema mismatch** (the server's Alembic revision is not the replica's): nothing is sent or written on
  either side; `problem` says so in plain words.
- **Rebuild**: the replica's documents replaced by the server's (after sending what waits).

Times come from `now` and are shown to people only; order comes from op_seq, seq and revisions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.server.errors import ServerBusyError, ServerSchemaError, ServerUnreachableError
from careplanner.services.users import Actor
from careplanner.store.errors import StoreError
from careplanner.store.migrate import current_revision
from careplanner.sync import parked, server_side
from careplanner.sync.documents import Document, loads
from careplanner.sync.outbox import APPLYING, OUTBOX, add_refetch, get_state, set_state, take_batch
from careplanner.sync.replica_apply import apply_documents
from careplanner.sync.reports import (
    Counts,
    CycleReport,
    PullReport,
    PushReport,
    SyncStoppedError,
    WaitingChangesError,
)
from careplanner.sync.resync import check_numbering, fetch_again, first_sync, reconcile, resync
from careplanner.sync.status import SyncService, SyncStatus

__all__ = [
    "CycleReport",
    "PullReport",
    "PushReport",
    "SyncEngine",
    "SyncStoppedError",
    "WaitingChangesError",
]

log = logging.getLogger("careplanner.sync")
_Report = TypeVar("_Report", PushReport, PullReport)

BATCH = 200
# Changes no row, but makes SQLite begin a write transaction and take the write lock.
_WRITE_LOCK = text("UPDATE sync_state SET value = value WHERE 0")
PULL_LIMIT = 500


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SyncEngine:
    """Push then pull between this workstation's replica and the practice server, as `actor`."""

    def __init__(
        self,
        replica: sessionmaker[Session],
        connect: Callable[[], Connection],
        actor: Actor,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._replica = replica
        self._connect = connect
        self._actor = actor
        self._now = now
        self._connected = False
        self._problem: str | None = None
        self.history_changed = False
        self._refused_before: tuple[str, ...] = ()

    # ---- the replica's side -----------------------------------------------------------------------------

    @contextmanager
    def _local(self) -> Iterator[Connection]:
        """One local transaction whose writes the outbox does not capture (sync's own bookkeeping)."""
        with self._replica.begin() as session:
            session.info[APPLYING] = True
            conn = session.connection()
            # The write lock first: what is read here (e.g. which documents wait) cannot change before
            # it is written (a save in the window meanwhile waits for this transaction, then goes on).
            conn.execute(_WRITE_LOCK)
            yield conn

    def _state(self, key: str) -> str | None:
        with self._replica() as session:
            return get_state(session.connection(), key)

    def workstation_id(self) -> str:
        found = self._state("workstation_id")
        if found:
            return found
        import uuid

        made = str(uuid.uuid4())
        with self._local() as conn:
            if get_state(conn, "workstation_id") is None:
                set_state(conn, "workstation_id", made)
            return get_state(conn, "workstation_id") or made

    # ---- the server's side ------------------------------------------------------------------------------

    def _open(self) -> Connection:
        """A connection to the server, or ServerUnreachableError (the replica notes since when)."""
        try:
            conn = self._connect()
        except DBAPIError as exc:
            from careplanner.server.store import classify

            known = classify(exc)
            self._went_offline()
            raise (known or ServerUnreachableError()) from exc
        except (StoreError, OSError):
            self._went_offline()
            raise
        return conn

    def _went_offline(self) -> None:
        self._connected = False
        with self._local() as conn:
            if get_state(conn, "offline_since") is None:
                set_state(conn, "offline_since", self._now().isoformat())

    def _came_online(self) -> None:
        self._connected = True
        with self._local() as conn:
            set_state(conn, "offline_since", None)

    def _check_schema(self, server: Connection) -> None:
        with server_side.transaction(server):  # (a dead connection raises here: the cycle says offline)
            table = server.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            theirs = (
                server.execute(text("SELECT version_num FROM alembic_version")).scalar() if table else None
            )
        with self._replica() as session:
            ours = current_revision(session.connection())
        self._connected = True  # reached, whatever it holds
        if theirs == ours:
            self._problem = None
            return
        self._problem = (
            "This computer and the practice server hold their records in different versions of Care "
            "Planner, so sync has stopped; nothing was sent or changed on either. "
            + (
                "Install the newer release on this computer."
                if theirs is not None and (ours or "") < theirs
                else "The practice's IT upgrades the server with `careplanner server upgrade`."
            )
        )
        log.warning("Sync stopped: schema revision differs from the server's")
        raise ServerSchemaError(self._problem)

    def _history_matches(self, server: Connection) -> bool:
        """The server's epoch is the one this replica followed, and its cursor's change is still there."""
        epoch = server_side.epoch(server)
        with self._replica() as session:
            conn = session.connection()
            ours, cursor, txid = (get_state(conn, k) for k in ("epoch", "cursor", "cursor_txid"))
            resync_due = get_state(conn, "resync") is not None
        if ours != epoch or resync_due:
            return False
        at = int(cursor or 0)
        return at == 0 or server_side.change_at(server, at) == int(txid or 0)

    def _begin(self) -> Connection:
        """Connect, refuse a schema mismatch, and settle a changed history (an epoch change) first."""
        server = self._open()
        try:
            self._check_schema(server)
            self._came_online()
            if self._state("epoch") is None:
                self._first_sync(server)
            elif not self._history_matches(server):
                self._reconcile(server)
        except BaseException:
            server.close()
            raise
        return server

    # ---- push -------------------------------------------------------------------------------------------

    def _next_batch(self) -> tuple[list[server_side.Op], dict[int, tuple[str, str]]]:
        with self._local() as conn:
            rows = take_batch(conn, BATCH, skip=parked.parked(conn))
            if not rows:
                return [], {}
            reconcile_to = int(get_state(conn, "reconcile_to") or 0)
        ops = [
            server_side.Op(
                int(seq), str(op_id), loads(str(payload)), base, reconcile=int(seq) <= reconcile_to
            )
            for seq, op_id, base, payload in rows
        ]
        return ops, {op.op_seq: (op.document.kind, op.document.id) for op in ops}

    def send(self, server: Connection) -> PushReport:
        """Push on an open connection (for resync.py); what it refused is told with the cycle's push."""
        report = self._push(server)
        self._refused_before += report.refused
        return report

    def _push(self, server: Connection) -> PushReport:
        counts = Counts()
        check_numbering(self, server)
        if not (self._actor.can_edit_plans or self._actor.is_admin):
            # A read-only account sends nothing (the server would refuse it): changes wait for a clinician.
            with self._replica() as session:
                return PushReport(waiting=int(session.scalar(select(func.count()).select_from(OUTBOX)) or 0))
        workstation = self.workstation_id()
        with self._local() as conn:
            parked.retry(conn, self._actor.id, self._now())
        while True:
            ops, keys = self._next_batch()
            if not ops:
                break
            _end_reads(server)  # each batch its own transaction (server_side.push retries it on a deadlock)
            result = server_side.push(server, workstation, ops, self._actor)
            counts.sent += len(ops)
            branched: set[tuple[str, str]] = set()
            refused: list[tuple[int, str]] = []
            for outcome in result.outcomes:
                if outcome.result == "applied":
                    counts.applied += 1
                elif outcome.result == "duplicate":
                    counts.duplicates += 1
                elif outcome.result == "branched":
                    counts.branched += 1
                    branched.add(keys[outcome.op_seq])
                    if keys[outcome.op_seq][0] != "plan":
                        counts.not_taken.append(keys[outcome.op_seq][0])
                elif outcome.result == "refused":
                    counts.refused.append(outcome.detail)
                    refused.append((outcome.op_seq, outcome.detail))
            with self._local() as conn:
                for outcome in result.outcomes:
                    if outcome.result in ("applied", "duplicate", "branched"):
                        parked.settle(conn, *keys[outcome.op_seq], outcome.op_seq)
                for seq, detail in refused:  # needs attention; the rest goes on (sync/parked.py)
                    parked.park(conn, seq, *keys[seq], detail, self._actor.id, self._now())
                parked.acknowledge(conn, result.last_op_seq)
                # Our copy is kept beside the server's: the server's is fetched again to replace ours here.
                add_refetch(conn, branched)
                set_state(conn, "last_push_at", self._now().isoformat())
            if result.last_op_seq < ops[-1].op_seq:
                break
        with self._replica() as session:
            waiting = int(session.scalar(select(func.count()).select_from(OUTBOX)) or 0)
        log.info(
            "Pushed %d operation(s): %d applied, %d kept as second copies, %d refused",
            counts.sent,
            counts.applied,
            counts.branched,
            len(counts.refused),
        )
        return PushReport(
            counts.sent,
            counts.applied,
            counts.duplicates,
            counts.branched,
            tuple(counts.refused),
            waiting,
            tuple(counts.not_taken),
        )

    # ---- pull -------------------------------------------------------------------------------------------

    # For resync.py: the replica, its uncaptured transactions, the clock, and writing fetched documents.
    @property
    def replica(self) -> sessionmaker[Session]:
        return self._replica

    @property
    def actor(self) -> Actor:
        return self._actor

    def local(self) -> AbstractContextManager[Connection]:
        return self._local()

    def now(self) -> datetime:
        return self._now()

    def write(self, documents: list[Document], *, ordered: bool = False) -> int:
        """Write fetched documents into the replica in one local transaction; returns how many changed."""
        with self._local() as conn:
            applied = apply_documents(conn, documents, user_id=self._actor.id, now=self._now, ordered=ordered)
            add_refetch(conn, applied.skipped)
        return applied.written

    def _pull(self, server: Connection) -> PullReport:
        received = written = kept = 0
        cursor = int(self._state("cursor") or 0)
        epoch = self._state("epoch")
        while True:
            _end_reads(server)  # a pull's own REPEATABLE READ snapshot, not an earlier open transaction
            batch = server_side.pull(server, cursor, PULL_LIMIT)
            if batch.epoch != epoch:
                break  # the server's history changed meanwhile: the next cycle reconciles
            with self._local() as conn:
                applied = apply_documents(conn, batch.documents, user_id=self._actor.id, now=self._now)
                add_refetch(conn, applied.skipped)
                set_state(conn, "cursor", str(batch.cursor))
                set_state(conn, "cursor_txid", str(batch.cursor_txid))
                set_state(conn, "last_pull_at", self._now().isoformat())
            received += len(batch.documents)
            written += applied.written
            kept += len(applied.skipped)
            cursor = batch.cursor
            if not batch.more:
                break
        written += fetch_again(self, server)
        return PullReport(received, written, kept, cursor)

    # ---- history: first sync, epoch change, rebuild ------------------------------------------------------

    def _first_sync(self, server: Connection) -> None:
        self.history_changed = True
        first_sync(self, server)

    def _reconcile(self, server: Connection) -> None:
        self.history_changed = True
        reconcile(self, server)

    def rebuild(self) -> None:
        """Replace the replica's documents with the server's, after sending what waits here."""
        server = self._open()
        try:
            self._check_schema(server)
            self._came_online()
            if self._state("epoch") is not None:
                if not self._history_matches(server):
                    self._reconcile(server)
                self._push(server)
            with self._replica() as session:
                waiting = int(session.scalar(select(func.count()).select_from(OUTBOX)) or 0)
            if waiting:
                raise WaitingChangesError(
                    f"{waiting} change(s) made on this computer have not reached the practice server yet, so "
                    "the copy was not rebuilt (it would lose them). Sync again when the server takes them."
                )
            self.history_changed = True
            resync(self, server, delete_missing=True, everything=True)
        finally:
            server.close()

    # ---- what the window and the command line call ------------------------------------------------------

    def push(self) -> PushReport:
        """One push. Offline or busy: ServerUnreachableError / ServerBusyError, as cycle() sees them."""
        return self._one(self._push)

    def pull(self) -> PullReport:
        """One pull. Offline or busy: ServerUnreachableError / ServerBusyError, as cycle() sees them."""
        return self._one(self._pull)

    def _one(self, step: Callable[[Connection], _Report]) -> _Report:
        try:
            server = self._begin()
            try:
                return step(server)
            finally:
                server.close()
        except (DBAPIError, PendingRollbackError) as exc:
            known = _outage(exc)
            if known is None:
                raise
            if isinstance(known, ServerUnreachableError):
                self._went_offline()
            raise known from exc

    def cycle(self) -> CycleReport:
        """Push then pull. Offline, busy, or stopped by a schema mismatch: said in the report, not raised."""
        self.history_changed = False
        self._refused_before = ()
        try:
            server = self._begin()
            try:
                pushed = self._push(server)
                if self._refused_before:  # refused while re-sending after an epoch change: said too
                    pushed = replace(pushed, refused=self._refused_before + pushed.refused)
                pulled = self._pull(server)
            finally:
                server.close()
        except ServerSchemaError:
            return CycleReport(None, None, True, self._problem)
        except (ServerUnreachableError, ServerBusyError) as exc:
            return self._interrupted(exc)
        except (DBAPIError, PendingRollbackError) as exc:
            known = _outage(exc)
            if known is None:
                raise
            return self._interrupted(known)
        return CycleReport(pushed, pulled, True, self._problem, self.history_changed)

    def _interrupted(self, exc: StoreError) -> CycleReport:
        """The server went away (or was too busy) part way: what was done is kept; the next cycle goes on."""
        if isinstance(exc, ServerUnreachableError):
            self._went_offline()
        return CycleReport(None, None, False, self._problem, self.history_changed)

    def status(self) -> SyncStatus:
        return SyncService(self._replica).status(self._connected, self._problem)


def _end_reads(server: Connection) -> None:
    """End the transaction earlier reads on this connection began (the schema and history checks, a
    listing): a push must not hold locks across batches, nor a pull read outside its own snapshot."""
    if server.in_transaction():
        server.commit()


def _outage(exc: Exception) -> StoreError | None:
    """An outage or a busy server as its typed error; None for anything else (a fault: raised as it is)."""
    if isinstance(exc, PendingRollbackError):  # the connection broke inside a transaction: as offline
        return ServerUnreachableError()
    from careplanner.server.store import classify

    known = classify(exc)
    if known is None and isinstance(exc, DBAPIError) and exc.connection_invalidated:
        known = ServerUnreachableError()  # the driver saw the connection drop, in other words
    return known if isinstance(known, ServerUnreachableError | ServerBusyError) else None
