"""Setting up a practice server's database (`careplanner server init`) and upgrading it (`server upgrade`).

Both run as the database owner, the PostgreSQL account that owns the practice database and may create
roles (CREATEROLE), never as a clinician. `init_server` does everything in one transaction, so a failure
leaves the database exactly as it was: the schema (the same Alembic migrations as a workstation's store),
the group roles and their grants (server/roles.py), the function that makes login roles, and the first
administrator (app_user row, login role and audit entry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import sessionmaker

from careplanner.server import roles
from careplanner.services.users import Actor
from careplanner.store.errors import StoreError
from careplanner.store.migrate import current_revision, head_revision, known_revisions, upgrade

log = logging.getLogger("careplanner.server.provision")


class ProvisionError(StoreError):
    """`server init` or `server upgrade` refused; nothing was changed."""

    exit_code = 43


def _database(conn: Connection) -> str:
    name = str(conn.execute(text("SELECT current_database()")).scalar())
    roles.check_database_name(name)
    return name


def _check_owner(conn: Connection) -> None:
    row = conn.execute(
        text(
            "SELECT d.datdba = r.oid, r.rolsuper OR r.rolcreaterole FROM pg_database d, pg_roles r "
            "WHERE d.datname = current_database() AND r.rolname = current_user"
        )
    ).first()
    if row is None or not row[0]:
        raise ProvisionError(
            "Connect as the account that owns the practice database (in --url): only the owner can set it "
            "up or upgrade it. Nothing was changed."
        )
    if not row[1]:
        raise ProvisionError(
            "The database owner needs the right to create accounts (ALTER ROLE … CREATEROLE), so each "
            "person can have their own. Nothing was changed."
        )


def _tables(conn: Connection) -> list[str]:
    return roles.public_tables(conn)


def init_server(
    owner: Engine,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    *,
    now: Callable[[], datetime] | None = None,
) -> Actor:
    """Set up an empty practice database and its first administrator; refuse one already in use."""
    from careplanner.services.auth import AuthService, check_password_rules

    check_password_rules(admin_password)
    with owner.begin() as conn:
        database = _database(conn)
        _check_owner(conn)
        tables = _tables(conn)
        if "alembic_version" in tables:
            raise ProvisionError(
                "This database already holds Care Planner: it was set up before. Nothing was changed "
                "(to move to a newer release, use `careplanner server upgrade`)."
            )
        if tables:
            raise ProvisionError(
                "This database already holds other tables: give Care Planner an empty database of its "
                "own. Nothing was changed."
            )
        groups = [roles.group_role(database, g) for g in roles.GROUPS]
        taken = roles.existing_roles(conn, groups)
        if taken:
            raise ProvisionError(
                f"The server already has a role named {taken[0]}: another database of this name was set "
                "up on this server before, or the role belongs to something else. Nothing was changed."
            )
        upgrade(conn)
        roles.create_groups(conn, database)
        roles.install_function(conn)
        roles.apply_grants(conn, database)
        sessions = sessionmaker(bind=conn, expire_on_commit=False)
        auth = AuthService(sessions) if now is None else AuthService(sessions, now=now)
        actor = auth.create_first_admin(
            username=admin_username, display_name=admin_display_name, password=admin_password
        )
    log.info("Set up the practice database at schema %s", head_revision())
    return actor


def upgrade_server(owner: Engine) -> tuple[str | None, str]:
    """Migrate to this release's schema and give the grants again (new tables); returns (from, to)."""
    with owner.begin() as conn:
        database = _database(conn)
        _check_owner(conn)
        if "alembic_version" not in _tables(conn):
            raise ProvisionError(
                "This database has no Care Planner yet: set it up with `careplanner server init`. "
                "Nothing was changed."
            )
        before = current_revision(conn)
        if before is not None and before not in known_revisions():
            raise ProvisionError(
                "The practice database was made by a newer Care Planner: upgrade this computer's Care "
                "Planner first. Nothing was changed."
            )
        groups = [roles.group_role(database, g) for g in roles.GROUPS]
        if roles.existing_roles(conn, groups) != sorted(groups):
            raise ProvisionError(
                "This database's accounts were not set up by `careplanner server init` (its group roles "
                "are missing). Nothing was changed."
            )
        upgrade(conn)
        roles.install_function(conn)
        roles.apply_grants(conn, database)
    after = head_revision()
    log.info("Upgraded the practice database from %s to %s", before, after)
    return before, after
