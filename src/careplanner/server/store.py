"""An open practice server, shaped like the local store (engine, session factory, close, counts), so the
same services run on either. A workstation never changes the server's schema: `careplanner server init`
and `server upgrade` do, run by the practice's IT with the database owner's account.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.server.connection import ServerAddress
from careplanner.server.errors import (
    ServerBusyError,
    ServerCertificateError,
    ServerSchemaError,
    ServerSignInError,
    ServerUnreachableError,
)
from careplanner.store.errors import StoreError
from careplanner.store.migrate import current_revision, head_revision, known_revisions

log = logging.getLogger("careplanner.server")


def classify(exc: BaseException) -> StoreError | None:
    """A driver error while connecting, as one the person can act on (None: not a connection problem)."""
    text_ = str(getattr(exc, "orig", exc)).lower()
    if (
        "password authentication failed" in text_
        or "no pg_hba.conf entry" in text_
        # An account switched off (its login role made NOLOGIN), or another practice database's account:
        # the same plain answer as a wrong password, as on a workstation.
        or "is not permitted to log in" in text_
        or "permission denied for database" in text_
    ):
        return ServerSignInError()
    # Waited longer than the database's lock_timeout (SQLSTATE 55P03): someone holds a lock; not an outage.
    if getattr(getattr(exc, "orig", exc), "sqlstate", None) == "55P03" or "lock timeout" in text_:
        return ServerBusyError()
    if "certificate" in text_ or ("ssl" in text_ and ("verify" in text_ or "handshake" in text_)):
        return ServerCertificateError()
    if (
        "connection refused" in text_
        or "timeout" in text_
        or "could not translate host name" in text_
        or "server closed the connection" in text_
        or "connection is bad" in text_
        # psycopg's words when the socket is already gone as a rollback after a failed write is tried
        or "the connection is lost" in text_
        or "terminating connection" in text_
        or "consuming input failed" in text_
        or "the database system is" in text_
    ):
        return ServerUnreachableError()
    return None


@dataclass
class ServerStore:
    """The practice server's database, opened as one signed-in person (their own database role)."""

    address: ServerAddress
    engine: Engine
    sessions: sessionmaker[Session]
    demo: bool = False
    upgraded_from_copy: str | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def dialect(self) -> str:
        return "postgresql"

    def close(self) -> None:
        if not self._closed:
            self.engine.dispose()
            self._closed = True

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def demo_marked(self) -> bool:
        return False

    def counts(self) -> dict[str, int]:
        from careplanner.models import AuditEvent, CarePlan, Person, User

        out: dict[str, int] = {}
        with self.sessions() as session:
            for name, model in (
                ("people", Person),
                ("plans", CarePlan),
                ("users", User),
                ("audit", AuditEvent),
            ):
                out[name] = session.scalar(select(func.count()).select_from(model)) or 0
        return out

    def integrity_check(self, progress: object = None) -> list[str]:
        """The server's own consistency: every link between records holds (PostgreSQL checks its pages)."""
        from careplanner.models import Base

        problems: list[str] = []
        with self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    child, parent = fk.parent, fk.column
                    link = f'p."{parent.name}" = c."{child.name}"'
                    sql = (
                        f'SELECT count(*) FROM "{table.name}" c WHERE c."{child.name}" IS NOT NULL AND NOT '
                        f'EXISTS (SELECT 1 FROM "{parent.table.name}" p WHERE {link})'
                    )
                    broken = conn.execute(text(sql)).scalar() or 0
                    if broken:
                        problems.append(
                            f"{broken} row(s) of {table.name} point to a missing {parent.table.name}"
                        )
        return problems

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session


def check_schema(engine: Engine) -> None:
    """Refuse a server whose schema this release does not match (never migrate it from a workstation)."""
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise ServerSchemaError(
            "The practice server has no Care Planner database yet: the practice's IT sets it up with "
            "`careplanner server init`."
        )
    if current not in known_revisions():
        raise ServerSchemaError(
            "The practice server has been upgraded to a newer Care Planner: install the newer release on "
            "this computer. Nothing was changed."
        )
    raise ServerSchemaError(
        "The practice server has an older Care Planner database: the practice's IT upgrades it with "
        "`careplanner server upgrade`. Nothing was changed."
    )


def open_server(address: ServerAddress, password: str | None, *, pool_size: int = 3) -> ServerStore:
    """Connect as `address.user` with `password`, and check the server's schema is this release's."""
    engine = address.engine(password, pool_size=pool_size)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        check_schema(engine)
    except DBAPIError as exc:
        engine.dispose()
        known = classify(exc)
        if known is not None:
            raise known from exc
        raise
    except BaseException:
        engine.dispose()
        raise
    log.info("Connected to the practice server")
    return ServerStore(address=address, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
