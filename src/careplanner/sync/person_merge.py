"""A person's details edited on two workstations while one was offline: merged field by field.

On the workstation, each save of a person's own row notes the value each changed field had before (the
value the server last gave, or an earlier save's that was never sent): sync_state "person_base:<id>" keeps
the oldest one per field until a push takes the operation, and the push carries them with the snapshot
(a pseudo-table `_base`, taken off again by the server before anything is written).

On the server, a person pushed from a stale base (someone changed them there meanwhile) is no longer simply
refused in favour of the server's copy: each field the workstation changed is taken when the server's value
is still the one the workstation started from (or already equal); a field both changed to different values
is a clash: the server's value stays and a `sync_conflict` row (plan ids empty) names the fields in its
reason (never their values) and keeps both values in `details`, so nothing typed is lost: a clinician
sees it in the Sync dialog and `sync status` and chooses either value (sync/person_choice.py,
`careplanner sync details` / `sync choose`). Addresses, phone numbers and email addresses, and
communication needs (the person's other rows, new ids at every save) are each merged as one field, by
content: the base noted before the first save that touched the person (`note_row_bases`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from careplanner.clinical.name_search import name_tokens, sort_key
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
# The person's other rows, each list merged as one field (named as the clinician knows it).
ROW_FIELDS = {
    "addresses": "person_address",
    "telecoms": "person_telecom",
    "communication_needs": "person_communication_need",
}
_ROW_SKIP = frozenset({"id", "person_id", "row_version", "updated_at", "created_at"})
_NAMES = ("first_name", "family_name", "preferred_name")


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


def rows_value(rows: list[dict[str, JsonValue]]) -> JsonValue:
    """A list of a person's rows as content only (ids and bookkeeping aside), in a stable order."""
    kept = [{k: v for k, v in row.items() if k not in _ROW_SKIP} for row in rows]
    return sorted(kept, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def note_row_bases(session: Session) -> None:
    """From `before_flush`: for a person whose save is about to be written, their addresses, telecoms and
    communication needs as they stand before it (once per person per transaction)."""
    found: dict[str, dict[str, JsonValue]] = session.info.setdefault(PENDING, {})
    for obj in list(session.dirty):
        if not isinstance(obj, Person) or obj.id is None:
            continue
        noted = found.setdefault(str(obj.id), {})
        if all(name in noted for name in ROW_FIELDS):
            continue
        before = read_document(session.connection(), "person", str(obj.id))
        for name, table in ROW_FIELDS.items():
            noted.setdefault(name, rows_value(before.rows.get(table, [])))


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
        if key in SKIP or key in ROW_FIELDS or key not in pushed or key not in server:
            continue
        mine, theirs = pushed[key], server[key]
        if mine in (theirs, before):
            continue
        if theirs == before:
            out[key] = mine
            taken.append(key)
        else:
            clashed.append(key)
    return out, taken, clashed


def merged_document(
    pushed: Document, server: Document, bases: dict[str, JsonValue]
) -> tuple[Document, list[str], dict[str, dict[str, JsonValue]]]:
    """The server's person with the workstation's changes that do not clash (row fields too, and the
    search name and tokens made again when a name was taken); the fields taken; and each clashing
    field with both values (`{"workstation": …, "server": …}`, kept with the conflict)."""
    mine_root, their_root = pushed.root(), server.root()
    assert mine_root is not None and their_root is not None
    root, taken, clashed = merged_root(mine_root, their_root, bases)
    clashes = {k: {"workstation": mine_root[k], "server": their_root[k]} for k in clashed}
    rows = dict(server.rows)
    for name, table in ROW_FIELDS.items():
        if name not in bases:
            continue
        mine, theirs = rows_value(pushed.rows.get(table, [])), rows_value(server.rows.get(table, []))
        if mine == theirs or mine == bases[name]:
            continue
        if theirs == bases[name]:
            rows[table] = [{**r, "person_id": server.id} for r in pushed.rows.get(table, [])]
            taken.append(name)
        else:
            clashes[name] = {"workstation": mine, "server": theirs}
    if any(k in taken for k in _NAMES):
        names = [str(root.get(k) or "") for k in _NAMES]
        root["search_name"] = " ".join(n for n in names if n).casefold()
        key = sort_key(names[1], names[0], server.id)
        rows["person_name_token"] = [
            {"person_id": server.id, "token": t, "sort_key": key} for t in sorted(name_tokens(*names))
        ]
    rows["person"] = [root]
    return Document(server.kind, server.id, rows), taken, clashes


def clash_details(clashes: dict[str, dict[str, JsonValue]]) -> str:
    """What `sync_conflict.details` keeps: both values of each clashing field (JSON)."""
    return json.dumps({"fields": clashes}, sort_keys=True)


def clash_reason(fields: list[str]) -> str:
    names = ", ".join(f.replace("_", " ") for f in fields)
    return (
        f"the person's details were changed on a workstation while offline and on the server meanwhile "
        f"({names}): the server's were kept and the workstation's are kept with this conflict; check them "
        "with the person and choose which to keep"
    )


def server_copy(conn: Connection, person_id: str) -> Document:
    return read_document(conn, "person", person_id)
