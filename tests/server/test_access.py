"""The practice server enforces each role itself: raw SQL with a person's own credentials, the app bypassed.

Someone with the connection string and a read-only account's password writes nothing; no account (the
administrator included) can switch off a guard trigger, change the audit trail or an agreed version; a
clinician cannot make roles or edit accounts; the account function refuses anything but this database's
accounts and SCRAM verifiers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from careplanner.clinical.enums import AgreedWith, UserRole
from careplanner.config import resolve_paths
from careplanner.server import roles
from careplanner.server.provision import upgrade_server
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from tests import server_support
from tests.conftest import make_person
from tests.server_provisioned import ProvisionedDatabase

NURSE, READER = "nia", "rory"

# What a read-only account may write, by design: every account's reading is audited. (Its UPDATE of
# audit_head_mark is of (seq, hash) only, so `SET id = id` is refused by the grant.)
READER_MAY = {("audit_event", "INSERT"), ("audit_head_mark", "INSERT")}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProvisionedDatabase]:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[
            (NURSE, "Nia Nurse-Synthetic", UserRole.NURSE),
            (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
        ]
    )
    # One agreed version, made through the app by the nurse, for the tests that try to change it.
    paths = resolve_paths(tmp_path_factory.mktemp("nurse-workstation"))
    ctx, nurse = made.open_as(NURSE, paths)
    try:
        person = ctx.services.people.create(make_person(), nurse)
        draft = ctx.services.plans.start_draft(person.id, nurse)
        about = AboutMeSection(about=AboutMeData(what_matters="Getting back to my allotment"))
        ctx.services.plans.save_section(draft.id, about, nurse)
        ctx.services.plans.agree(draft.id, nurse, agreed_with=AgreedWith.PERSON, review_date=date(2027, 5, 1))
    finally:
        ctx.close()
    yield made
    made.server.drop_database(made.database)


def tables(db: ProvisionedDatabase) -> list[str]:
    with db.connect(READER) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        return [str(r[0]) for r in rows]


def refused(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> type[Exception] | None:
    """The error class PostgreSQL refused `sql` with, or None when it ran (then it is rolled back)."""
    try:
        with conn.transaction():
            conn.execute(sql)
            raise _RanError()
    except _RanError:
        return None
    except psycopg.Error as exc:
        return type(exc)


class _RanError(Exception):
    pass


def first_column(db: ProvisionedDatabase, table: str) -> str:
    with db.connect(READER) as conn:
        row = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            (table,),
        ).fetchone()
        assert row is not None
        return str(row[0])


def test_a_read_only_account_cannot_write_any_table_even_by_raw_sql(db: ProvisionedDatabase) -> None:
    found = tables(db)
    assert {"person", "care_plan", "app_user", "audit_event", "practice"} <= set(found)
    allowed: list[str] = []
    with db.connect(READER) as conn:
        for table in found:
            column = first_column(db, table)
            attempts = {
                "INSERT": f'INSERT INTO "{table}" DEFAULT VALUES',
                "UPDATE": f'UPDATE "{table}" SET "{column}" = "{column}"',
                "DELETE": f'DELETE FROM "{table}"',
                "TRUNCATE": f'TRUNCATE "{table}" CASCADE',
            }
            for kind, sql in attempts.items():
                error = refused(conn, sql)
                if (table, kind) in READER_MAY:
                    assert error is not errors.InsufficientPrivilege, f"{kind} {table}"
                elif error is not errors.InsufficientPrivilege:
                    allowed.append(f"{kind} {table} ({error})")
        # Reading is allowed, so the account is real and connected.
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (1,)
    assert allowed == []


@pytest.mark.parametrize("username", [READER, NURSE, "ada"])
def test_no_account_can_switch_off_a_guard_or_change_the_trail(
    db: ProvisionedDatabase, username: str
) -> None:
    with db.connect(username) as conn:
        for sql in (
            "ALTER TABLE audit_event DISABLE TRIGGER ALL",
            "ALTER TABLE care_plan DISABLE TRIGGER care_plan_frozen_update",
            "DROP TRIGGER audit_event_no_update ON audit_event",
            "DROP FUNCTION careplanner_frozen_version() CASCADE",
            "SET session_replication_role = replica",  # would skip every trigger
            "UPDATE audit_event SET action = 'person_opened'",
            "DELETE FROM audit_event",
            "DELETE FROM audit_head_mark",
            "CREATE TABLE public.scratch (x int)",
            "ALTER TABLE person OWNER TO CURRENT_USER",
        ):
            assert refused(conn, sql) is not None, sql
        count = conn.execute("SELECT count(*) FROM audit_event").fetchone()
        assert count is not None and count[0] > 0


def test_the_newest_entry_mark_cannot_be_wound_back(db: ProvisionedDatabase) -> None:
    with db.connect(READER) as conn:
        head = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        assert head is not None
        conn.execute(
            "INSERT INTO audit_head_mark (id, seq, hash) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            head,
        )
        assert refused(conn, "UPDATE audit_head_mark SET seq = 1") is errors.RaiseException


def test_an_agreed_version_cannot_be_changed_by_the_clinician_who_agreed_it(db: ProvisionedDatabase) -> None:
    with db.connect(NURSE) as conn:
        for sql in (
            "UPDATE care_plan SET review_date = '2030-01-01' WHERE status <> 'draft'",
            "DELETE FROM care_plan WHERE status <> 'draft'",
            "UPDATE about_me SET what_matters = 'changed'",
        ):
            assert refused(conn, sql) is errors.RaiseException, sql
        # A clinician may write plan tables (the guard, not a missing grant, refused the above).
        assert refused(conn, "UPDATE person SET updated_at = updated_at") is None


def test_a_clinician_cannot_make_roles_or_edit_accounts(db: ProvisionedDatabase) -> None:
    nurse_role = db.role(NURSE)
    admin_group = roles.group_role(db.database, "admin")
    with db.connect(NURSE) as conn:
        for sql in (
            "CREATE ROLE intruder LOGIN",
            f'GRANT "{admin_group}" TO "{nurse_role}"',
            f'ALTER ROLE "{nurse_role}" CREATEROLE',
            "UPDATE app_user SET role = 'admin'",
            "INSERT INTO app_user DEFAULT VALUES",
            "UPDATE practice SET updated_at = updated_at",
            f"SELECT careplanner_save_login(NULL, '{db.role('intruder')}', 'admin', NULL, true)",
        ):
            assert refused(conn, sql) is errors.InsufficientPrivilege, sql
        member = conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (admin_group,)).fetchone()
        assert member == (False,)


def test_the_account_function_refuses_all_but_this_databases_accounts(db: ProvisionedDatabase) -> None:
    good = "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 43 + "=:" + "B" * 43 + "="
    with db.connect("ada") as conn:
        for args in (
            (db.owner, "admin", good),  # the owner
            ("cp_super", "admin", good),  # the superuser
            ("otherdb.ada", "admin", good),  # another database's account
            (f'{db.database}.x"; DROP TABLE person; --', "admin", good),
            (db.role("newcomer"), "superuser", good),  # not a group
            (db.role("newcomer"), "admin", "a plain password"),  # never a password in plain
            (db.role("newcomer"), "admin", None),  # a new account needs a password
        ):
            sql = "SELECT careplanner_save_login((SELECT id FROM app_user LIMIT 1), %s, %s, %s, true)"
            with pytest.raises(errors.RaiseException), conn.transaction():
                conn.execute(sql, args)
        # The owner's own role is untouched (still CREATEROLE, still the owner).
        row = conn.execute("SELECT rolcreaterole FROM pg_roles WHERE rolname = %s", (db.owner,)).fetchone()
        assert row == (True,)
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (1,)


def test_every_table_has_its_grants_decided(db: ProvisionedDatabase) -> None:
    """A table added by a later migration must be placed in server/roles.py (reader, clinician, admin or
    owner only); until then it is readable by every account and writable by none."""
    assert set(tables(db)) - roles.classified_tables() == set()


def test_a_later_table_is_readable_at_once_and_grants_come_back_on_upgrade(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    owner = db.owner_engine()
    try:
        with owner.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE later_table (id int)")
            conn.exec_driver_sql(f'REVOKE SELECT ON person FROM "{roles.group_role(db.database, "reader")}"')
        with db.connect(READER) as conn:
            assert refused(conn, "SELECT * FROM later_table") is None  # ALTER DEFAULT PRIVILEGES
            assert refused(conn, "INSERT INTO later_table VALUES (1)") is errors.InsufficientPrivilege
            assert refused(conn, "SELECT * FROM person") is errors.InsufficientPrivilege
        upgrade_server(owner)  # re-applies every grant
        with db.connect(READER) as conn:
            assert conn.execute("SELECT count(*) FROM person").fetchone() == (1,)
    finally:
        with owner.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS later_table")
        owner.dispose()
