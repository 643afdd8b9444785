"""The same migrations make the same schema on both back ends: the local encrypted store (SQLite) and the
practice server (PostgreSQL). Compared by reflection: tables, columns (type, nullability, default),
primary keys, foreign keys (with their ON DELETE), indexes, unique and check constraints.

Two differences are by design: the guard triggers (SQLite triggers, plpgsql functions: store/guards.py
checks each), and text on the server, which compares by code point and takes any length as SQLite's does
(store/collation.py), so a VARCHAR's declared length (which SQLite ignores) is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect

from careplanner.app import AppContext, open_context
from careplanner.config import Paths
from careplanner.store.collation import text_not_as_sqlite
from tests import server_support
from tests.conftest import TEST_PASSPHRASE

# Reflected type names that mean the same thing on the two back ends.
_SAME_TYPE = {"DATETIME": "TIMESTAMP", "NVARCHAR": "VARCHAR"}
_BOOLEAN_DEFAULTS = {"0": "false", "1": "true"}


def _type(column: dict[str, Any]) -> str:
    name = type(column["type"]).__name__.upper()
    return _SAME_TYPE.get(name, name)


def _default(column: dict[str, Any]) -> str | None:
    raw = column.get("default")
    if raw is None or str(raw).startswith("nextval("):
        # The server's audit sequence is never used: entries are numbered under the chain lock.
        return None
    value = re.sub(r"::[\w ]+$", "", str(raw)).strip("()")
    return _BOOLEAN_DEFAULTS.get(value, value.lower())


def describe(engine: Engine) -> dict[str, dict[str, Any]]:
    found = inspect(engine)
    schema: dict[str, dict[str, Any]] = {}
    for table in sorted(found.get_table_names()):
        pk = found.get_pk_constraint(table)
        schema[table] = {
            "columns": {
                c["name"]: (_type(c), bool(c["nullable"]), _default(c)) for c in found.get_columns(table)
            },
            "primary key": (pk.get("name"), tuple(pk["constrained_columns"])),
            "foreign keys": {
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in found.get_foreign_keys(table)
            },
            "indexes": {
                (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                for ix in found.get_indexes(table)
                if not ix.get("duplicates_constraint")  # PostgreSQL lists a unique constraint's index too
            },
            "unique": {(uq["name"], tuple(uq["column_names"])) for uq in found.get_unique_constraints(table)},
            "checks": {ck["name"] for ck in found.get_check_constraints(table)},
        }
    return schema


@pytest.fixture
def local(paths: Paths) -> Iterator[AppContext]:
    context = open_context(paths, passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


@pytest.fixture
def server() -> Iterator[Engine]:
    test_server = server_support.test_server()
    database = test_server.new_database()
    engine = create_engine(server_support.sa_url(test_server.cluster.url(database)))
    yield engine
    engine.dispose()
    test_server.drop_database(database)


def test_the_migrations_make_the_same_schema_on_both_back_ends(local: AppContext, server: Engine) -> None:
    on_local, on_server = describe(local.store.engine), describe(server)
    assert sorted(on_server) == sorted(on_local)
    assert {"person", "care_plan", "audit_event", "audit_head_mark", "alembic_version"} <= set(on_local)
    for table in on_local:
        for part in on_local[table]:
            assert on_server[table][part] == on_local[table][part], (table, part)
    # The comparison reads what it claims to (not two empty descriptions).
    person = on_local["person"]
    assert person["columns"]["nhs_number"] == ("VARCHAR", True, None)
    assert person["columns"]["has_draft"] == ("BOOLEAN", False, None)
    assert ("ix_person_list_order", ("family_name", "first_name", "id"), False) in person["indexes"]


def test_every_text_column_on_the_server_compares_and_stores_as_sqlite_does(server: Engine) -> None:
    with server.connect() as conn:
        assert text_not_as_sqlite(conn) == [], (
            "text columns with a linguistic collation or a length limit: the migration environment "
            "(env.py) applies careplanner.store.collation.text_as_sqlite after every upgrade"
        )
    family = next(c for c in inspect(server).get_columns("person") if c["name"] == "family_name")
    assert family["type"].collation == "C" and family["type"].length is None
