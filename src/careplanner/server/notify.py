"""Hearing the practice server's announcements: PostgreSQL LISTEN on a connection of its own.

A background thread (never the UI thread) holds one autocommit psycopg connection, LISTENs on the presence
and change channels, and waits in `conn.notifies()` with a short timeout so it can stop promptly and check
the connection now and then. Each announcement, and each loss and return of the connection, is handed to
`on_event` on that thread: the UI puts it on a queue for its own thread (ui/server_status.py).

When the server stops or the network drops, the thread says "disconnected" once, then tries again every
RETRY_SECONDS; when it is back it says "connected" (and the UI refreshes what it may have missed).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.engine import Engine

from careplanner.server.presence import CHANGES_CHANNEL, PRESENCE_CHANNEL

log = logging.getLogger("careplanner.server.notify")

RETRY_SECONDS = 1.0
WAIT_SECONDS = 0.5
PING_EVERY = 10  # waits: the connection is checked about every five seconds when nothing is heard


@dataclass(frozen=True)
class ListenerEvent:
    """kind: "connected", "disconnected", "presence" (payload "PERSON_ID HOLDER", or "PERSON_ID -" when
    released) or "changes"."""

    kind: str
    payload: str = ""


class ChangeListener:
    """LISTEN/NOTIFY on a background thread. `start()` once; `stop()` returns within about a second."""

    def __init__(self, engine: Engine, on_event: Callable[[ListenerEvent], None]) -> None:
        self._engine = engine
        self._on_event = on_event
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="server-listen", daemon=True)
        self.connected = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        if wait and self._thread.is_alive():
            self._thread.join(timeout=5)

    def _connect(self) -> psycopg.Connection[Any]:
        """A connection of the engine's (same address, TLS and sign-in), taken out of its pool for good."""
        raw = self._engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()
        if not isinstance(conn, psycopg.Connection):
            raise TypeError("the practice server's engine is not a psycopg 3 engine")
        conn.rollback()
        conn.autocommit = True
        for channel in (PRESENCE_CHANNEL, CHANGES_CHANNEL):
            conn.execute(f"LISTEN {channel}")
        return conn

    def _say(self, kind: str, payload: str = "") -> None:
        try:
            self._on_event(ListenerEvent(kind, payload))
        except Exception:  # the receiver's problem must not end the listening
            log.exception("A server announcement could not be passed on")

    def _run(self) -> None:
        told_down = False
        while not self._stop.is_set():
            conn: psycopg.Connection[Any] | None = None
            try:
                conn = self._connect()
                self.connected, told_down = True, False
                self._say("connected")
                self._listen(conn)
            except Exception as exc:  # whatever broke the connection, try again shortly
                if self.connected or not told_down:
                    log.warning("Lost the practice server's announcements: %s", type(exc).__name__)
                    self.connected, told_down = False, True
                    self._say("disconnected")
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()
            self._stop.wait(RETRY_SECONDS)
        self.connected = False

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        quiet = 0
        while not self._stop.is_set():
            heard = False
            for note in conn.notifies(timeout=WAIT_SECONDS):
                heard = True
                kind = "presence" if note.channel == PRESENCE_CHANNEL else "changes"
                self._say(kind, note.payload)
                if self._stop.is_set():
                    return
            quiet = 0 if heard else quiet + 1
            if quiet >= PING_EVERY:  # nothing heard for a while: is the server still there?
                conn.execute("SELECT 1")
                quiet = 0
