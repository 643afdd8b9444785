"""A private PostgreSQL for the tests: one cluster per test process, one database per test.

The cluster is started on first use (about a second) and removed at the end of the run. A template
database is migrated once; each test gets a copy of it (`CREATE DATABASE … TEMPLATE`), which takes tens of
milliseconds, so the service suite can run on both back ends inside CI's time.
"""

from __future__ import annotations

import atexit
import itertools
import os
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text

from careplanner.server.cluster import LocalCluster, make_cluster, postgres_bin
from careplanner.server.connection import ServerAddress
from careplanner.store.migrate import upgrade

TEMPLATE = "careplanner_template"


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@dataclass
class TestServer:
    cluster: LocalCluster
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _template_ready: bool = False

    def admin_engine(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        return create_engine(sa_url(self.cluster.url(database)), isolation_level="AUTOCOMMIT")

    def _template(self) -> None:
        if self._template_ready:
            return
        engine = self.admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
            conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
        engine.dispose()
        migrating = create_engine(sa_url(self.cluster.url(TEMPLATE)))
        with migrating.begin() as conn:
            upgrade(conn)
        migrating.dispose()
        self._template_ready = True

    def new_database(self, *, migrated: bool = True) -> str:
        """A new database's name: a copy of the migrated template, or empty."""
        name = f"t{os.getpid()}_{next(self._numbers)}"
        if migrated:
            self._template()
        engine = self.admin_engine()
        with engine.connect() as conn:
            source = f" TEMPLATE {TEMPLATE}" if migrated else ""
            conn.execute(text(f"CREATE DATABASE {name}{source}"))
        engine.dispose()
        return name

    def drop_database(self, name: str) -> None:
        engine = self.admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()

    def address(self, database: str, user: str | None = None) -> ServerAddress:
        from careplanner.server.cluster import SUPERUSER

        return ServerAddress(
            host="127.0.0.1",
            port=self.cluster.port,
            database=database,
            user=user or SUPERUSER,
            sslmode="disable",
        )


_SERVER: TestServer | None = None


def test_server() -> TestServer:
    """The run's cluster, started on first use. Without PostgreSQL: a failure in CI, a skip elsewhere."""
    global _SERVER
    if _SERVER is None:
        if postgres_bin() is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL is not installed; scripts/test.sh installs it when run as root")
            pytest.skip("PostgreSQL is not installed (scripts/test.sh installs it when run as root)")
        cluster = make_cluster()
        cluster.start()
        _SERVER = TestServer(cluster)
        atexit.register(stop_test_server)  # also when the run ends without pytest's own finish
    return _SERVER


def stop_test_server() -> None:
    global _SERVER
    if _SERVER is not None:
        _SERVER.cluster.remove()
        _SERVER = None


def provisioned_database(**options):  # type: ignore[no-untyped-def]
    """A new database set up as `careplanner server init` sets one up (its own owner, the group roles and
    grants, the first administrator, and any `accounts`), on the run's cluster: a ProvisionedDatabase whose
    `open_as(username, paths)`, `connect(username)` and `url()` connect as a person's own login role.
    See tests/server_provisioned.py."""
    from tests.server_provisioned import provision

    return provision(test_server(), **options)
