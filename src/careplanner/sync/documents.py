"""Documents: the unit sync moves. A plan version with all its rows, a person with theirs, a reference row.

- *plan*: one `care_plan` row and every row of every table with a `plan_id` column (the plan content
  tables of store/guards.py, contingency_contact included);
- *person*: one `person` row and its person_address, person_telecom, person_communication_need and
  person_name_token rows;
- reference documents, one row each: *user* (app_user without password_hash, failed_attempts and
  locked_until: a sign-in's verifier and lockout stay where they were made), *practice*,
  *directory_service*, *directory_leaflet*, *contingency_template* and *sync_conflict*.

Values are JSON-safe (dates and times as ISO text, enums by their stored value) and rows are in key order,
so a document read from SQLite and the same document read from PostgreSQL compare equal. `write_document`
replaces a document's rows in the caller's transaction the way the services do (a plan as a draft first,
then its rows, then its final status), so the guard triggers see an ordinary save.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum as PyEnum
from typing import Any, TypeAlias

from sqlalchemy import Date, DateTime, Enum, Table, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql.schema import Column

import careplanner.models  # noqa: F401 - registers every table on Base.metadata
from careplanner.models.base import Base, UTCDateTime
from careplanner.store.guards import PLAN_CONTENT_TABLES

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None
Rows: TypeAlias = dict[str, list[dict[str, JsonValue]]]

PERSON_TABLES = ("person_address", "person_telecom", "person_communication_need", "person_name_token")
# kind -> the table of its one root row.
REFERENCE_KINDS: dict[str, str] = {
    "user": "app_user",
    "practice": "practice",
    "directory_service": "directory_service",
    "directory_leaflet": "directory_leaflet",
    "contingency_template": "contingency_template",
    "sync_conflict": "sync_conflict",
}
ROOT_TABLES: dict[str, str] = {"plan": "care_plan", "person": "person", **REFERENCE_KINDS}
KINDS = tuple(ROOT_TABLES)
# Columns that never leave the store they were written in.
LOCAL_ONLY_COLUMNS: dict[str, frozenset[str]] = {
    "app_user": frozenset({"password_hash", "failed_attempts", "locked_until"}),
}
# table -> (kind, the column that holds the document's id)
TABLE_DOCUMENT: dict[str, tuple[str, str]] = {
    "care_plan": ("plan", "id"),
    **{t: ("plan", "plan_id") for t in PLAN_CONTENT_TABLES},
    "person": ("person", "id"),
    **{t: ("person", "person_id") for t in PERSON_TABLES},
    **{table: (kind, "id") for kind, table in REFERENCE_KINDS.items()},
}
# session.info key under which statements run outside the unit of work record what they touched.
TOUCHED_KEY = "careplanner.sync.touched"


class UnknownDocumentError(ValueError):
    """A kind that is not synced, or a row naming a column this store does not have (a newer schema)."""


@dataclass(frozen=True)
class Document:
    kind: str
    id: str
    rows: Rows = field(default_factory=dict)  # table name -> rows (JSON-safe column values); {} = absent

    @property
    def absent(self) -> bool:
        return not self.rows

    def root(self) -> dict[str, JsonValue] | None:
        """The document's one root row (care_plan, person, or the reference row), or None when absent."""
        found = self.rows.get(ROOT_TABLES[self.kind]) or []
        return found[0] if found else None


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None:
        raise UnknownDocumentError(f"table {name} is not part of this release's schema")
    return table


def tables_of(kind: str) -> tuple[str, ...]:
    """The document's tables, root first, the rest in the order rows can be inserted."""
    if kind not in ROOT_TABLES:
        raise UnknownDocumentError(f"{kind!r} is not a kind of document that is synced")
    if kind == "plan":
        order = [t.name for t in Base.metadata.sorted_tables if t.name in PLAN_CONTENT_TABLES]
        return ("care_plan", *order)
    if kind == "person":
        return ("person", *PERSON_TABLES)
    return (ROOT_TABLES[kind],)


def _synced_columns(table: Table) -> list[Column[Any]]:
    hidden = LOCAL_ONLY_COLUMNS.get(table.name, frozenset())
    return [c for c in table.columns if c.name not in hidden]


def _is_datetime(column: Column[Any]) -> bool:
    return isinstance(column.type, UTCDateTime | DateTime)


def _to_json(column: Column[Any], value: Any) -> JsonValue:
    if value is None:
        return None
    if isinstance(value, PyEnum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str | list | dict):
        return value
    raise UnknownDocumentError(f"column {column.table.name}.{column.name} holds a value sync cannot carry")


def _from_json(column: Column[Any], value: JsonValue) -> Any:
    if value is None:
        return None
    if _is_datetime(column) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(column.type, Enum) and column.type.enum_class is not None and isinstance(value, str):
        return column.type.enum_class(value)
    return value


