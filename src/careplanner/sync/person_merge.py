"""A person's details edited on two workstations while one was offline: merged field by field.

On the workstation, each save of a person's own row notes the value each changed field had before (the
value the server last gave, or an earlier save's that was never sent): sync_state "person_base:<id>" keeps
the oldest one per field until a push takes the operation, and the push carries them with the snapshot
(a pseudo-table `_base`, taken off again by the server before anything is written).

On the server, a person pushed from a stale base (someone changed them there meanwhile) is no longer simply
refused in favour of the server's copy: each field the workstation changed is taken when the server's value
is still the one the workstation started from (or already equal); a field both changed to different values
is a clash: the server's value stays and a `sync_conflict` row (plan ids empty) names the fields, never
their values, so a clinician sees it in the Sync dialog and `sync status` and checks them with the person.
Addresses, phone numbers and communication needs (the person's other rows) keep the server's copy.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from careplanner.models.person import Person
from careplanner.sync.documents import Document, JsonValue, read_document

BASE_TABLE = "_base"
STATE_PREFIX = "person_base:"
PENDING = "careplanner_person_bases"
# Worked out by the server, or bookkeeping: never merged.
SKIP = frozenset(
    {"id", "row_version", "updated_at", "created_at", "has_draft", "last_agreed_on", "review_due"}
    | {"declined_written_plan", "search_name"}
)


def _json(value: Any) -> JsonValue:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "value"):  # an enum
        return _json(value.value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def note_bases(session: Session) -> None:
    """From `after_flush`: the earlier values of the person fields this flush changed."""
    found: dict[str, dict[str, JsonValue]] = session.info.setdefault(PENDING, {})
    for obj in session.dirty:
        if not isinstance(obj, Person):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            name = attr.columns[0].name
            if name in SKIP:
                continue
            history = state.attrs[attr.key].history
            if history.has_changes() and history.deleted:
                found.setdefault(str(obj.id), {}).setdefault(name, _json(history.deleted[0]))


def keep_bases(session: Session, conn: Connection) -> None:
    """From `before_commit`: keep the noted earlier values (the oldest per field) in sync_state."""
    from careplanner.sync.outbox import get_state, set_state

    found: dict[str, dict[str, JsonValue]] = session.info.pop(PENDING, {})
    for person_id, fields in found.items():
        raw = get_state(conn, STATE_PREFIX + person_id)
        kept: dict[str, JsonValue] = json.loads(raw) if raw else {}
        for key, value in fields.items():
            kept.setdefault(key, value)
        set_state(conn, STATE_PREFIX + person_id, json.dumps(kept, sort_keys=True))


def forget_bases(session: Session) -> None:
    session.info.pop(PENDING, None)


def with_bases(conn: Connection, doc: Document) -> Document:
    """For a push taking a person's operation: the snapshot with the earlier values it carries (and the
    noted values are done with: later saves start from what this operation sends)."""
    from careplanner.sync.outbox import get_state, set_state

    raw = get_state(conn, STATE_PREFIX + doc.id)
    if doc.kind != "person" or not raw:
        return doc
    set_state(conn, STATE_PREFIX + doc.id, None)
    return Document(doc.kind, doc.id, {**doc.rows, BASE_TABLE: [json.loads(raw)]})


def split(doc: Document) -> tuple[Document, dict[str, JsonValue]]:
    """The snapshot without its earlier values, and those values."""
    if BASE_TABLE not in doc.rows:
        return doc, {}
    rows = {t: r for t, r in doc.rows.items() if t != BASE_TABLE}
    bases = doc.rows[BASE_TABLE]
    return Document(doc.kind, doc.id, rows), (dict(bases[0]) if bases else {})


def merged_root(
    pushed: dict[str, JsonValue], server: dict[str, JsonValue], bases: dict[str, JsonValue]
) -> tuple[dict[str, JsonValue], list[str], list[str]]:
    """(the server's row with the workstation's non-clashing changes, fields taken, fields clashing)."""
    out = dict(server)
    taken: list[str] = []
    clashed: list[str] = []
    for key, before in sorted(bases.items()):
        if key in SKIP or key not in pushed or key not in server:
            continue
        mine, theirs = pushed[key], server[key]
        if mine == theirs:
            continue
        if theirs == before:
            out[key] = mine
            taken.append(key)
        else:
            clashed.append(key)
    return out, taken, clashed


def clash_reason(fields: list[str]) -> str:
    names = ", ".join(f.replace("_", " ") for f in fields)
    return (
        f"the person's details were changed on a workstation while offline and on the server meanwhile "
        f"({names}): the server's were kept for those; check them with the person"
    )


def server_copy(conn: Connection, person_id: str) -> Document:
    return read_document(conn, "person", person_id)
