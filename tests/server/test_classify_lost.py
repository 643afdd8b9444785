"""A connection already gone when a rollback is tried (psycopg: "the connection is lost") is the server being
unreachable — a plain, typed answer the workstation keeps its save through — not an unexpected bug. Found
when the practice server was killed mid-write under load."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import OperationalError

from careplanner.server.errors import ServerUnreachableError
from careplanner.server.store import classify


def test_a_lost_connection_on_rollback_is_unreachable_not_a_bug() -> None:
    lost = OperationalError("ROLLBACK", None, psycopg.OperationalError("the connection is lost"))
    assert isinstance(classify(lost), ServerUnreachableError)
