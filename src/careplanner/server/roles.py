"""Who may do what on the practice server, enforced by PostgreSQL itself (a workstation is not trusted).

For a practice database DB there are three group roles, which cannot sign in:
  DB_reader      SELECT on every table; INSERT on audit_event (and its sequence), INSERT and UPDATE of
                 (seq, hash) on audit_head_mark: reading a record is audited, so every account appends to
                 the trail (as itself, now, and after the newest entry: the guard triggers check it);
  DB_clinician   DB_reader, and INSERT / UPDATE / DELETE on the people, plan, presence and directory tables;
  DB_admin       DB_reader, and INSERT / UPDATE / DELETE on app_user, practice and the directory tables;
and one login role per account, `DB.<name>` (see `login_role`), a member of exactly one group. Only the
database owner may change audit_event or an agreed version: the guard triggers (store/guards.py) refuse
everyone, and only the owner can switch them off. A new table from a later migration is readable by
DB_reader at once (ALTER DEFAULT PRIVILEGES); `apply_grants`, run by `server upgrade`, gives its writes.

Login roles are made and changed only through `careplanner_save_login`, a SECURITY DEFINER function owned
by the database owner, which DB_admin alone may execute. It takes a SCRAM verifier, never a password, and
acts only on this database's login roles, each for an existing account (app_user row), whose id it keeps
in `server_login` (login role -> account; only the owner writes it): the guard triggers read it to know
whom a connection speaks for.

No grant lets a reader LOCK a table in a mode that blocks others' writes (LOCK needs UPDATE, DELETE or
TRUNCATE on the table; a reader's UPDATE is on two columns only), and the database makes every session
give up waiting for a lock after LOCK_TIMEOUT and ends a transaction left idle for IDLE_TIMEOUT, so one
account holding a lock cannot freeze every workstation.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from careplanner.clinical.enums import UserRole
from careplanner.server import scram
from careplanner.server.connection import ServerAddressError
from careplanner.store.guards import PLAN_CONTENT_TABLES

GROUPS = ("reader", "clinician", "admin")
SAVE_LOGIN_FUNCTION = "careplanner_save_login"

# A practice database's name: lower-case letters, digits and underscores, so every role name built from it
# is plain, and short enough that `DB.<name>` stays within PostgreSQL's 63 bytes.
DATABASE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# A user name (its comparison key) used as it is in the login role's name; any other is hashed.
_READABLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,21}$")
HASHED_MARK = "~"
HASH_CHARS = 21
# What follows `DB` in a login role's name (a regular expression that Python and PostgreSQL read alike).
ROLE_SUFFIX = r"\.([a-z0-9][a-z0-9._-]{0,21}|~[0-9a-f]{21})$"

READER_WRITES: dict[str, tuple[str, ...]] = {
    "audit_event": ("INSERT",),
    # Column-level: a table-level UPDATE would let a reader LOCK the table in ACCESS EXCLUSIVE mode.
    "audit_head_mark": ("INSERT", "UPDATE (seq, hash)"),
}
DIRECTORY_TABLES = ("directory_service", "directory_leaflet", "contingency_template")
CLINICIAN_TABLES = (
    "person",
    "person_address",
    "person_communication_need",
    "person_name_token",
    "person_telecom",
    "care_plan",
    "plan_presence",
    *PLAN_CONTENT_TABLES,
    *DIRECTORY_TABLES,
)
ADMIN_TABLES = ("app_user", "practice", *DIRECTORY_TABLES)
# Offline sync (sync/server_side.py): a clinician's or an administrator's workstation pushes (its last
# operation is noted in sync_client); a clinician's push may make or resolve a conflict. The change log is
# written by the owner's trigger only. Neither is ever deleted from.
SYNC_WRITES: dict[str, tuple[str, ...]] = {
    "sync_client": ("clinician", "admin"),
    "sync_conflict": ("clinician",),
}
# Read by every account, written only by the owner (migrations; `server backup`; the change-log trigger;
# a new epoch at `server init` and `server restore`). A replica's own tables are empty on the server.
OWNER_ONLY_TABLES = (
    "alembic_version",
    "server_backup_log",
    "server_login",
    "sync_change",
    "sync_epoch",
    "sync_outbox",
    "sync_state",
    "sync_doc",
)
SAVE_LOGIN_ARGS = "text, text, text, text, boolean"
# The function before accounts were bound to their login roles (dropped by `server upgrade`).
OLD_SAVE_LOGIN_ARGS = "text, text, text, boolean"
LOCK_TIMEOUT = "10s"
IDLE_TIMEOUT = "2min"
WRITES = ("INSERT", "UPDATE", "DELETE")

GROUP_OF_ROLE: dict[UserRole, str] = {
    UserRole.ADMIN: "admin",
    UserRole.GP: "clinician",
    UserRole.NURSE: "clinician",
    UserRole.HCA: "clinician",
    UserRole.READ_ONLY: "reader",
}


def classified_tables() -> set[str]:
    return (
        set(READER_WRITES)
        | set(CLINICIAN_TABLES)
        | set(ADMIN_TABLES)
        | set(SYNC_WRITES)
        | set(OWNER_ONLY_TABLES)
    )


def check_database_name(database: str) -> str:
    if not DATABASE_NAME.match(database):
        raise ServerAddressError(
            "A practice database's name must be lower-case letters, digits and underscores, starting with a "
            "letter, at most 40 characters (for example careplanner)."
        )
    return database


def group_role(database: str, group: str) -> str:
    if group not in GROUPS:
        raise ValueError(f"not a group: {group}")
    return f"{check_database_name(database)}_{group}"


def login_role(database: str, username: str) -> str:
    """The database account of the app account `username`: `DB.<key>` where the key (NFKC, case-folded)
    is plain (`t1.ada`), else `DB.~<21 hex digits of its SHA-256>`. Unique per database and across
    databases (a database's name holds no dot), distinct from the group roles (which hold none either)."""
    from careplanner.services.usernames import username_key

    key = username_key(username)
    if not key:
        from careplanner.server.errors import ServerSignInError

        raise ServerSignInError()
    slug = (
        key if _READABLE.match(key) else HASHED_MARK + hashlib.sha256(key.encode()).hexdigest()[:HASH_CHARS]
    )
    return f"{check_database_name(database)}.{slug}"


def login_role_pattern(database: str) -> str:
    """A POSIX regular expression matching exactly this database's login role names."""
    return f"^{check_database_name(database)}{ROLE_SUFFIX}"


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier in double quotes (every role name here is validated before too)."""
    if "\x00" in name:
        raise ValueError("NUL in identifier")
    return '"' + name.replace('"', '""') + '"'


# ---- the function that makes and changes login roles ----------------------------------------------------


def save_login_sql() -> str:
    """CREATE OR REPLACE for `careplanner_save_login(user_id, role, group, verifier, can_login)`.

    Refuses (and changes nothing) unless: the account (app_user id) exists; the role name is one of this
    database's login role names, and not another account's; the group is reader, clinician or admin; the
    verifier (NULL: keep the password) is a SCRAM verifier; and an existing role is an ordinary login role
    that belongs to one of this database's groups. Notes role -> account in server_login."""
    return rf"""
CREATE OR REPLACE FUNCTION public.{SAVE_LOGIN_FUNCTION}(
    p_user_id text, p_role text, p_group text, p_verifier text, p_login boolean)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    db text := current_database();
    target record;
    other text;
BEGIN
    IF db !~ '^[a-z][a-z0-9_]{{0,39}}$' THEN
        RAISE EXCEPTION 'this database is not a Care Planner practice database';
    END IF;
    IF p_role IS NULL OR p_role !~ ('^' || db || '{ROLE_SUFFIX}') THEN
        RAISE EXCEPTION 'not an account name of this practice database';
    END IF;
    IF p_group IS NULL OR p_group NOT IN ('reader', 'clinician', 'admin') THEN
        RAISE EXCEPTION 'not an account group';
    END IF;
    IF p_verifier IS NOT NULL AND p_verifier !~ '{scram.VERIFIER_PATTERN.pattern}' THEN
        RAISE EXCEPTION 'a password is stored only as a SCRAM-SHA-256 verifier';
    END IF;
    IF p_user_id IS NULL OR NOT EXISTS (SELECT 1 FROM public.app_user u WHERE u.id = p_user_id) THEN
        RAISE EXCEPTION 'a login is made only for an existing account';
    END IF;
    IF EXISTS (SELECT 1 FROM public.server_login l
               WHERE (l.login_role = p_role) <> (l.user_id = p_user_id)) THEN
        RAISE EXCEPTION 'that login belongs to another account';
    END IF;
    SELECT oid, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin
        INTO target FROM pg_roles WHERE rolname = p_role;
    IF NOT FOUND THEN
        IF p_verifier IS NULL THEN
            RAISE EXCEPTION 'a new account needs a password';
        END IF;
        EXECUTE format('CREATE ROLE %I %s INHERIT PASSWORD %L',
            p_role, CASE WHEN p_login THEN 'LOGIN' ELSE 'NOLOGIN' END, p_verifier);
    ELSE
        IF target.rolsuper OR target.rolcreaterole OR target.rolcreatedb OR target.rolreplication
                OR target.rolbypassrls THEN
            RAISE EXCEPTION 'not an ordinary account';
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
            WHERE m.member = target.oid
              AND g.rolname IN (db || '_reader', db || '_clinician', db || '_admin')
        -- [switch-off] An account switched off below keeps no group: accept it back only while it
        -- cannot sign in and belongs to no role at all (what this function leaves behind).
        ) AND (target.rolcanlogin
               OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = target.oid)) THEN
            RAISE EXCEPTION 'not an account of this practice database';
        END IF;
        EXECUTE format('ALTER ROLE %I %s', p_role, CASE WHEN p_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
        IF p_verifier IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', p_role, p_verifier);
        END IF;
    END IF;
    FOREACH other IN ARRAY ARRAY['reader', 'clinician', 'admin'] LOOP
        IF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles r ON r.oid = m.member
                   WHERE r.rolname = p_role AND g.rolname = db || '_' || other) THEN
            -- [switch-off] also every group of an account switched off: open sessions lose access at once
            IF other <> p_group OR NOT p_login THEN
                EXECUTE format('REVOKE %I FROM %I', db || '_' || other, p_role);
            END IF;
        ELSIF other = p_group AND p_login THEN
            EXECUTE format('GRANT %I TO %I', db || '_' || other, p_role);
        END IF;
    END LOOP;
    -- [switch-off] End the switched-off account's open connections now. pg_terminate_backend needs the
    -- privileges of the role: the owner (CREATEROLE; on PostgreSQL 16 the role's creator, with ADMIN
    -- OPTION) takes its membership for this moment only. Where that is not allowed the revoke above
    -- still holds: the open connections can read nothing of this practice.
    IF NOT p_login THEN
        BEGIN
            EXECUTE format('GRANT %I TO %I', p_role, current_user);
            PERFORM pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
                WHERE a.usename = p_role AND a.pid <> pg_catalog.pg_backend_pid();
            EXECUTE format('REVOKE %I FROM %I', p_role, current_user);
        EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
            RAISE WARNING 'could not end the open connections of a switched-off account';
        END;
    END IF;
    INSERT INTO public.server_login (login_role, user_id) VALUES (p_role, p_user_id)
        ON CONFLICT (login_role) DO NOTHING;
END
$fn$
"""


# ---- making the groups and giving the grants (run by the database owner) --------------------------------


def existing_roles(conn: Connection, names: list[str]) -> list[str]:
    rows = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": names})
    return sorted(str(r[0]) for r in rows)


def create_groups(conn: Connection, database: str) -> None:
    """The three group roles (which cannot sign in); clinician and admin include reader."""
    reader = quote_ident(group_role(database, "reader"))
    conn.execute(text(f"CREATE ROLE {reader} NOLOGIN"))
    for group in ("clinician", "admin"):
        name = quote_ident(group_role(database, group))
        conn.execute(text(f"CREATE ROLE {name} NOLOGIN IN ROLE {reader}"))


def public_tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    )
    return [str(r[0]) for r in rows]


