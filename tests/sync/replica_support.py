"""A practice server (a fresh database on the test run's PostgreSQL) and workstations that each keep their
own encrypted replica and sync with it through the real engine (for the engine and replica CLI tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

from careplanner.app import AppContext, open_context, open_server_context
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.services.users import Actor
from careplanner.sync import outbox
from careplanner.sync.documents import Document, all_document_keys, read_document
from careplanner.sync.engine import SyncEngine
from tests.conftest import TEST_PASSPHRASE
from tests.server_support import sa_url, test_server
from tests.sync_support.proxy import Proxy


@dataclass
class Station:
    name: str
    ctx: AppContext
    engine: SyncEngine
    actor: Actor
    cut: list[bool] = field(default_factory=lambda: [False])  # True: the network is down

    def offline(self, down: bool = True) -> None:
        self.cut[0] = down


@dataclass
class SyncPractice:
    database: str
    server: AppContext  # the practice server, opened by its owner
    pg: Engine
    nurse: Actor
    tmp: Path
    stations: list[Station] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)  # the stations' own, through a proxy

    def connect(self) -> Connection:
        return self.pg.connect()

    def station(self, name: str, actor: Actor | None = None, *, through: Proxy | None = None) -> Station:
        """A new workstation with an empty replica, its outbox on, syncing as `actor` (the nurse); its
        network link to the server goes `through` a proxy when one is given (a cut the test makes)."""
        ctx = open_context(resolve_paths(self.tmp / name), passphrase=TEST_PASSPHRASE)
        outbox.install(ctx.store.sessions, ctx.services.clock.now)
        cut = [False]
        pg = self.pg
        if through is not None:
            url = (
                test_server()
                .cluster.url(self.database)
                .replace(f":{test_server().cluster.port}/", f":{through.port}/")
            )
            pg = create_engine(sa_url(url))
            self.engines.append(pg)

        def connect() -> Connection:
            if cut[0]:
                from careplanner.server.errors import ServerUnreachableError

                raise ServerUnreachableError()
            return pg.connect()

        who = actor or self.nurse
        made = Station(name, ctx, SyncEngine(ctx.store.sessions, connect, who), who, cut)
        self.stations.append(made)
        return made

    def close(self) -> None:
        for s in self.stations:
            s.ctx.close()
        for engine in self.engines:
            engine.dispose()
        self.server.close()
        self.pg.dispose()


def open_practice(tmp: Path) -> Iterator[SyncPractice]:
    server = test_server()
    database = server.new_database()
    paths = resolve_paths(tmp / "server-side")
    paths.ensure()
    ctx = open_server_context(server.address(database), None, paths)
    nurse = ctx.services.users.create(
        username="jo", display_name="Jo Brennan", role=UserRole.NURSE, actor=None
    )
    pg = create_engine(sa_url(server.cluster.url(database)))
    practice = SyncPractice(database, ctx, pg, nurse, tmp)
    try:
        yield practice
    finally:
        practice.close()
        server.drop_database(database)


def documents(conn: Connection) -> dict[tuple[str, str], Document]:
    return {k: read_document(conn, *k) for k in all_document_keys(conn)}


def server_documents(practice: SyncPractice) -> dict[tuple[str, str], Document]:
    with practice.pg.connect() as conn:
        return documents(conn)


def replica_documents(station: Station) -> dict[tuple[str, str], Document]:
    with station.ctx.store.sessions() as session:
        return documents(session.connection())


def differences(
    a: dict[tuple[str, str], Document], b: dict[tuple[str, str], Document]
) -> list[tuple[str, str]]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
