"""Restoring a `server backup` file (`careplanner server restore`) so that the practice can sign in again.

Every account signs in as a login role named after the practice database (`DB.<name>`, server/roles.py), so
a backup of `careplanner` is usable only as a database named `careplanner`. A restore under another name is
refused, with the two ways that work (a new server, or the damaged database renamed aside first), unless
it is asked for as a test copy (`--test-copy`), which nobody can sign in to.

The restore itself runs with no privileges from the file (pg_restore --no-privileges); afterwards the group
roles are made where this server lacks them (a new server after a disk failure) and every grant is given
again exactly as `server init` gives them (roles.create_groups / install_function / apply_grants), so the
database is one `server upgrade` and `server check` accept. Accounts whose login roles this server lacks
are listed: each needs a password again (`careplanner server set-password`, or Users in the app).
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from careplanner.server import roles
from careplanner.server.backup import TOOL_TIMEOUT, libpq_env, pg_tool, plain_failure
from careplanner.server.connection import ServerAddress
from careplanner.server.ops import ServerOpsError, owner_engine

log = logging.getLogger("careplanner.server.restore")

_DBNAME = re.compile(r"^;\s+dbname:\s*(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class RestoreResult:
    source: str  # the backed-up database's name (from the file's header)
    groups_made: tuple[str, ...]  # group roles this server lacked, made after the restore
    without_login: tuple[str, ...]  # active accounts with no login role on this server
    test_copy: bool


def backup_database_name(listing: str) -> str | None:
    """The backed-up database's name, from the header `pg_restore --list` prints."""
    found = _DBNAME.search(listing)
    return found.group(1) if found else None


def _listing(file: Path) -> str:
    listed = subprocess.run(
        [str(pg_tool("pg_restore")), "--list", str(file)], capture_output=True, text=True, timeout=600
    )
    if listed.returncode != 0 or " audit_event " not in listed.stdout:
        raise ServerOpsError("That file is not a Care Planner server backup (made by `server backup`).")
    return listed.stdout


def _wrong_name(source: str, target: str) -> ServerOpsError:
    return ServerOpsError(
        f"This backup is of the practice database {source}, and the practice's accounts sign in only to a "
        f"database of that name: restored as {target}, nobody could sign in. Nothing was restored. "
        f"To bring the practice back, restore it as {source}: on a new server, into an empty database "
        f"{source}; on this server, first rename the damaged database aside as the postgres account "
        f"(runuser -u postgres -- psql -c 'ALTER DATABASE {source} RENAME TO {source}_damaged'), make an "
        f"empty {source} (runuser -u postgres -- createdb -O OWNER {source}) and restore into it. To test "
        "a backup beside the live database, add --test-copy (nobody can sign in to a test copy)."
    )


def _check_target(conn: Connection, address: ServerAddress) -> None:
    """The database is empty and owned by the account restoring (or that account is a superuser)."""
    row = conn.execute(
        text(
            "SELECT d.datdba = r.oid OR r.rolsuper, pg_get_userbyid(d.datdba) FROM pg_database d, pg_roles r "
            "WHERE d.datname = current_database() AND r.rolname = current_user"
        )
    ).one()
    if not row[0]:
        raise ServerOpsError(
            f"The database {address.database} belongs to the account {row[1]}, not to {address.user}, so "
            "the backup cannot be restored into it. Nothing was restored. Make it as the postgres account, "
            f"owned by the practice's database owner: runuser -u postgres -- createdb -O {address.user} "
            f"{address.database} (Windows, in psql: CREATE DATABASE {address.database} OWNER "
            f"{address.user};)."
        )
    found = conn.execute(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
    ).scalar()
    if found:
        raise ServerOpsError(
            "The database to restore into is not empty: restore only into a new, empty database. "
            "Nothing was changed."
        )


def _make_missing_groups(conn: Connection, database: str) -> tuple[str, ...]:
    """The practice's group roles that this server lacks (clinician and admin include reader)."""
    reader = roles.group_role(database, "reader")
    made: list[str] = []
    if not roles.existing_roles(conn, [reader]):
        conn.execute(text(f"CREATE ROLE {roles.quote_ident(reader)} NOLOGIN"))
        made.append(reader)
    for group in ("clinician", "admin"):
        name = roles.group_role(database, group)
        if not roles.existing_roles(conn, [name]):
            conn.execute(
                text(f"CREATE ROLE {roles.quote_ident(name)} NOLOGIN IN ROLE {roles.quote_ident(reader)}")
            )
            made.append(name)
    return tuple(made)


def accounts_without_login(conn: Connection, database: str) -> tuple[str, ...]:
    """Active accounts whose login role this server does not have (they cannot sign in yet)."""
    names = [str(r[0]) for r in conn.execute(text("SELECT username FROM app_user WHERE active ORDER BY 1"))]
    wanted = {name: roles.login_role(database, name) for name in names}
    there = set(roles.existing_roles(conn, list(wanted.values())))
    return tuple(name for name, role in wanted.items() if role not in there)


def _new_sync_epoch(conn: Connection) -> None:
    """The restored server's history is older than what workstations' replicas followed: a new sync epoch
    tells each to re-send what the server lost (sync/server_side.py). A backup from before sync (no
    epoch table) gets its epoch from `server upgrade`."""
    if "sync_epoch" in roles.public_tables(conn):
        from careplanner.sync.server_side import new_epoch

        new_epoch(conn)


def _can_create_roles(conn: Connection) -> bool:
    row = conn.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    return bool(row)


def restore(
    address: ServerAddress, password: str | None, file: Path, *, test_copy: bool = False
) -> RestoreResult:
    """Restore a `server backup` file into the empty database at `address`, all or nothing, and make it
    usable: the practice's groups and grants as `server init` makes them."""
    file = Path(file)
    if not file.is_file():
        raise ServerOpsError("The backup file was not found.")
    source = backup_database_name(_listing(file)) or ""
    target = address.database
    if source != target and not test_copy:
        raise _wrong_name(source or "(unknown)", target)
    engine = owner_engine(address, password)
    try:
        with engine.connect() as conn:
            _check_target(conn, address)
            if not test_copy and not _can_create_roles(conn):
                raise ServerOpsError(
                    "Restore as the practice's database owner, which may create accounts (CREATEROLE). "
                    "Nothing was restored."
                )
        done = subprocess.run(
            [
                str(pg_tool("pg_restore")),
                "--no-password",
                "--single-transaction",
                "--exit-on-error",
                "--no-privileges",  # given again below, as `server init` gives them
                "--dbname",
                target,
                str(file),
            ],
            env=libpq_env(address, password),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
        )
        if done.returncode != 0:
            raise plain_failure("pg_restore", done.stderr)
        if test_copy:
            log.info("Server backup restored as a test copy")
            return RestoreResult(source, (), (), True)
        with engine.begin() as conn:
            roles.check_database_name(target)
            made = _make_missing_groups(conn, target)
            roles.install_function(conn)
            roles.apply_grants(conn, target)
            missing = accounts_without_login(conn, target)
            _new_sync_epoch(conn)
    finally:
        engine.dispose()
    log.info(
        "Server backup restored; %d group roles made, %d accounts without a login", len(made), len(missing)
    )
    return RestoreResult(source, made, missing, False)
