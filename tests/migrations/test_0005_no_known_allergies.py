"""Revision 0005: a store made before it keeps its medical reviews and medicines, which read "no known
allergies: not stated" (never a silent "none known") and an empty "What this means for me"."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from careplanner.config import Paths
from careplanner.store.engine import make_engine
from careplanner.store.migrate import upgrade


def _insert(conn: Connection, table: str, **values: Any) -> None:
    """A row with the given values and a neutral value in every other NOT NULL column."""
    now = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    for _, name, kind, notnull, default, pk in conn.exec_driver_sql(f"PRAGMA table_info({table})"):
        if name in values or not (notnull or pk) or default is not None:
            continue
        kind = kind.upper()
        if "INT" in kind or "BOOL" in kind:
            values[name] = 1 if name in ("row_version", "revision") else 0
        elif "DATETIME" in kind or "TIMESTAMP" in kind:
            values[name] = now
        elif "DATE" in kind:
            values[name] = date(2026, 1, 1)
        else:
            values[name] = f"{table}-{name}"
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))


def test_medical_reviews_and_medicines_survive_0005_with_safe_defaults(paths: Paths) -> None:
    paths.ensure()
    engine = make_engine(paths.store_file, secrets.token_bytes(32))
    with engine.begin() as conn:
        upgrade(conn, "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # only the two tables under test are filled
        _insert(conn, "medical_review", id="r1", notes="Seen today")
        _insert(conn, "medicine", id="m1", name="Oxybutynin 5mg tablets", decision="stop")
    with engine.begin() as conn:
        upgrade(conn, "0005")
        review = conn.exec_driver_sql("SELECT notes, no_known_allergies FROM medical_review").one()
        medicine = conn.exec_driver_sql("SELECT name, decision, person_note FROM medicine").one()
    engine.dispose()
    assert tuple(review) == ("Seen today", 0)  # not stated: the copy says "Allergies not recorded"
    assert tuple(medicine) == ("Oxybutynin 5mg tablets", "stop", "")
