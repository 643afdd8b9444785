"""`careplanner server check`, `server backup` and `server restore` against the test run's PostgreSQL."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from careplanner.app import open_server_context
from careplanner.config import resolve_paths
from careplanner.server.ops import server_trust
from careplanner.store.migrate import head_revision
from tests import server_support
from tests.conftest import make_person
from tests.server.ops_support import seed_context, server_cli, snapshot


@pytest.fixture
def database() -> Iterator[str]:
    server = server_support.test_server()
    name = server.new_database()
    yield name
    server.drop_database(name)


def _url(database: str) -> str:
    return server_support.test_server().address(database).url()


def _sql(database: str, *statements: str) -> None:
    engine = create_engine(
        server_support.sa_url(server_support.test_server().cluster.url(database)),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _seed(database: str, tmp_path: Path, people: int = 6) -> dict[str, int]:
    paths = resolve_paths(tmp_path / "ws")
    paths.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, paths)
    try:
        return seed_context(ctx, people)
    finally:
        ctx.close()


def test_check_reports_the_server_and_asks_for_a_first_backup(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_cli("check", "--url", _url(database)) == 1
    out = capsys.readouterr().out
    assert re.search(r"^PostgreSQL: \d+\.\d+", out, re.MULTILINE)
    assert f"Schema: {head_revision()} (this release: {head_revision()})" in out
    assert re.search(r"^Connections to this database: [1-9]\d* \(", out, re.MULTILINE)
    assert "Protective triggers: all present, unaltered and switched on" in out
    assert "Audit trail: intact" in out
    assert "PROBLEM: No backup has been taken" in out
    assert "Server check FAILED: 1 problem(s)" in out


def test_backup_is_private_named_without_patient_data_and_then_check_passes(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = resolve_paths(tmp_path / "ws")
    paths.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, paths)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        ctx.services.people.create(make_person(family_name="Backupfile-Synthetic"), actor)
    finally:
        ctx.close()
    folder = tmp_path / "backups"
    assert server_cli("backup", "--url", _url(database), "--to", str(folder)) == 0
    files = list(folder.iterdir())
    assert len(files) == 1
    assert re.fullmatch(rf"careplanner-{database}-\d{{8}}T\d{{6}}Z\.dump", files[0].name)
    assert "Backupfile" not in files[0].name and "943" not in files[0].name
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert files[0].read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    capsys.readouterr()
    assert server_cli("check", "--url", _url(database)) == 0
    out = capsys.readouterr().out
    assert re.search(r"^Last backup: \d+ minute\(s\) ago", out, re.MULTILINE)
    assert "Server check: ok" in out


def test_check_reports_a_backup_older_than_a_day(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(
        database,
        "INSERT INTO server_backup_log (id, taken_at, file_name, size_bytes, taken_by) VALUES "
        "('b1', now() AT TIME ZONE 'UTC' - interval '3 days', 'x.dump', 1, 'it')",
    )
    assert server_cli("check", "--url", _url(database)) == 1
    out = capsys.readouterr().out
    assert "Last backup: 3 days ago" in out
    assert "PROBLEM: The last backup is 3 days old" in out


def test_check_finds_a_switched_off_trigger(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(database, "ALTER TABLE care_plan DISABLE TRIGGER care_plan_frozen")
    assert server_cli("check", "--url", _url(database), "--max-backup-age", "1e9") == 1
    out = capsys.readouterr().out
    assert "Protective triggers: NOT INTACT" in out
    assert "switched off (first: care_plan_frozen)" in out


def test_check_finds_an_edited_audit_entry(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(database, tmp_path, people=2)
    _sql(
        database,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_fixed",
        "UPDATE audit_event SET detail = detail || ' ' WHERE seq = 2",
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_fixed",
    )
    assert server_cli("check", "--url", _url(database)) == 1
    out = capsys.readouterr().out
    assert "Audit trail: BROKEN" in out
    assert "Tampering found: entry 2 has been changed." in out
    assert "Protective triggers: all present" in out


def test_backup_restores_into_a_new_database_with_everything(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statuses = _seed(database, tmp_path)
    assert statuses.get("agreed") and statuses.get("declined") and statuses.get("draft")
    folder = tmp_path / "backups"
    assert server_cli("backup", "--url", _url(database), "--to", str(folder)) == 0
    (dump,) = folder.iterdir()
    server = server_support.test_server()
    restored = server.new_database(migrated=False)
    try:
        capsys.readouterr()
        assert server_cli("restore", "--url", _url(restored), str(dump)) == 0
        assert "Restore check: ok" in capsys.readouterr().out
        engines = [
            create_engine(server_support.sa_url(server.cluster.url(name))) for name in (database, restored)
        ]
        try:
            with engines[0].connect() as a, engines[1].connect() as b:
                # Every row of every table, the audit trail (numbers and hashes) and the backup record.
                assert snapshot(a, skip=frozenset()) == snapshot(b, skip=frozenset())
            trust = server_trust(sessionmaker(engines[1]))
            assert trust.problems == ()
            assert trust.versions == statuses["agreed"] + statuses["declined"]
        finally:
            for engine in engines:
                engine.dispose()
        # The restored server carries on: its trail continues after the restored entries.
        paths = resolve_paths(tmp_path / "ws2")
        paths.ensure()
        ctx = open_server_context(server.address(restored), None, paths)
        try:
            actor = ctx.services.users.ensure_first_clinician()
            ctx.services.people.create(make_person(nhs_number="999 339 5633"), actor)
            assert ctx.services.audit.verify().ok
        finally:
            ctx.close()
        # Never over a database that holds anything.
        assert server_cli("restore", "--url", _url(restored), str(dump)) == 1
        assert "not empty" in capsys.readouterr().err
    finally:
        server.drop_database(restored)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = server_support.test_server()
    empty = server.new_database(migrated=False)
    try:
        bogus = tmp_path / "not-a-backup.dump"
        bogus.write_bytes(b"PGDMP but not really")
        assert server_cli("restore", "--url", _url(empty), str(bogus)) == 1
        assert "not a Care Planner server backup" in capsys.readouterr().err
    finally:
        server.drop_database(empty)


def test_an_account_with_a_password_backs_up_with_its_password_file(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The password reaches pg_dump through a private password file, never argv or the environment."""
    role = f"ops_{database}"
    _sql(
        database,
        f"CREATE ROLE {role} LOGIN PASSWORD 'synthetic ops password'",
        f"GRANT pg_read_all_data TO {role}",
        f"GRANT INSERT ON server_backup_log TO {role}",
    )
    try:
        address = server_support.test_server().address(database, user=role)
        secret = tmp_path / "owner-password"
        secret.write_text("synthetic ops password\n")
        folder = tmp_path / "backups"
        # Without it (and no terminal to ask at): refused plainly.
        assert server_cli("backup", "--url", address.url(), "--to", str(folder)) == 1
        assert "asks for a password" in capsys.readouterr().err
        assert (
            server_cli("backup", "--url", address.url(), "--to", str(folder), "--password-file", str(secret))
            == 0
        )
        assert len(list(folder.glob("*.dump"))) == 1
    finally:
        _sql(database, f"DROP OWNED BY {role}", f"DROP ROLE {role}")


def test_check_on_a_database_without_care_planner_says_to_run_init(
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_support.test_server()
    empty = server.new_database(migrated=False)
    try:
        assert server_cli("check", "--url", _url(empty)) == 1
        out = capsys.readouterr().out
        assert "Schema: none" in out
        assert "PROBLEM: The database has no Care Planner schema: run `careplanner server init`." in out
    finally:
        server.drop_database(empty)