def _select_rows(conn: Connection, table: Table, id_column: str, doc_id: str) -> list[dict[str, JsonValue]]:
    columns = _synced_columns(table)
    order = [c for c in table.primary_key.columns]
    stmt = select(*columns).where(table.c[id_column] == doc_id).order_by(*order)
    return [
        {c.name: _to_json(c, value) for c, value in zip(columns, row, strict=True)}
        for row in conn.execute(stmt)
    ]


def read_document(conn: Connection, kind: str, doc_id: str) -> Document:
    """The document as it is now in this store (SQLite or PostgreSQL alike); absent when it has no root."""
    names = tables_of(kind)
    root = _select_rows(conn, _table(names[0]), "id", doc_id)
    if not root:
        return Document(kind, doc_id, {})
    rows: Rows = {names[0]: root}
    id_column = "plan_id" if kind == "plan" else "person_id"
    for name in names[1:]:
        rows[name] = _select_rows(conn, _table(name), id_column, doc_id)
    return Document(kind, doc_id, rows)


def _values(table: Table, row: Mapping[str, JsonValue]) -> dict[str, Any]:
    columns = {c.name: c for c in _synced_columns(table)}
    unknown = sorted(set(row) - set(columns))
    if unknown:
        raise UnknownDocumentError(f"{table.name} has no column {unknown[0]} in this release's schema")
    return {name: _from_json(columns[name], value) for name, value in row.items()}


def _changed_tables(doc: Document, current: Document, names: tuple[str, ...]) -> set[str]:
    """The child tables whose rows differ, and every table whose rows refer to one of those (a goal's
    actions, a contingency plan's contacts: deleted and written again with them)."""
    changed = {n for n in names[1:] if doc.rows.get(n, []) != current.rows.get(n, [])}
    for name in names[1:]:  # in insert order: what a table refers to comes before it
        refers = {fk.column.table.name for fk in _table(name).foreign_keys}
        if refers & changed:
            changed.add(name)
    return changed


def write_document(conn: Connection, doc: Document, current: Document | None = None) -> None:
    """Replace the document's rows in this store with `doc.rows`, in the caller's transaction.

    A plan goes in the way the services save one: its version row as a draft, then its rows, then its
    final status, so the guards allow it exactly when they would allow the services. An agreed or declined
    version already in the store is left alone when it is unchanged; changing it trips the guards (the
    caller decides whether that may happen: see replica_apply.py). Only the tables whose rows changed are
    written (one statement each way), so a push of one edited section is a few round trips, not one per
    table. `current`: the document as the caller has just read it in this transaction (saves reading it
    again).
    """
    names = tables_of(doc.kind)
    if current is None:
        current = read_document(conn, doc.kind, doc.id)
    if current == doc:
        return  # nothing to do (and an agreed version is never touched for nothing)
    root_table = _table(names[0])
    exists = not current.absent
    child_column = "plan_id" if doc.kind == "plan" else "person_id"
    changed = _changed_tables(doc, current, names) if exists else set(names[1:])
    if exists:
        for name in reversed(names[1:]):  # children first, dependants before what they depend on
            if name in changed and current.rows.get(name):
                child = _table(name)
                conn.execute(delete(child).where(child.c[child_column] == doc.id))
    if doc.absent:
        if exists:
            conn.execute(delete(root_table).where(root_table.c.id == doc.id))
        return
    root = doc.root()
    if root is None:
        raise UnknownDocumentError(f"a {doc.kind} document without its {names[0]} row")
    values = _values(root_table, root)
    final_status = values.get("status") if doc.kind == "plan" else None
    if doc.kind == "plan":
        values["status"] = "draft"
    if exists:
        conn.execute(update(root_table).where(root_table.c.id == doc.id).values(values))
    else:
        conn.execute(insert(root_table).values(values))
    for name in names[1:]:
        batch = [_values(_table(name), r) for r in doc.rows.get(name, [])] if name in changed else []
        if batch:
            conn.execute(insert(_table(name)), batch)
    if final_status is not None and str(getattr(final_status, "value", final_status)) != "draft":
        # updated_at given as it was, or its onupdate default would stamp the time of this write.
        final = {"status": final_status, "updated_at": values.get("updated_at")}
        conn.execute(update(root_table).where(root_table.c.id == doc.id).values(final))


def document_ids(conn: Connection, kind: str) -> list[str]:
    """Every id of one kind of document in this store, in id order."""
    table = _table(ROOT_TABLES[kind])
    return [str(i) for (i,) in conn.execute(select(table.c.id).order_by(table.c.id))]


def all_document_keys(conn: Connection) -> list[tuple[str, str]]:
    """(kind, id) of every document in this store: what a replica must hold to equal the server."""
    return [(kind, doc_id) for kind in KINDS for doc_id in document_ids(conn, kind)]


def revision_of(doc: Document) -> int | None:
    """The revision a writer saw: a plan's care_plan.revision, any other document's row_version."""
    root = doc.root()
    if root is None:
        return None
    value = root.get("revision" if doc.kind == "plan" else "row_version")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def status_of(doc: Document) -> str | None:
    """A plan document's status ("draft", "agreed", "declined"…), None for others and absent plans."""
    root = doc.root()
    if doc.kind != "plan" or root is None:
        return None
    value = root.get("status")
    return value if isinstance(value, str) else None


