"""What the fault tests check after the faults: every replica holds what the server holds, nothing was lost,
nothing doubled, no agreed version changed, every conflict listed.

`snapshot(conn)` reads every synced table whole (one query per table, SQLite and PostgreSQL alike) into
JSON-safe rows keyed by primary key. It is written here from the design (docs/architecture.md, the brief's
list of what sync carries) and not from sync/documents.py, so a column the protocol forgets to carry shows
up as a difference instead of being left out on both sides. The workstation process writes its replica's
snapshot to a file (it alone has the key); the test takes the server's over the superuser's connection.

Markers: every text the workstation script types is `MARKER` shaped (wNN-NNNNNN-hhhhhh), so what survived
anywhere in the plans is one regular-expression pass over the snapshot.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

import careplanner.models  # noqa: F401 - registers every table
from careplanner.models.base import Base
from careplanner.store.guards import PLAN_CONTENT_TABLES

MARKER = re.compile(r"w\d\d-\d{6}-[0-9a-f]{6}")
PERSON_TABLES = (
    "person",
    "person_address",
    "person_telecom",
    "person_communication_need",
    "person_name_token",
)
PLAN_TABLES = ("care_plan", *PLAN_CONTENT_TABLES)
REFERENCE_TABLES = (
    "app_user",
    "practice",
    "directory_service",
    "directory_leaflet",
    "contingency_template",
    "sync_conflict",
)
SYNCED_TABLES = PERSON_TABLES + PLAN_TABLES + REFERENCE_TABLES
# A sign-in's verifier and lockout stay in the store they were made in.
LOCAL_ONLY = {"app_user": frozenset({"password_hash", "failed_attempts", "locked_until"})}
FROZEN = ("agreed", "declined")
# Columns whose values may appear in a failure message (times, counters and states, never a person's data).
SAFE_TO_SHOW = frozenset(
    {
        "updated_at",
        "created_at",
        "row_version",
        "revision",
        "status",
        "version_number",
        "agreed_at",
        "resolved_at",
    }
)

Table = dict[str, dict[str, Any]]  # primary key text -> row
Snapshot = dict[str, Table]  # table name -> rows


def _json(value: Any) -> Any:
    if isinstance(value, Enum):
        return _json(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def snapshot(conn: Connection, tables: Iterable[str] = SYNCED_TABLES) -> Snapshot:
    """Every synced table of this store (or those named), whole."""
    out: Snapshot = {}
    for name in tables:
        table = Base.metadata.tables[name]
        hidden = LOCAL_ONLY.get(name, frozenset())
        columns = [c for c in table.columns if c.name not in hidden]
        keys = [c.name for c in table.primary_key.columns]
        rows: Table = {}
        for row in conn.execute(select(*columns)).mappings():
            values = {k: _json(v) for k, v in row.items()}
            rows["|".join(str(values[k]) for k in keys)] = values
        out[name] = rows
    return out


def save(snap: Snapshot, path: Path) -> None:
    path.write_text(json.dumps(snap, sort_keys=True), encoding="utf-8")


def load(path: Path) -> Snapshot:
    data: Snapshot = json.loads(path.read_text(encoding="utf-8"))
    return data


def differences(server: Snapshot, replica: Snapshot, *, limit: int = 12) -> list[str]:
    """Where `replica` differs from `server`, in words naming tables, keys and columns (no values)."""
    found: list[str] = []
    for name in SYNCED_TABLES:
        ours, theirs = server.get(name, {}), replica.get(name, {})
        for key in sorted(set(ours) - set(theirs)):
            found.append(f"{name} {key}: on the server, missing from the replica")
        for key in sorted(set(theirs) - set(ours)):
            found.append(f"{name} {key}: on the replica, not on the server")
        for key in sorted(set(ours) & set(theirs)):
            if ours[key] != theirs[key]:
                columns = sorted(c for c in ours[key] if ours[key].get(c) != theirs[key].get(c))
                shown = [
                    f"{c} (server {ours[key].get(c)!r}, replica {theirs[key].get(c)!r})"
                    if c in SAFE_TO_SHOW
                    else c
                    for c in columns
                ]
                found.append(f"{name} {key}: differs in {', '.join(shown)}")
        if len(found) >= limit:
            break
    return found[:limit]


# ---- plans --------------------------------------------------------------------------------------------


def plan_rows(snap: Snapshot) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """plan id -> table -> its rows (sorted by key), care_plan included."""
    plans: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for key, row in sorted(snap["care_plan"].items()):
        plans[key]["care_plan"].append(row)
    for name in PLAN_CONTENT_TABLES:
        for _key, row in sorted(snap[name].items()):
            plans[str(row["plan_id"])][name].append(row)
    return plans


def plan_digest(rows: dict[str, list[dict[str, Any]]]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def frozen_versions(snap: Snapshot) -> dict[str, str]:
    """Agreed and declined versions: plan id -> digest of all its rows."""
    plans = plan_rows(snap)
    return {pid: plan_digest(rows) for pid, rows in plans.items() if rows["care_plan"][0]["status"] in FROZEN}


def only_frozen(snap: Snapshot) -> Snapshot:
    """The snapshot's plan tables cut down to agreed and declined versions."""
    keep = {pid for pid, row in snap["care_plan"].items() if row["status"] in FROZEN}
    out: Snapshot = {"care_plan": {k: v for k, v in snap["care_plan"].items() if k in keep}}
    for name in PLAN_CONTENT_TABLES:
        out[name] = {k: v for k, v in snap[name].items() if v["plan_id"] in keep}
    return out


def changed_versions(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Agreed or declined versions that are gone or changed since `before`."""
    return [pid for pid, digest in before.items() if after.get(pid) != digest]


def markers_in(snap: Snapshot, tables: Iterable[str] = PLAN_TABLES) -> set[str]:
    found: set[str] = set()
    for name in tables:
        found.update(MARKER.findall(json.dumps(snap[name])))
    return found


def drafts_by_person(snap: Snapshot) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for pid, row in snap["care_plan"].items():
        if row["status"] == "draft":
            out[str(row["person_id"])].append(pid)
    return out


def unlisted_branches(snap: Snapshot) -> list[str]:
    """People with two or more drafts where an open sync_conflict does not name every draft but one."""
    named: dict[str, set[str]] = defaultdict(set)
    for row in snap["sync_conflict"].values():
        if row.get("resolved_at") is None:
            named[str(row["person_id"])].update({str(row["plan_a_id"]), str(row["plan_b_id"])})
    bad = []
    for person, drafts in drafts_by_person(snap).items():
        if len(set(drafts) - named[person]) > 1:
            bad.append(person)
    return bad


def doubled_versions(snap: Snapshot) -> list[str]:
    """(person, version number) pairs used by more than one agreed or declined version."""
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for row in snap["care_plan"].values():
        if row["version_number"] is not None:
            seen[(str(row["person_id"]), int(row["version_number"]))] += 1
    return [f"{p} v{n}" for (p, n), count in seen.items() if count > 1]


def frozen_count(snap: Snapshot) -> int:
    return sum(1 for row in snap["care_plan"].values() if row["status"] in FROZEN)


def open_conflicts(snap: Snapshot) -> set[str]:
    return {key for key, row in snap["sync_conflict"].items() if row.get("resolved_at") is None}
