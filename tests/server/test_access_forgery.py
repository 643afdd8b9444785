"""Forgery and freezing attacks on the practice server by raw SQL, each with the power its role really has.

An independent attack found that any account could write an audit entry in another's name (backdated, and
chained so `audit verify` passed), a clinician could agree a draft in another's name at another time, a
content change could race an agreement, any account could move the newest-entry mark anywhere, and a
reader could lock a table and freeze every workstation. Each attack here is refused by the database, and
the app's own paths still work (the service and ten-workstation suites run them too).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from careplanner.clinical.enums import AgreedWith, PlanStatus, UserRole
from careplanner.config import resolve_paths
from careplanner.models.base import new_id
from careplanner.server import roles, scram
from careplanner.server.errors import ServerBusyError
from careplanner.server.provision import upgrade_server
from careplanner.server.store import classify
from careplanner.services import audit
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.store_verify import trigger_problems
from careplanner.store import version_seal
from tests import server_support
from tests.conftest import make_person
from tests.server_provisioned import ProvisionedDatabase

NURSE, READER = "nia", "rory"
_NUMBERS = itertools.count(100)
Conn = psycopg.Connection[tuple[object, ...]]


def nhs_number() -> str:
    """A fresh valid (mod 11) synthetic NHS number."""
    while True:
        digits = [int(d) for d in f"9{next(_NUMBERS):08d}"]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@pytest.fixture(scope="module")
def db() -> Iterator[ProvisionedDatabase]:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[
            (NURSE, "Nia Nurse-Synthetic", UserRole.NURSE),
            (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
        ]
    )
    yield made
    made.server.drop_database(made.database)


def user_id(conn: Conn, username: str) -> str:
    row = conn.execute("SELECT id FROM app_user WHERE username = %s", (username,)).fetchone()
    assert row is not None
    return str(row[0])


def new_draft(db: ProvisionedDatabase, tmp_path: Path) -> str:
    """A draft with some content, made through the app by the nurse; its plan id."""
    ctx, nurse = db.open_as(NURSE, resolve_paths(tmp_path / f"ws-{new_id()}"))
    try:
        person = ctx.services.people.create(make_person(nhs_number=nhs_number()), nurse)
        draft = ctx.services.plans.start_draft(person.id, nurse)
        about = AboutMeSection(about=AboutMeData(what_matters="Walking the dog by the canal"))
        ctx.services.plans.save_section(draft.id, about, nurse)
        return draft.id
    finally:
        ctx.close()


def refused(conn: Conn, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> type | None:
    """The error class PostgreSQL refused `sql` with, or None when it ran (then it is rolled back)."""
    try:
        with conn.transaction():
            conn.execute(sql, params)
            raise _RanError()
    except _RanError:
        return None
    except psycopg.Error as exc:
        return type(exc)


class _RanError(Exception):
    pass


_INSERT_ENTRY = (
    "INSERT INTO audit_event (seq, id, at, user_id, action, person_id, plan_id, detail, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s)"
)


def entry(conn: Conn, who: str | None, at: datetime, *, skip: int = 0) -> tuple[object, ...]:
    """An entry chained exactly as the app chains one (so `audit verify` would pass it)."""
    last = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    assert last is not None
    seq, prev = int(str(last[0])) + 1 + skip, str(last[1])
    event_id = new_id()
    detail = "forged"
    digest = audit._digest(prev, event_id, at, who, audit.Action.SIGN_IN, None, None, detail)
    return (seq, event_id, at.replace(tzinfo=None), who, audit.Action.SIGN_IN, detail, prev, digest)


def test_no_account_can_write_an_audit_entry_in_anothers_name_or_time(db: ProvisionedDatabase) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with db.connect(READER) as conn:
        admin, me = user_id(conn, "ada"), user_id(conn, READER)
        for params in (
            entry(conn, admin, now),  # in the administrator's name
            entry(conn, admin, now - timedelta(days=3)),  # ... and backdated
            entry(conn, me, now - timedelta(days=3)),  # my own name, backdated
            entry(conn, me, now + timedelta(hours=1)),  # ... or ahead
            entry(conn, me, now, skip=1),  # not following the newest entry
        ):
            assert refused(conn, _INSERT_ENTRY, params) is errors.RaiseException, params
        # Wrongly chained: right number, another entry's hash as the one before.
        seq, event_id, at, who, action, detail, _prev, digest = entry(conn, me, now)
        forked = (seq, event_id, at, who, action, detail, "f" * 64, digest)
        assert refused(conn, _INSERT_ENTRY, forked) is errors.RaiseException
        # In my own name, now, after the newest: what the app writes, accepted.
        conn.execute(_INSERT_ENTRY, entry(conn, me, now))
    with db.connect("ada") as conn:
        assert conn.execute("SELECT count(*) FROM audit_event WHERE detail = 'forged'").fetchone() == (1,)


def test_the_account_function_binds_each_login_to_an_existing_account(db: ProvisionedDatabase) -> None:
    good = scram.verifier("a synthetic password for a ghost")
    with db.connect("ada") as conn:
        admin, nurse = user_id(conn, "ada"), user_id(conn, NURSE)
        call = "SELECT careplanner_save_login(%s, %s, 'admin', %s, true)"
        # A hidden login with no account behind it, and a login taken from another account.
        for args in (
            (new_id(), db.role("ghost"), good),
            (admin, db.role(NURSE), good),
            (nurse, db.role("ada"), None),
        ):
            assert refused(conn, call, args) is errors.RaiseException, args
        assert conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = %s", (db.role("ghost"),)
        ).fetchone() == (0,)
        # The map itself is the owner's: no account writes it.
        for sql in (
            f"INSERT INTO server_login VALUES ('{db.role('ghost')}', '{admin}')",
            f"UPDATE server_login SET user_id = '{admin}'",
            "DELETE FROM server_login",
        ):
            assert refused(conn, sql) is errors.InsufficientPrivilege, sql
        rows = conn.execute("SELECT login_role, user_id FROM server_login").fetchall()
        mapped = {str(r[0]): str(r[1]) for r in rows}
    assert mapped == {db.role("ada"): admin, db.role(NURSE): nurse, db.role(READER): mapped[db.role(READER)]}


def test_a_clinician_cannot_agree_a_draft_in_anothers_name_or_at_another_time(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    draft = new_draft(db, tmp_path)
    with db.connect(NURSE) as conn:
        admin, me = user_id(conn, "ada"), user_id(conn, NURSE)
        now = datetime.now(UTC).replace(tzinfo=None)
        sql = (
            "UPDATE care_plan SET status = %s, agreed_by_id = %s, agreed_at = %s, version_number = 1, "
            "review_date = '2027-06-01' WHERE id = %s"
        )
        for status, who, at in (
            ("agreed", admin, now),
            ("agreed", me, now - timedelta(days=10)),
            ("agreed", None, now),
            ("declined", admin, now),
            ("declined", me, now - timedelta(days=10)),
        ):
            assert refused(conn, sql, (status, who, at, draft)) is errors.RaiseException, (status, who)
        # In my own name, now: allowed (what agree() writes).
        assert refused(conn, sql, ("agreed", me, now, draft)) is None


def test_the_apps_agree_and_decline_still_pass_the_guards(db: ProvisionedDatabase, tmp_path: Path) -> None:
    first, second = new_draft(db, tmp_path), new_draft(db, tmp_path)
    ctx, nurse = db.open_as(NURSE, resolve_paths(tmp_path / "agreeing"))
    try:
        agreed = ctx.services.plans.agree(
            first, nurse, agreed_with=AgreedWith.PERSON, review_date=date(2027, 5, 1)
        )
        declined = ctx.services.plans.decline(second, nurse, reason="Prefers to talk it through")
        assert agreed.status is PlanStatus.AGREED and declined.status is PlanStatus.DECLINED
        assert agreed.agreed_by_name == declined.agreed_by_name == "Nia Nurse-Synthetic"
        assert ctx.services.audit.verify().ok
    finally:
        ctx.close()


def test_a_content_change_waits_for_an_agreement_in_progress_and_is_then_refused(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    draft = new_draft(db, tmp_path)
    outcome: list[type | None] = []
    with db.connect(NURSE) as agreeing, db.connect(NURSE) as editing:
        me = user_id(agreeing, NURSE)
        with agreeing.transaction():
            agreeing.execute(
                "UPDATE care_plan SET status = 'agreed', agreed_by_id = %s, agreed_at = %s, "
                "version_number = 1, review_date = '2027-06-01' WHERE id = %s",
                (me, datetime.now(UTC).replace(tzinfo=None), draft),
            )
            worker = threading.Thread(
                target=lambda: outcome.append(
                    refused(editing, "DELETE FROM about_me WHERE plan_id = %s", (draft,))
                )
            )
            worker.start()
            worker.join(1.5)
            assert worker.is_alive()  # waiting for the agreement, not reading the draft it had before
        worker.join(15)
    assert outcome == [errors.RaiseException]


def test_an_agreement_seals_the_content_as_committed_after_a_racing_change(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    draft = new_draft(db, tmp_path)
    ctx, nurse = db.open_as(NURSE, resolve_paths(tmp_path / "agreeing"))
    failures: list[BaseException] = []

    def agree() -> None:
        try:
            ctx.services.plans.agree(
                draft, nurse, agreed_with=AgreedWith.PERSON, review_date=date(2027, 5, 1)
            )
        except BaseException as exc:  # reported below
            failures.append(exc)

    try:
        with db.connect(NURSE) as editing:
            with editing.transaction():
                editing.execute("DELETE FROM about_me WHERE plan_id = %s", (draft,))
                worker = threading.Thread(target=agree)
                worker.start()
                worker.join(1.5)
                assert worker.is_alive()  # the agreement waits for the change before it seals
            worker.join(15)
        assert failures == []
        owner = db.owner_engine()
        try:
            with owner.connect() as conn:
                detail = conn.execute(
                    text("SELECT detail FROM audit_event WHERE plan_id = :p AND action = 'plan_agreed'"),
                    {"p": draft},
                ).scalar_one()
                seal = version_seal.parse_seal(str(detail))
                assert seal is not None
                # What the seal vouches for is what the version holds (the change included).
                assert version_seal.content_hashes(conn, {draft: seal[1]})[draft] == seal[0]
                assert (
                    conn.execute(
                        text("SELECT count(*) FROM about_me WHERE plan_id = :p"), {"p": draft}
                    ).scalar()
                    == 0
                )
        finally:
            owner.dispose()
    finally:
        ctx.close()


def test_the_newest_entry_mark_moves_only_to_an_entry_in_the_trail(db: ProvisionedDatabase) -> None:
    with db.connect(READER) as conn:
        upsert = (
            "INSERT INTO audit_head_mark (id, seq, hash) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
        )
        head = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        assert head is not None
        conn.execute(upsert, head)
        for params in ((10**9, "f" * 64), (head[0], "0" * 64), (int(str(head[0])) + 1, head[1])):
            assert refused(conn, upsert, params) is errors.RaiseException, params
            assert (
                refused(conn, "UPDATE audit_head_mark SET seq = %s, hash = %s", params)
                is errors.RaiseException
            )
        assert conn.execute("SELECT seq, hash FROM audit_head_mark").fetchone() == head


def test_a_reader_cannot_lock_a_table_against_others(db: ProvisionedDatabase) -> None:
    with db.connect(READER) as conn:
        found = [
            str(r[0]) for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        for table in found:
            for mode in ("SHARE", "EXCLUSIVE", "ACCESS EXCLUSIVE"):
                sql = f'LOCK TABLE "{table}" IN {mode} MODE'
                assert refused(conn, sql) is errors.InsufficientPrivilege, sql


def test_a_held_lock_makes_others_wait_only_briefly_and_they_are_told_plainly(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    with db.connect(READER) as conn:
        settings = conn.execute(
            "SELECT current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')"
        ).fetchone()
        assert settings == (roles.LOCK_TIMEOUT, roles.IDLE_TIMEOUT)
    ctx, nurse = db.open_as(NURSE, resolve_paths(tmp_path / "waiting"))
    try:
        with db.connect(READER) as holder, holder.transaction():
            holder.execute("SELECT pg_advisory_xact_lock(4346500001)")  # the audit chain's lock
            started = time.monotonic()
            with pytest.raises(DBAPIError) as raised:
                ctx.services.people.create(make_person(nhs_number=nhs_number()), nurse)
            waited = time.monotonic() - started
        busy = classify(raised.value)
        assert isinstance(busy, ServerBusyError) and busy.exit_code == 44
        assert "busy; try again" in str(busy)
        assert 5 < waited < 40
        # Once the lock is let go, the same workstation carries on.
        ctx.services.people.create(make_person(nhs_number=nhs_number()), nurse)
    finally:
        ctx.close()


def test_server_upgrade_brings_an_older_server_up_to_these_guards(tmp_path: Path) -> None:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[(NURSE, "Nia Nurse-Synthetic", UserRole.NURSE)]
    )
    owner = made.owner_engine()
    try:
        # As a server set up by the release before: no login map, the old guards, no timeouts.
        with owner.begin() as conn:
            conn.execute(text("DROP TRIGGER audit_event_append ON audit_event"))
            conn.execute(text("DROP FUNCTION careplanner_trail_append()"))
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION careplanner_frozen_content() RETURNS trigger "
                    "LANGUAGE plpgsql AS $g$ BEGIN RETURN NEW; END $g$"
                )
            )
            conn.execute(text("DROP TABLE server_login CASCADE"))
            # ... nor what later revisions add (0014: offline sync's tables and change-log triggers).
            conn.execute(text("DROP FUNCTION careplanner_sync_change() CASCADE"))
            for table in ("sync_change", "sync_client", "sync_epoch", "sync_conflict"):
                conn.execute(text(f"DROP TABLE {table}"))
            for table in ("sync_outbox", "sync_state", "sync_doc"):
                conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text("ALTER TABLE medicine DROP COLUMN dmd_code"))  # 0015
            for column in (  # 0018
                "origin_organisation",
                "origin_ods_code",
                "origin_identifier",
                "origin_status",
                "origin_author",
                "origin_author_role",
                "origin_digest",
                "origin_replaces",
                "imported_by_id",
                "imported_at",
            ):
                conn.execute(text(f"ALTER TABLE care_plan DROP COLUMN {column}"))
            conn.execute(text("ALTER TABLE medicine DROP COLUMN acb_checked"))  # 0019
            for table, column in (  # 0017
                ("allergy", "substance_code"),
                ("allergy", "reaction_code"),
                ("test_result", "code_system"),
                ("test_result", "code"),
                ("test_result", "unit_code"),
            ):
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0012'"))
            conn.execute(text(f'ALTER DATABASE "{made.database}" RESET lock_timeout'))
            # A hidden login (no account), as the old function let an administrator make.
            reader = roles.group_role(made.database, "reader")
            conn.execute(text(f'CREATE ROLE "{made.role("ghost")}" LOGIN IN ROLE "{reader}"'))
            problems = trigger_problems(conn)
        assert any("missing" in p for p in problems) and any("altered" in p for p in problems)
        upgrade_server(owner)
        with owner.connect() as conn:
            assert trigger_problems(conn) == []
            mapped = {str(r[0]) for r in conn.execute(text("SELECT login_role FROM server_login"))}
            assert mapped == {made.role("ada"), made.role(NURSE)}
            old = conn.execute(
                text("SELECT to_regprocedure('careplanner_save_login(text,text,text,boolean)')")
            )
            assert old.scalar() is None
            ghost = text("SELECT pg_has_role(:r, :g, 'MEMBER')")
            assert conn.execute(ghost, {"r": made.role("ghost"), "g": reader}).scalar() is False
        with made.connect(NURSE) as conn:
            assert conn.execute("SELECT current_setting('lock_timeout')").fetchone() == (roles.LOCK_TIMEOUT,)
        # The accounts carry on through the app: sign-in, a new person, an entry in their own name.
        ctx, nurse = made.open_as(NURSE, resolve_paths(tmp_path / "after-upgrade"))
        try:
            ctx.services.people.create(make_person(nhs_number=nhs_number()), nurse)
            assert ctx.services.audit.verify().ok
        finally:
            ctx.close()
    finally:
        owner.dispose()
        made.server.drop_database(made.database)
        admin = made.server.admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{made.role("ghost")}"'))
        admin.dispose()


def test_a_busy_server_is_a_plain_problem_wherever_the_app_reports_errors() -> None:
    """The window's error reporting (crashlog.known_problem) words a lock timeout from the server plainly,
    as the command line does, instead of calling it a fault in Care Planner."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    from careplanner.crashlog import known_problem
    from careplanner.server.errors import ServerBusyError

    raw = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    found = known_problem(OperationalError("INSERT …", {}, raw))
    assert isinstance(found, ServerBusyError)
