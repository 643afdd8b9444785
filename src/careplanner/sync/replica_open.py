"""A workstation joined to the practice server in replica mode: it works on its own encrypted copy.

The app and the command line open this computer's SQLCipher store (key in the keyring, as for a
standalone store) with the outbox on (outbox.py), and sign people in through `ReplicaLink`:

- **online**, the practice server checks the password (each person connects as their own login role) and
  the app's sign-in there is audited; this computer then keeps an Argon2id verifier of that password in its
  own copy (app_user.password_hash, a column sync never sends), so
- **offline** (the server cannot be reached), the same person can sign in here with the same password,
  through the ordinary local sign-in (its slowing down, lockout and audit). Someone who never signed in on
  this computer while the server could be reached cannot sign in offline here. When the server refuses a
  password this computer still knows (changed on the server since), the verifier is forgotten.

The password stays in memory only, to connect to the server for sync (as a connection pool keeps it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.config import Paths
from careplanner.models import User
from careplanner.server import joined
from careplanner.server.connection import ServerAddress
from careplanner.server.errors import ServerSignInError, ServerUnreachableError
from careplanner.services.auth import AuthService, SignInError
from careplanner.services.usernames import username_key
from careplanner.services.users import Actor
from careplanner.sync import outbox
from careplanner.sync.engine import SyncEngine, SyncStoppedError

if TYPE_CHECKING:
    from careplanner.app import AppContext

log = logging.getLogger("careplanner.sync")

USERS = cast(Table, User.__table__)
OFFLINE = (
    "The practice server cannot be reached, so you are signing in on this computer's own copy: only "
    "people who have signed in on this computer while the server could be reached can do that."
)


@dataclass
class ReplicaLink:
    """How a replica reaches the practice server, and who is signed in (online or offline)."""

    paths: Paths
    address: ServerAddress  # the joined server, ready to connect (its CA written out), no user
    sessions: sessionmaker[Session]
    auth: AuthService
    now: Callable[[], datetime]
    actor: Actor | None = None
    online: bool = False  # the server could be reached at the last sign-in or connection
    _server: AppContext | None = field(default=None, repr=False)
    _username: str = field(default="", repr=False)
    _password: str = field(default="", repr=False)
    _engine: SyncEngine | None = field(default=None, repr=False)

    def sign_in(self, username: str, password: str) -> Actor:
        """Sign in online when the server can be reached, else offline on this computer's copy."""
        from careplanner.server import workstation

        try:
            server, server_actor = workstation.open_signed_in(self.address, username, password, self.paths)
        except ServerUnreachableError:
            self.online = False
            try:
                actor = self.auth.sign_in(username, password)
            except SignInError as exc:
                self._refetch_account(username)
                raise SignInError(f"{exc} {OFFLINE}") from exc
            log.info("Signed in offline on the replica")
            return self._signed_in(actor, username, password)
        except ServerSignInError:
            self._forget_if_known(username, password)
            raise
        self._close_server()
        self._server, self.online = server, True
        if not self._knows(server_actor.id):  # a new account: bring it (and everything new) here first
            report = SyncEngine(self.sessions, self.connect, server_actor, self.now).cycle()
            if not self._knows(server_actor.id):
                raise SyncStoppedError(
                    report.problem
                    or "Your account could not be fetched from the practice server yet. Try again shortly."
                )
        self._keep_verifier(server_actor.id, password)
        return self._signed_in(self.auth.sign_in(username, password), username, password)

    def _signed_in(self, actor: Actor, username: str, password: str) -> Actor:
        self.actor, self._username, self._password = actor, username, password
        self._engine = None
        return actor

    def _refetch_account(self, username: str) -> None:
        """A failed attempt counted here bumped the account's row version: take the server's row again at
        the next sync, so this copy stays equal to the server's (the count itself is never sent)."""
        with self.sessions.begin() as session:
            session.info[outbox.APPLYING] = True
            wanted = username_key(username)
            found = {
                str(user_id)
                for user_id, name in session.execute(select(USERS.c.id, USERS.c.username))
                if username_key(str(name)) == wanted
            }
            outbox.add_refetch(session.connection(), {("user", user_id) for user_id in found})

    def _knows(self, user_id: str) -> bool:
        with self.sessions() as session:
            return session.scalar(select(USERS.c.id).where(USERS.c.id == user_id)) is not None

    def _keep_verifier(self, user_id: str, password: str) -> None:
        """This computer's own verifier of a password the server has just accepted (never sent anywhere)."""
        with self.sessions.begin() as session:
            session.info[outbox.APPLYING] = True
            session.execute(
                update(USERS)
                .where(USERS.c.id == user_id)
                # updated_at as the server gave it: the verifier is this computer's own, not a change
                .values(password_hash=PasswordHasher().hash(password), updated_at=USERS.c.updated_at)
            )

    def _forget_if_known(self, username: str, password: str) -> None:
        """The server refused a password this computer still accepts: it was changed there. Forget it."""
        with self.sessions.begin() as session:
            session.info[outbox.APPLYING] = True
            wanted = username_key(username)
            for user_id, name, hashed in session.execute(
                select(USERS.c.id, USERS.c.username, USERS.c.password_hash)
            ):
                if username_key(str(name)) != wanted or not hashed:
                    continue
                try:
                    PasswordHasher().verify(str(hashed), password)
                except (VerificationError, InvalidHashError):
                    continue
                session.execute(
                    update(USERS)
                    .where(USERS.c.id == user_id)
                    .values(password_hash="", updated_at=USERS.c.updated_at)
                )
                log.info("Forgot a replica sign-in verifier the server no longer accepts")

    def connect(self) -> Connection:
        """A connection to the server as the person signed in (reconnecting after an outage)."""
        from careplanner.app import open_server_context
        from careplanner.server.accounts import login_address
        from careplanner.server.store import classify

        try:
            if self._server is None:
                if not self._username:
                    raise ServerUnreachableError("Nobody is signed in, so this computer cannot sync.")
                address = login_address(self.address, self._username)
                self._server = open_server_context(address, self._password, self.paths, pool_size=1)
            conn = self._server.store.engine.connect()
        except DBAPIError as exc:
            self.online = False
            self._close_server()
            raise (classify(exc) or ServerUnreachableError()) from exc
        except ServerUnreachableError:
            self.online = False
            self._close_server()
            raise
        self.online = True
        return conn

    def engine(self) -> SyncEngine:
        """The sync engine for the person signed in."""
        if self.actor is None:
            raise SignInError("Sign in first: sync sends and fetches changes as the person signed in.")
        if self._engine is None:
            self._engine = SyncEngine(self.sessions, self.connect, self.actor, self.now)
        return self._engine

    def _close_server(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def close(self) -> None:
        self._close_server()
        self._password = ""


def open_replica_context(
    paths: Paths, saved: joined.JoinedServer, *, passphrase: bytes | None = None, create: bool = True
) -> AppContext:
    """This computer's own encrypted store as the practice's replica: outbox on, and a link to the server."""
    from careplanner.app import open_context

    ctx = open_context(paths, passphrase=passphrase, create=create)
    try:
        outbox.install(ctx.store.sessions, ctx.services.clock.now)
        ctx.services.auth.mark_replica()  # the practice's accounts are the server's: no first-run set-up
        ctx.replica = ReplicaLink(
            paths=paths,
            address=joined.connect_address(saved),
            sessions=ctx.store.sessions,
            auth=ctx.services.auth,
            now=ctx.services.clock.now,
        )
    except BaseException:
        ctx.close()
        raise
    return ctx


def replica_settings(paths: Paths) -> joined.JoinedServer | None:
    """The joined server's settings when this computer joined it in replica mode (else None; cheap when
    it never joined: the keyring is not asked)."""
    if not joined.is_joined(paths):
        return None
    saved = joined.load(paths)
    return saved if saved is not None and saved.mode == "replica" else None


def join_replica(
    url: str, ca_file: str | None, username: str, password: str, paths: Paths
) -> joined.JoinedServer:
    """Join this computer to the practice server in replica mode: check the sign-in there, keep the
    settings, make this computer's own encrypted copy and fill it from the server. On any failure the
    settings are forgotten again, so the computer is not left half joined."""
    from careplanner.app import open_replica_context as open_replica
    from careplanner.server import workstation
    from careplanner.store.errors import KeyringUnavailableError

    address, pem = workstation.address_with_ca(url, ca_file)
    if not joined._keyring_secure():
        raise KeyringUnavailableError(
            "This computer has no secure keyring (such as Windows Credential Locker or the desktop's "
            "keyring), so it cannot keep the practice server's settings or its copy's key. Nothing was saved."
        )
    workstation.check_sign_in(address, username, password, paths)
    saved = joined.save(paths, address, pem, mode="replica")
    try:
        ctx = open_replica(paths, saved)
        try:
            assert ctx.replica is not None
            ctx.replica.sign_in(username, password)  # online: fetches everything into the new copy
            report = ctx.replica.engine().cycle()
            if report.problem:
                raise SyncStoppedError(report.problem)
        finally:
            ctx.close()
    except BaseException:
        joined.forget(paths)
        raise
    return saved


def waiting_here(paths: Paths, passphrase_file: str | None = None) -> int:
    """How many records changed on this replica still wait to reach the server (0 when this computer is
    not a replica, or its copy cannot be opened now: leaving is then not held up)."""
    from careplanner.app import open_context, read_passphrase_file
    from careplanner.services.errors import ServiceError
    from careplanner.store.errors import StoreError

    try:
        if replica_settings(paths) is None:
            return 0
        passphrase = read_passphrase_file(passphrase_file) if passphrase_file else None
        ctx = open_context(paths, passphrase=passphrase, create=False)
    except (StoreError, ServiceError):
        return 0
    try:
        from careplanner.sync.status import SyncService

        return SyncService(ctx.store.sessions).status(False).waiting
    finally:
        ctx.close()
