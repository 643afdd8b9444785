"""A hash of one plan version's whole content, so a version changed or forged outside the app is found.

When a draft is agreed (or declined), the SHA-256 of a canonical serialisation of its `care_plan` row and
every row of it in the plan content tables is written into that version's audit entry
(`content=<hex>@<schema revision>`), which the audit chain then protects. `careplanner check` and
`audit verify` recompute it for every agreed and declined version.

The serialisation is of the values as stored (text, integer, real, blob, null), one JSON line per row:
the version row first, then each content table in a fixed order, rows in id order, each row as
`[table, [column, ...], [value, ...]]` with the columns in name order (a blob as `["blob", hex]`).
Reading stored values (not ORM objects) keeps it stable across releases.

A later migration that adds a column (or a table) of plan content must list it in `ADDED_SINCE` under its
revision: a seal made before that revision is then checked without it, so older seals stay valid. A
migration that drops or rewrites a content column must record the seals again (see migration 0008).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from careplanner.store.guards import PLAN_CONTENT_TABLES

# The revision whose schema the seals were first defined on.
BASELINE = "0008"
# revision -> {table: columns added to plan content by that revision}; an empty tuple means a whole new
# table (it must then also be in guards.PLAN_CONTENT_TABLES).
ADDED_SINCE: dict[str, dict[str, tuple[str, ...]]] = {
    "0015": {"medicine": ("dmd_code",)},  # a medicine's dm+d code (GP Connect import)
    # allergy and result codes and UCUM units from a GP record (GP Connect / UK Core import)
    "0017": {
        "allergy": ("substance_code", "reaction_code"),
        "test_result": ("code_system", "code", "unit_code"),
    },
    # where an imported version came from (services/plan_provenance.py)
    "0018": {
        "care_plan": (
            "origin_organisation",
            "origin_ods_code",
            "origin_identifier",
            "origin_status",
            "origin_author",
            "origin_author_role",
            "origin_digest",
            "origin_replaces",
            "imported_by_id",
            "imported_at",
        ),
    },
    "0019": {"medicine": ("acb_checked",)},  # checked by the clinician: not on the ACB scale (issue 12)
}

SEAL = re.compile(r"\bcontent=([0-9a-f]{64})@([0-9A-Za-z_]+)\b")
_CHUNK = 400


def seal_text(digest: str, revision: str) -> str:
    """How a seal is written into an audit entry's detail."""
    return f"content={digest}@{revision}"


def parse_seal(detail: str) -> tuple[str, str] | None:
    """(digest, revision) from an audit entry's detail, or None when it carries no seal."""
    found = SEAL.search(detail or "")
    return None if found is None else (found.group(1), found.group(2))


def _rev(revision: str) -> int:
    try:
        return int(revision)
    except ValueError:
        return 10**9  # an unknown (newer) revision: leave nothing out


def _left_out(revision: str) -> dict[str, set[str] | None]:
    """Columns (or whole tables: None) added after `revision`, which its seals do not cover."""
    out: dict[str, set[str] | None] = {}
    for added_in, tables in ADDED_SINCE.items():
        if _rev(added_in) <= _rev(revision):
            continue
        for table, columns in tables.items():
            if not columns:
                out[table] = None
            else:
                current = out.get(table, set())
                if current is not None:
                    out[table] = current | set(columns)
    return out


def _columns(conn: Connection, table: str) -> list[str]:
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t"
            ),
            {"t": table},
        )
        return sorted(str(row[0]) for row in rows)
    return sorted(str(row[1]) for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}")'))


def _json_columns(conn: Connection, table: str) -> set[str]:
    """PostgreSQL `json` columns: read as their stored text, which is what SQLite stores (json.dumps)."""
    if conn.dialect.name != "postgresql":
        return set()
    rows = conn.execute(
        text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t AND data_type = 'json'"
        ),
        {"t": table},
    )
    return {str(row[0]) for row in rows}


# SQLAlchemy's stored form of a date-time in SQLite, which the seals were defined on.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _as_stored_in_sqlite(value: Any) -> Any:
    """A PostgreSQL value in the form SQLite stores it, so one version has one seal on either back end
    (a store moved onto the practice server keeps every seal it had)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime(_SQLITE_DATETIME)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _blob(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return ["blob", bytes(value).hex()]
    raise TypeError(f"cannot serialise {type(value).__name__}")


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_blob)


class _Lines:
    """Serialises one table's rows for one seal revision (the columns it leaves out, if any, dropped)."""

    def __init__(self, table: str, columns: list[str], leave_out: set[str] | None) -> None:
        kept = [i for i, c in enumerate(columns) if not leave_out or c not in leave_out]
        self._all = len(kept) == len(columns)
        self._kept = kept
        names = [columns[i] for i in kept]
        head = json.dumps([table, names], separators=(",", ":"))
        self._prefix = (head[:-1] + ",").encode("utf-8")

    def line(self, row: Any, *, from_postgresql: bool = False) -> bytes:
        values = list(row) if self._all else [row[i] for i in self._kept]
        if from_postgresql:
            values = [_as_stored_in_sqlite(v) for v in values]
        body = _ENCODER.encode(values)
        return self._prefix + body.encode("utf-8") + b"]\n"


def content_hashes(conn: Connection, versions: Mapping[str, str]) -> dict[str, str]:
    """plan id -> SHA-256 hex of that version's content, for each `plan id -> seal revision` asked for.

    A plan id not in the store is left out of the answer. Reads in chunks, so memory stays bounded."""
    tables = ("care_plan", *PLAN_CONTENT_TABLES)
    columns = {t: _columns(conn, t) for t in tables}
    as_text = {t: _json_columns(conn, t) for t in tables}
    left_out = {rev: _left_out(rev) for rev in set(versions.values())}
    lines = {
        (rev, t): _Lines(t, columns[t], skip.get(t))
        for rev, skip in left_out.items()
        for t in tables
        if not (t in skip and skip[t] is None)
    }
    ids = sorted(versions)
    out: dict[str, str] = {}
    cursor = conn.connection.cursor()  # the driver's own cursor: a tenth of the time per row
    postgresql = conn.dialect.name == "postgresql"
    mark = "%s" if postgresql else "?"
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join(mark for _ in chunk)
        hashers: dict[str, Any] = {}
        for table in tables:
            if not columns[table]:
                continue
            key = "id" if table == "care_plan" else "plan_id"
            select = ", ".join(f'"{c}"::text' if c in as_text[table] else f'"{c}"' for c in columns[table])
            where = f"{key} IN ({marks}) ORDER BY {key}, id"
            position = columns[table].index(key)
            cursor.execute(f'SELECT {select} FROM "{table}" WHERE {where}', tuple(chunk))
            for row in cursor.fetchall():
                plan_id = str(row[position])
                if table == "care_plan":
                    hashers[plan_id] = hashlib.sha256()
                hasher = hashers.get(plan_id)
                if hasher is None:
                    continue  # a row whose version row is gone: that version is reported missing
                serialiser = lines.get((versions[plan_id], table))
                if serialiser is not None:  # None: a table added after this version's seal
                    hasher.update(serialiser.line(row, from_postgresql=postgresql))
        out.update({plan_id: hasher.hexdigest() for plan_id, hasher in hashers.items()})
    return out


def current_revision(conn: Connection) -> str:
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value)


def seal_for(conn: Connection, plan_id: str) -> str:
    """The seal text for one version as it is now in this transaction (call after the last flush)."""
    revision = current_revision(conn)
    digest = content_hashes(conn, {plan_id: revision})[plan_id]
    return seal_text(digest, revision)
