"""Fast inserts of whole object graphs (people with their plans) for seeding large synthetic practices.

The unit of work is the slow part of inserting hundreds of thousands of rows; here the graph is walked
once, each object becomes a row dict (column defaults applied, foreign keys filled from relationships),
and each table gets one executemany, parents first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session

from careplanner.models import Base

_SKIP_DEFAULT = object()


def _default(column: Any) -> Any:
    default = column.default
    if default is None:
        return _SKIP_DEFAULT
    if default.is_callable:
        return default.arg(None)
    if default.is_scalar:
        return default.arg
    return _SKIP_DEFAULT


class Pending:
    """A row to insert, built without ORM instrumentation (much cheaper for 100,000s of rows)."""

    def __init__(self, model: type[Any], values: dict[str, Any]) -> None:
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "values", values)

    def __getattr__(self, name: str) -> Any:
        values: dict[str, Any] = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        model = object.__getattribute__(self, "model")
        if name in inspect(model).relationships:
            values[name] = []
            return values[name]
        return None

    def __setattr__(self, name: str, value: Any) -> None:
        self.values[name] = value


def _walk(obj: Any, rows: dict[Table, list[dict[str, Any]]], inherited: dict[str, Any]) -> None:
    if isinstance(obj, Pending):
        mapper = inspect(obj.model)
        state = obj.values
    else:
        mapper = inspect(type(obj))
        state = obj.__dict__
    table = mapper.local_table
    row: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        value = inherited.get(column.key, state.get(prop.key))
        if value is None:
            fallback = _default(column)
            if fallback is not _SKIP_DEFAULT:
                value = fallback
                if column.primary_key:
                    state[prop.key] = value  # children need the parent's id
        row[column.key] = value
    rows[table].append(row)
    for rel in mapper.relationships:
        children = state.get(rel.key)
        if not children:
            continue
        keys = {child_col.key: row[parent_col.key] for parent_col, child_col in rel.synchronize_pairs}
        for child in children if isinstance(children, list) else [children]:
            _walk(child, rows, keys)


def insert_graphs(session: Session, roots: list[Any]) -> int:
    """Insert `roots` and everything hanging off their relationships; returns the number of rows."""
    rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for root in roots:
        _walk(root, rows, {})
    count = 0
    for table in Base.metadata.sorted_tables:
        batch = rows.get(table)
        if not batch:
            continue
        # executemany needs every dict to have the same keys; _walk gives each table's rows all columns.
        session.execute(table.insert(), batch)
        count += len(batch)
    return count
