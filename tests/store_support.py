"""New local stores for the `ctx` fixture without running every migration again for each one.

Making a store runs all of Alembic's revisions on the empty file: about 0.4 s of CPU, and the `ctx` fixture
makes a new store for each of some 600 tests (nearly half the suite's set-up time). The practice server's
tests already copy a migrated template database (tests/server_support.py); this does the same for the
encrypted file, in the one step that is slow. Everything else about making the store is the product's own
code (key, staged file, key information, naming, the second open).

`quick_migrations()` replaces `careplanner.store.migrate.upgrade` while it is active. The first two new
stores in each test process are migrated for real, and what the migrations left is read back from each:
every table, index, view and trigger as SQLite stores its SQL, every row, and the header pragmas. Later new
stores get exactly that, in one transaction. A value that differs between the two real stores is made
fresh for each store (a random id, such as the sync epoch, is a new uuid4); if one differs in any other way,
or a replayed store does not read back exactly as a migrated one, every later store is migrated for real.
An existing store (an upgrade from an older revision), another target revision or another database (the
practice server) always takes the real path. tests/migrations/ never uses this.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Connection

from careplanner.store import migrate

PRAGMAS = ("user_version", "application_id")
Rows = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Snapshot:
    """What the migrations leave in a new store."""

    tables: tuple[str, ...]  # CREATE TABLE statements, in the order SQLite holds them
    later: tuple[str, ...]  # indexes, then views, then triggers (after the rows, so no trigger fires)
    rows: tuple[tuple[str, tuple[str, ...], Rows], ...]  # (table, columns, rows) for each table with rows
    pragmas: tuple[int, ...]


@dataclass
class _Template:
    seen: list[Snapshot]
    fresh: frozenset[tuple[int, int, int]] = frozenset()  # (table, row, column) made new for each store
    usable: bool | None = None  # None: not known yet; False: always migrate for real
    checked: bool = False


_TEMPLATE = _Template(seen=[])


def snapshot(conn: Connection) -> Snapshot:
    master = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    tables = [(name, sql) for kind, name, sql in master if kind == "table"]
    later = [sql for kind in ("index", "view", "trigger") for k, _n, sql in master if k == kind]
    rows = []
    for name, _sql in tables:
        found = conn.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY rowid')
        columns = tuple(found.keys())
        data = tuple(tuple(row) for row in found.fetchall())
        if data:
            rows.append((name, columns, data))
    pragmas = tuple(int(conn.exec_driver_sql(f"PRAGMA {p}").scalar() or 0) for p in PRAGMAS)
    ddl = tuple(sql for name, sql in tables if not name.startswith("sqlite_"))
    return Snapshot(ddl, tuple(later), tuple(rows), pragmas)


def _per_store_cells(a: Snapshot, b: Snapshot) -> frozenset[tuple[int, int, int]] | None:
    """The cells that hold a new random id in each store; None if the two differ in any other way."""
    if (a.tables, a.later, a.pragmas) != (b.tables, b.later, b.pragmas) or len(a.rows) != len(b.rows):
        return None
    cells = set()
    for t, (table_a, table_b) in enumerate(zip(a.rows, b.rows, strict=True)):
        (name_a, cols_a, rows_a), (name_b, cols_b, rows_b) = table_a, table_b
        if (name_a, cols_a, len(rows_a)) != (name_b, cols_b, len(rows_b)):
            return None
        for r, (row_a, row_b) in enumerate(zip(rows_a, rows_b, strict=True)):
            for c, (x, y) in enumerate(zip(row_a, row_b, strict=True)):
                if x != y:
                    if not (_is_uuid(x) and _is_uuid(y)):
                        return None
                    cells.add((t, r, c))
    return frozenset(cells)


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _replay(conn: Connection, template: Snapshot, fresh: frozenset[tuple[int, int, int]]) -> None:
    for sql in template.tables:
        conn.exec_driver_sql(sql)
    for t, (name, columns, rows) in enumerate(template.rows):
        values = [
            tuple(str(uuid.uuid4()) if (t, r, c) in fresh else v for c, v in enumerate(row))
            for r, row in enumerate(rows)
        ]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)
    for sql in template.later:
        conn.exec_driver_sql(sql)
    for name, value in zip(PRAGMAS, template.pragmas, strict=True):
        if value:
            conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")


def _same_but_fresh(replayed: Snapshot, template: Snapshot, fresh: frozenset[tuple[int, int, int]]) -> bool:
    differ = _per_store_cells(template, replayed)
    return differ is not None and differ <= fresh


def _new_empty_store(conn: Connection, target: str) -> bool:
    return (
        conn.dialect.name == "sqlite"
        and target == "head"
        and migrate.current_revision(conn) is None
        and conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
    )


@contextmanager
def quick_migrations() -> Iterator[None]:
    """While active, a new empty local store gets the migrated schema replayed (see the module's note)."""
    real = migrate.upgrade

    def upgrade(conn: Connection, target: str = "head") -> None:
        template = _TEMPLATE
        if template.usable is False or not _new_empty_store(conn, target):
            real(conn, target)
            return
        if template.usable is None:
            real(conn, target)
            template.seen.append(snapshot(conn))
            if len(template.seen) == 2:
                fresh = _per_store_cells(*template.seen)
                template.usable = fresh is not None
                template.fresh = fresh or frozenset()
            return
        _replay(conn, template.seen[0], template.fresh)
        if not template.checked:
            template.checked = True
            if not _same_but_fresh(snapshot(conn), template.seen[0], template.fresh):
                template.usable = False
                raise AssertionError(
                    "A store made from the migrated template differs from one the migrations made: "
                    "tests/store_support.py cannot stand in for them (later stores are migrated for real)"
                )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "upgrade", upgrade)
        yield
