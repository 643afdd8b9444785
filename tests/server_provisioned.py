"""Practice databases set up exactly as `careplanner server init` sets one up, for tests that connect as a
person (their own login role, so the database enforces their role).

    db = server_support.provisioned_database(accounts=[("nia", "Nia Nurse-Synthetic", UserRole.NURSE)])
    ctx, actor = db.open_as("nia", paths)        # the app's services, signed in as nia
    conn = db.connect("nia")                     # raw psycopg as nia's login role (autocommit)
    db.url()                                     # for `careplanner --server URL --user nia ...`

Each database has its own owner (a login role with CREATEROLE, not a superuser, as a practice's IT would
make it), who runs `init_server`; the first administrator is `admin` and every account's password is
`password` unless given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from careplanner.clinical.enums import UserRole
from careplanner.config import Paths
from careplanner.server import roles, scram
from careplanner.server.accounts import login_address
from careplanner.server.connection import ServerAddress
from careplanner.server.provision import init_server
from careplanner.services.auth import AuthService
from careplanner.services.users import Actor
from tests.cli_signin import PASSWORD

if TYPE_CHECKING:
    from careplanner.app import AppContext
    from tests.server_support import TestServer

OWNER_PASSWORD = "synthetic owner password for tests"
ADMIN = "ada"


@dataclass(frozen=True)
class ProvisionedDatabase:
    server: TestServer
    database: str
    owner: str
    owner_password: str
    admin: str
    password: str

    def owner_address(self) -> ServerAddress:
        return self.server.address(self.database, user=self.owner)

    def owner_engine(self) -> Engine:
        return self.owner_address().engine(self.owner_password, pool_size=1)

    def address(self, username: str | None = None) -> ServerAddress:
        """The database's address with no user (username None), or as `username`'s own login role."""
        bare = replace(self.server.address(self.database), user=None)
        return bare if username is None else login_address(bare, username)

    def url(self) -> str:
        """What `--server` takes (loopback, so sslmode=disable is allowed)."""
        return self.address().url()

    def role(self, username: str) -> str:
        return roles.login_role(self.database, username)

    def connect(self, username: str, password: str | None = None) -> psycopg.Connection[tuple[object, ...]]:
        """A raw driver connection as `username`'s login role (autocommit): what someone holding the
        connection string and that person's password could do, the app bypassed."""
        address = self.address(username)
        return psycopg.connect(
            host=address.host,
            port=address.port,
            dbname=address.database,
            user=address.user,
            password=password or self.password,
            sslmode="disable",
            autocommit=True,
        )

    def engine_as(self, username: str, password: str | None = None) -> Engine:
        return self.address(username).engine(password or self.password, pool_size=1)

    def open_as(self, username: str, paths: Paths, password: str | None = None) -> tuple[AppContext, Actor]:
        """The app's services on the server, connected as `username`'s role and signed in (audited)."""
        from careplanner.app import open_server_context

        secret = password or self.password
        ctx = open_server_context(self.address(username), secret, paths)
        try:
            return ctx, ctx.services.auth.sign_in(username, secret)
        except BaseException:
            ctx.close()
            raise


def empty_database(server: TestServer, *, createrole: bool = True) -> tuple[str, str]:
    """A new, empty database and its owner (a login role with OWNER_PASSWORD; CREATEROLE unless told):
    what a practice's IT makes before `careplanner server init`."""
    database = server.new_database(migrated=False)
    owner = f"{database}_owner"
    attributes = "LOGIN CREATEROLE" if createrole else "LOGIN"
    verifier = scram.verifier(OWNER_PASSWORD)  # base64, '$' and ':' only; ':' escaped for text()
    engine = server.admin_engine()
    with engine.connect() as conn:
        sql = f"CREATE ROLE \"{owner}\" {attributes} PASSWORD '{verifier}'"
        conn.execute(text(sql.replace(":", "\\:")))
        conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{owner}"'))
    engine.dispose()
    return database, owner


def provision(
    server: TestServer,
    *,
    admin: str = ADMIN,
    display_name: str = "Ada Admin-Synthetic",
    password: str = PASSWORD,
    accounts: tuple[tuple[str, str, UserRole], ...] | list[tuple[str, str, UserRole]] = (),
) -> ProvisionedDatabase:
    """A new, empty database owned by its own owner role, set up by `init_server`, with `accounts`
    (username, display name, role) added by the administrator, each with `password`."""
    database, owner = empty_database(server)
    made = ProvisionedDatabase(server, database, owner, OWNER_PASSWORD, admin, password)
    owner_engine = made.owner_engine()
    try:
        init_server(owner_engine, admin, display_name, password)
    finally:
        owner_engine.dispose()
    if accounts:
        as_admin = made.engine_as(admin)
        try:
            auth = AuthService(sessionmaker(as_admin, expire_on_commit=False))
            actor = auth.sign_in(admin, password)
            for username, name, role in accounts:
                auth.add_user(username=username, display_name=name, role=role, password=password, actor=actor)
        finally:
            as_admin.dispose()
    return made