def apply_grants(conn: Connection, database: str) -> None:
    """(Re)give every grant: after `server init`, and after each `server upgrade` (new tables). Runs as the
    database owner, who owns the tables; revokes first, so a grant removed from this list is taken back."""
    reader, clinician, admin = (quote_ident(group_role(database, g)) for g in GROUPS)
    db = quote_ident(check_database_name(database))
    groups = f"{reader}, {clinician}, {admin}"
    statements = [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {reader}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {reader}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {groups}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {groups}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {reader}",
        f"REVOKE ALL ON FUNCTION public.{SAVE_LOGIN_FUNCTION}({SAVE_LOGIN_ARGS}) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION public.{SAVE_LOGIN_FUNCTION}({SAVE_LOGIN_ARGS}) TO {admin}",
        # For sessions that start from now on (each workstation connects afresh).
        f"ALTER DATABASE {db} SET lock_timeout = '{LOCK_TIMEOUT}'",
        f"ALTER DATABASE {db} SET idle_in_transaction_session_timeout = '{IDLE_TIMEOUT}'",
    ]
    present = set(public_tables(conn))
    for table, rights in READER_WRITES.items():
        if table in present:
            statements.append(f"GRANT {', '.join(rights)} ON {quote_ident(table)} TO {reader}")
    for group, tables in ((clinician, CLINICIAN_TABLES), (admin, ADMIN_TABLES)):
        for table in tables:
            if table in present:
                statements.append(f"GRANT {', '.join(WRITES)} ON {quote_ident(table)} TO {group}")
    for table, writers in SYNC_WRITES.items():
        for writer in writers:
            if table in present:
                to = quote_ident(group_role(database, writer))
                statements.append(f"GRANT INSERT, UPDATE ON {quote_ident(table)} TO {to}")
    sequence = conn.execute(text("SELECT pg_get_serial_sequence('audit_event', 'seq')")).scalar()
    if sequence:
        statements.append(f"GRANT USAGE ON SEQUENCE {sequence} TO {reader}")
    for sql in statements:
        conn.execute(text(sql))


def install_function(conn: Connection) -> None:
    conn.execute(text(f"DROP FUNCTION IF EXISTS public.{SAVE_LOGIN_FUNCTION}({OLD_SAVE_LOGIN_ARGS})"))
    conn.execute(text(save_login_sql()))
