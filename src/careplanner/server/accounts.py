"""App accounts as the practice server's own login roles: the calls the account services make there.

On the server nobody's password is kept in app_user (its password_hash stays empty): the server checks it
when the person connects, as their own login role (`roles.login_role`). Making an account, resetting a
password, changing a role or switching an account off go through the owner's SECURITY DEFINER function
(`careplanner_save_login`, administrators only), in the same transaction as the app_user change, so both
happen or neither does. A person changes their own password with ALTER ROLE on their own role, which
PostgreSQL allows every role.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from careplanner.clinical.enums import UserRole
from careplanner.server import roles, scram
from careplanner.server.connection import ServerAddress
from careplanner.services import audit
from careplanner.services.sign_in_guard import SignInError, wrong
from careplanner.services.users import Actor, actor_of, user_named
from careplanner.store.errors import StoreError

log = logging.getLogger("careplanner.server.accounts")


def database_of(session: Session | Connection) -> str:
    return str(session.execute(text("SELECT current_database()")).scalar())


def connected_role(session: Session | Connection) -> str:
    """The login role this connection signed in as (session_user: SET ROLE does not change it)."""
    return str(session.execute(text("SELECT session_user")).scalar())


def login_role_of(session: Session | Connection, username: str) -> str:
    return roles.login_role(database_of(session), username)


def role_exists(session: Session | Connection, role: str) -> bool:
    found = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    return found is not None


def can_sign_in(session: Session | Connection, username: str) -> bool:
    """The account has a login role that may connect (what the users screen shows as "has a password")."""
    role = login_role_of(session, username)
    found = session.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    return bool(found)


def save_login(
    session: Session | Connection,
    username: str,
    role: UserRole,
    *,
    password: str | None,
    active: bool,
) -> None:
    """Make or change the account's login role through the owner's function (administrators only).

    `password` None keeps the current one (and changes nothing for an account that has no login role yet)."""
    name = login_role_of(session, username)
    if password is None and not role_exists(session, name):
        return
    verifier = None if password is None else scram.verifier(password)
    # The server binds the login role to this account (server_login): the account must exist already.
    user = user_named(session, username) if isinstance(session, Session) else None
    user_id = user.id if user is not None else _user_id(session, username)
    session.execute(
        text(f"SELECT public.{roles.SAVE_LOGIN_FUNCTION}(:user_id, :role, :grp, :verifier, :login)"),
        {
            "user_id": user_id,
            "role": name,
            "grp": roles.GROUP_OF_ROLE[role],
            "verifier": verifier,
            "login": active,
        },
    )


def _user_id(session: Session | Connection, username: str) -> str | None:
    found = session.execute(text("SELECT id FROM app_user WHERE username = :u"), {"u": username}).scalar()
    return None if found is None else str(found)


def set_own_password(session: Session, username: str, password: str) -> bool:
    """Change the connected person's own password (ALTER ROLE on their own role); False when this connection
    is not that account's role (e.g. the owner's), and nothing was changed."""
    name = login_role_of(session, username)
    if connected_role(session) != name:
        return False
    from psycopg import sql

    verifier = scram.verifier(password)
    # A utility statement takes no parameters: the driver quotes the name and the verifier itself.
    statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(verifier))
    raw: Any = session.connection().connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.execute(statement)
    return True


def password_opens(session: Session, password: str) -> bool:
    """Whether `password` opens a new connection as this connection's own role (the unlock screen).

    The new connection takes this one's parameters (host, database, user, TLS settings; libpq never reports
    the password) and is closed at once."""
    import psycopg

    raw: Any = session.connection().connection.dbapi_connection
    params = dict(raw.info.get_parameters())
    params.pop("password", None)
    try:
        with psycopg.connect(**params, password=password):
            return True
    except psycopg.OperationalError as exc:
        from careplanner.server.errors import ServerSignInError
        from careplanner.server.store import classify

        known = classify(exc)
        if isinstance(known, ServerSignInError):
            return False
        if known is not None:
            raise known from exc
        raise


def managed(session: Session | Connection) -> bool:
    """True when `server init` set this database up: accounts are its login roles, and the server keeps
    their passwords. (A database only migrated, as the tests' template is, keeps Argon2 hashes as a
    workstation does.)"""
    signature = f"public.{roles.SAVE_LOGIN_FUNCTION}({roles.SAVE_LOGIN_ARGS})"
    return session.execute(text("SELECT to_regprocedure(:s) IS NOT NULL"), {"s": signature}).scalar() is True


def connection_account(session: Session | Connection, username: str) -> str:
    """How this connection stands to the account `username`: "own" (its login role), "other" (another
    account's login role of this database) or "outside" (the owner, a superuser: not an account's role)."""
    database = database_of(session)
    connected = connected_role(session)
    try:
        if connected == roles.login_role(database, username):
            return "own"
    except StoreError:  # not a name this scheme can hold
        pass
    pattern = re.compile(roles.login_role_pattern(database)) if roles.DATABASE_NAME.match(database) else None
    return "other" if pattern is not None and pattern.match(connected) else "outside"


def server_attempt(
    session: Session,
    username: str,
    password: str,
    success: str,
    now: Callable[[], datetime],
) -> Actor | SignInError | None:
    """Sign-in (or unlock) on the server when connected as an account's own login role; None when this
    connection is not an account's role, and the app's own check applies (AuthService).

    Connected as the account's own role, the server has already checked the password; an unlock checks it
    again with a new connection. Connected as another account's role, the answer is the plain refusal."""
    standing = connection_account(session, username)
    if standing == "outside":
        return None
    user = user_named(session, username)
    if standing == "other" or user is None or not user.active:
        audit.record(session, audit.Action.SIGN_IN_FAILED, user_id=None, detail="not this account", now=now)
        log.info("Sign-in refused: connected as another account")
        return wrong(timedelta(0))
    if success == audit.Action.UNLOCK and not password_opens(session, password):
        audit.record(session, audit.Action.SIGN_IN_FAILED, user_id=user.id, detail="unlock", now=now)
        return wrong(timedelta(0))
    audit.record(session, success, user_id=user.id, now=now)
    return actor_of(user)


def login_address(address: ServerAddress, username: str) -> ServerAddress:
    """`address` with its user replaced by `username`'s own login role: how a person connects."""
    return address.with_user(roles.login_role(address.database, username))
