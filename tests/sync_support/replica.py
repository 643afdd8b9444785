"""A workstation's replica for the fault tests, opened the way the app opens one (sync/replica_open.py:
`open_replica_context`, signed in online through `ReplicaLink`, synced by its `SyncEngine`), with what
the tests need around it: the push batches sent (to send one again later), syncing until quiet through
outages, and a clock that may be skewed.

The replica's key is a passphrase here (a real SQLCipher store all the same) so ten processes do not queue
on one keyring; stores made here record the tests' lower scrypt cost, as tests/conftest.py does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from careplanner.app import AppContext, open_replica_context
from careplanner.config import resolve_paths
from careplanner.server.connection import ServerAddress
from careplanner.server.errors import ServerBusyError, ServerUnreachableError
from careplanner.server.joined import JoinedServer
from careplanner.server.store import classify
from careplanner.services.container import Clock, Services
from careplanner.services.users import Actor
from careplanner.store import keys
from careplanner.sync import server_side
from careplanner.sync.engine import SyncEngine
from careplanner.sync.status import SyncService
from tests.sync_support.script import Log

PASSPHRASE = b"synthetic replica passphrase for the fault tests"
# Every batch this process's engine pushed, in order, with the server's outcome for each operation.
SENT: list[tuple[list[server_side.Op], list[str]]] = []
_real_push = server_side.push


def _recording_push(
    conn: Connection, workstation_id: str, ops: Sequence[server_side.Op], actor: Actor
) -> server_side.PushResult:
    result = _real_push(conn, workstation_id, ops, actor)
    SENT.append((list(ops), [o.result for o in result.outcomes]))
    return result


@dataclass
class Replica:
    ctx: AppContext
    actor: Actor
    engine_: SyncEngine
    connect: Callable[[], Connection]
    errors: list[str] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        """The replica store's SQLAlchemy engine."""
        store_engine = getattr(self.ctx.store, "engine")  # noqa: B009 - Store and ServerStore alike
        assert isinstance(store_engine, Engine)
        return store_engine

    def conflicts(self) -> list[Any]:
        return list(SyncService(self.ctx.store.sessions).conflicts())

    def waiting(self) -> int:
        return len(SyncService(self.ctx.store.sessions).waiting())

    @staticmethod
    def _expected(exc: BaseException) -> str | None:
        """The plain, typed name of an outage or a busy server (both are answers, tried again); None for
        anything else, which is a fault the test fails on."""
        known = classify(exc) if isinstance(exc, DBAPIError) else exc
        if isinstance(known, ServerUnreachableError | ServerBusyError):
            return type(known).__name__
        return None

    def sync_until_quiet(self, seconds: float, log: Log) -> dict[str, Any]:
        """Cycles until a cycle sent nothing, nothing waits and nothing more came; through outages, for up
        to `seconds` (0: one try)."""
        deadline = time.monotonic() + seconds
        tries = failures = 0
        while True:
            tries += 1
            sent_before = len(SENT)
            try:
                report = self.engine_.cycle()
            except Exception as exc:
                if self._expected(exc) is None:
                    raise
                failures += 1
                log.write("unreachable", error=self._expected(exc))
                report = None
            _log_pushes(log, SENT[sent_before:])
            if report is not None and not report.connected:
                log.write("interrupted", history_changed=report.history_changed)
            if report is not None and report.problem:
                raise AssertionError(f"sync stopped: {report.problem}")
            if report is not None and report.connected:
                assert report.push is not None and report.pull is not None
                log.write(
                    "cycle", sent=report.push.sent, applied=report.push.applied,
                    duplicates=report.push.duplicates, branched=report.push.branched,
                    refused=list(report.push.refused), received=report.pull.received,
                    written=report.pull.written,
                )  # fmt: skip
                assert not report.push.refused, f"the server refused: {report.push.refused}"
                if report.push.sent == 0 and report.push.waiting == 0 and self.waiting() == 0:
                    return {"quiet": True, "waiting": 0, "tries": tries, "failures": failures}
            else:
                failures += report is not None
            if time.monotonic() >= deadline:
                return {"quiet": False, "waiting": self.waiting(), "tries": tries, "failures": failures}
            time.sleep(0.2)

    def once(self, which: str, log: Log) -> dict[str, Any]:
        """One push or one pull. An outage is reported, not retried; a busy server (another push held the
        same plans longer than the server's lock_timeout) is tried again, as the app's sync worker does."""
        before = len(SENT)
        busy = 0
        while True:
            try:
                if which == "push":
                    report = self.engine_.push()
                    outcomes = [result for _ops, results in SENT[before:] for result in results]
                    log.write("push", sent=report.sent, applied=report.applied, duplicates=report.duplicates)
                    return {"pushed": report.sent, "outcomes": outcomes, "error": None, "busy": busy}
                pulled = self.engine_.pull()
                log.write("pull", received=pulled.received, written=pulled.written)
                return {"received": pulled.received, "error": None, "busy": busy}
            except Exception as exc:
                error = self._expected(exc)
                if error is None:
                    raise
                log.write("unreachable", error=error)
                if error != "ServerBusyError" or busy >= 10:
                    return {"pushed": 0, "outcomes": [], "error": error, "busy": busy}
                busy += 1

    def replay(self, index: int, log: Log) -> dict[str, Any]:
        """Send an earlier batch again, exactly as it was sent: the server's outcomes."""
        batches = [ops for ops, _results in SENT if ops]
        if not batches:
            return {"outcomes": []}
        batch = batches[index] if -len(batches) <= index < len(batches) else batches[0]
        with self.connect() as conn:
            result = _real_push(conn, self.engine_.workstation_id(), batch, self.actor)
        outcomes = [o.result for o in result.outcomes]
        log.write("replay", ops=len(batch), outcomes=outcomes)
        return {"outcomes": outcomes}

    def close(self) -> None:
        self.ctx.close()