def dumps(doc: Document) -> str:
    return json.dumps(
        {"kind": doc.kind, "id": doc.id, "rows": doc.rows}, sort_keys=True, separators=(",", ":")
    )


def loads(text: str) -> Document:
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("rows"), dict):
        raise UnknownDocumentError("not a sync document")
    kind, doc_id = str(data["kind"]), str(data["id"])
    tables_of(kind)
    return Document(kind, doc_id, data["rows"])


# ---- what a local transaction touched ---------------------------------------------------------------


def _loaded(obj: Any, key: str) -> Any:
    """An attribute's value without loading from the database (a deleted row cannot be loaded)."""
    state = obj._sa_instance_state
    if key in state.dict:
        return state.dict[key]
    history = get_history(obj, key)
    for values in (history.deleted, history.unchanged, history.added):
        if values:
            return values[0]
    return None


def _synced_change(obj: Any, table: str) -> bool:
    """A dirty object whose synced columns changed (a failed sign-in count alone is not a change to push)."""
    hidden = LOCAL_ONLY_COLUMNS.get(table, frozenset())
    mapper = obj._sa_instance_state.mapper
    for prop in mapper.column_attrs:
        if prop.columns[0].name in hidden:
            continue
        if get_history(obj, prop.key).has_changes():
            return True
    return False


def document_of(table: str, values: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (kind, id) of the document a row of `table` belongs to, or None for tables that are not synced."""
    found = TABLE_DOCUMENT.get(table)
    if found is None:
        return None
    kind, column = found
    doc_id = values.get(column)
    return (kind, str(doc_id)) if doc_id is not None else None


def documents_touched(session: Session) -> set[tuple[str, str]]:
    """(kind, id) of every document the session's pending (or just flushed) changes touch.

    Reads session.new / dirty / deleted, so call it before a flush or from `after_flush` (where they still
    hold the flushed objects and their keys are filled in), plus what statements run outside the unit of
    work recorded under session.info[TOUCHED_KEY] (see `note_statement`).
    """
    touched: set[tuple[str, str]] = set(session.info.get(TOUCHED_KEY, ()))
    groups: Iterable[tuple[Iterable[Any], bool]] = (
        (session.new, False),
        (session.dirty, True),
        (session.deleted, False),
    )
    for objects, check in groups:
        for obj in objects:
            table = obj._sa_instance_state.mapper.local_table.name
            found = TABLE_DOCUMENT.get(table)
            if found is None:
                continue
            if check and not (
                _synced_change(obj, table) if table in LOCAL_ONLY_COLUMNS else session.is_modified(obj)
            ):
                continue  # nothing sync carries changed (an account's failed sign-ins are its store's own)
            kind, column = found
            key = obj._sa_instance_state.mapper.get_property_by_column(
                obj._sa_instance_state.mapper.local_table.c[column]
            ).key
            doc_id = _loaded(obj, key)
            if doc_id is not None:
                touched.add((kind, str(doc_id)))
    return touched


def note_statement(session: Session, table: str, ids: Iterable[str]) -> None:
    """Record documents touched by a statement run outside the unit of work (a Core insert or update)."""
    found = TABLE_DOCUMENT.get(table)
    if found is None:
        return
    bucket: set[tuple[str, str]] = session.info.setdefault(TOUCHED_KEY, set())
    bucket.update((found[0], str(i)) for i in ids)


def forget_touched(session: Session) -> None:
    session.info.pop(TOUCHED_KEY, None)


def _param_sets(params: Any) -> list[Mapping[str, Any]]:
    if isinstance(params, Mapping):
        return [params]
    if isinstance(params, list | tuple):
        return [p for p in params if isinstance(p, Mapping)]
    return [{}]


def note_execute(state: ORMExecuteState) -> None:
    """A `do_orm_execute` listener: an INSERT, UPDATE or DELETE run through the session outside the unit of
    work (bulk inserts, `session.execute(update(...))`) records the documents it touches in session.info.

    Runs before the statement: an UPDATE or DELETE first selects the ids its WHERE clause matches (with
    the same parameters), an INSERT reads them from its parameters."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    statement: Any = state.statement
    target = getattr(statement, "table", None)
    name = getattr(target, "name", None)
    if not isinstance(name, str) or name not in TABLE_DOCUMENT:
        return
    table = _table(name)
    column = TABLE_DOCUMENT[name][1]
    ids: set[str] = set()
    if state.is_insert:
        inline = statement.compile().params
        for params in _param_sets(state.parameters):
            value = params.get(column, inline.get(column))
            if value is not None:
                ids.add(str(value))
    else:
        conn = state.session.connection()
        where = statement.whereclause
        query = select(table.c[column]).distinct()
        if where is not None:
            query = query.where(where)
        for params in _param_sets(state.parameters):
            ids.update(str(v) for (v,) in conn.execute(query, dict(params)) if v is not None)
    note_statement(state.session, name, ids)
