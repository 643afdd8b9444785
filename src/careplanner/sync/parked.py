"""Operations the practice server refused, parked as "needs attention" so they hold up nothing behind them.

The server answers a refused operation (a rule: a duplicate NHS number, an agreement in another account's
name, a change this account may not send) and goes on with the rest of the batch; it acknowledges the
refused one with the others (server_apply.py). The workstation keeps the operation's outbox row, so the
document is still "waiting" (a pull never overwrites what was typed here) and the change is not lost, and
notes it here (sync_state "parked": op_seq -> kind, id, the server's reason in plain words, the account
pushing, when). A push skips parked rows (outbox.take_batch).

A parked document is sent again as a new operation (a fresh op_seq, which the server has not answered yet):
- when another account signs in and pushes here (an agreement waits for the account that made it);
- after RETRY_SECONDS (what blocked it may have gone: the person it belongs to reached the server);
- at once when it is saved again here (the new operation carries everything, the parked one is dropped).
A newer operation of the same document that the server takes settles the parked one.

`careplanner sync status` and the Sync dialog list parked documents with the server's reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.engine import Connection

from careplanner.sync.outbox import OUTBOX, get_state, queue, set_state

KEY = "parked"
RETRY_SECONDS = 300


@dataclass(frozen=True)
class Parked:
    kind: str
    doc_id: str
    reason: str  # the server's words, never patient data
    actor_id: str  # the account whose push was refused
    at: str  # when (ISO time, for display and the retry pause only)


def parked(conn: Connection) -> dict[int, Parked]:
    """op_seq -> the parked operation."""
    raw = get_state(conn, KEY)
    if not raw:
        return {}
    return {int(seq): Parked(**entry) for seq, entry in json.loads(raw).items()}


def _save(conn: Connection, entries: dict[int, Parked]) -> None:
    value = json.dumps({str(seq): asdict(e) for seq, e in sorted(entries.items())}) if entries else None
    set_state(conn, KEY, value)


def _drop(conn: Connection, entries: dict[int, Parked], seqs: list[int]) -> None:
    if seqs:
        conn.execute(delete(OUTBOX).where(OUTBOX.c.op_seq.in_(seqs)))
        for seq in seqs:
            entries.pop(seq, None)


def _older_of(entries: dict[int, Parked], kind: str, doc_id: str, op_seq: int) -> list[int]:
    return [s for s, e in entries.items() if (e.kind, e.doc_id) == (kind, doc_id) and s < op_seq]


def park(
    conn: Connection, op_seq: int, kind: str, doc_id: str, reason: str, actor_id: str, now: datetime
) -> None:
    """Keep a refused operation as needing attention (an older parked one of the document goes)."""
    entries = parked(conn)
    _drop(conn, entries, _older_of(entries, kind, doc_id, op_seq))
    entries[op_seq] = Parked(kind, doc_id, reason, actor_id, now.isoformat())
    _save(conn, entries)


def settle(conn: Connection, kind: str, doc_id: str, op_seq: int) -> None:
    """The server took operation `op_seq` of this document: parked older ones are done with."""
    entries = parked(conn)
    older = _older_of(entries, kind, doc_id, op_seq)
    if older:
        _drop(conn, entries, older)
        _save(conn, entries)


def acknowledge(conn: Connection, last_op_seq: int) -> None:
    """Remove the outbox rows the server answered, except the parked ones."""
    keep = list(parked(conn))
    conn.execute(delete(OUTBOX).where(OUTBOX.c.op_seq <= last_op_seq, OUTBOX.c.op_seq.not_in(keep)))


def retry(conn: Connection, actor_id: str, now: datetime, *, everything: bool = False) -> int:
    """Send parked documents again (a new operation each) when another account pushes, when the pause is
    over, or when saved again since (`everything`: all of them). Returns how many."""
    entries = parked(conn)
    due: list[int] = []
    superseded: list[int] = []
    for seq, entry in entries.items():
        newer = conn.execute(
            OUTBOX.select().where(
                OUTBOX.c.kind == entry.kind, OUTBOX.c.doc_id == entry.doc_id, OUTBOX.c.op_seq > seq
            )
        ).first()
        try:
            waited = (now - datetime.fromisoformat(entry.at)).total_seconds()
        except (TypeError, ValueError):
            waited = RETRY_SECONDS
        if newer is not None:
            superseded.append(seq)  # the newer operation carries everything
        elif everything or entry.actor_id != actor_id or waited >= RETRY_SECONDS:
            due.append(seq)
    if not due and not superseded:
        return 0
    keys = [(entries[s].kind, entries[s].doc_id) for s in due]
    _drop(conn, entries, due + superseded)
    _save(conn, entries)
    queue(conn, keys, now)
    return len(due) + len(superseded)


def reasons(conn: Connection) -> dict[tuple[str, str], str]:
    """(kind, id) -> the server's reason, for each document needing attention."""
    return {(e.kind, e.doc_id): e.reason for _s, e in sorted(parked(conn).items())}