def _log_pushes(log: Log, batches: Sequence[tuple[list[server_side.Op], list[str]]]) -> None:
    """Each batch a cycle pushed (answered by the server), as ids only: for reading a failed run's story."""
    for ops, results in batches:
        log.write(
            "pushed",
            ops=[
                {"seq": op.op_seq, "op": op.op_id, "kind": op.document.kind, "doc": op.document.id,
                 "status": _status(op), "reconcile": op.reconcile, "result": result}
                for op, result in zip(ops, results, strict=False)
            ],
        )  # fmt: skip


def _status(op: server_side.Op) -> str | None:
    root = op.document.root()
    value = None if root is None else root.get("status")
    return None if value is None else str(value)


def open_replica(
    home: Path, *, port: int, database: str, username: str, password: str, skew: timedelta = timedelta(0)
) -> Replica:
    """Open (or, on first start, make and fill from the server) this workstation's replica, signed in."""
    keys.SCRYPT_N = 2**14  # the tests' cost (recorded in the store), as tests/conftest.py sets it
    server_side.push = _recording_push
    paths = resolve_paths(home)
    paths.ensure()
    address = ServerAddress(host="127.0.0.1", port=port, database=database, sslmode="disable")
    saved = JoinedServer(
        address=address, ca_pem=None, joined_at=datetime.now(UTC).isoformat(), mode="replica"
    )
    ctx = open_replica_context(paths, saved, passphrase=PASSPHRASE)
    assert ctx.replica is not None
    if skew:  # this workstation's clock is out: every service and sync here use it

        def now() -> datetime:
            return datetime.now(UTC) + skew

        ctx.services = Services(ctx.store.sessions, clock=Clock(now=now), paths=paths)
        ctx.replica.now = now
        ctx.replica.auth = ctx.services.auth
    link = ctx.replica
    actor = link.sign_in(username, password)  # online (the first start fills the replica from the server)
    return Replica(ctx, actor, link.engine(), link.connect)
