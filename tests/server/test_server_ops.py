"""`careplanner server check`, `server backup` and `server restore` against the test run's PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from careplanner.app import open_server_context
from careplanner.cli import run
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.server.ops import server_trust
from careplanner.store.migrate import head_revision
from tests import server_support
from tests.conftest import make_person
from tests.server.ops_support import seed_context, server_cli, snapshot
from tests.server_provisioned import OWNER_PASSWORD, ProvisionedDatabase, empty_database


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
        # Under another name nobody could sign in: refused unless asked for as a test copy.
        assert server_cli("restore", "--url", _url(restored), str(dump)) == 1
        assert "Nothing was restored" in capsys.readouterr().err
        assert server_cli("restore", "--url", _url(restored), str(dump), "--test-copy") == 0
        out = capsys.readouterr().out
        assert "Restore check: ok" in out and "nobody can sign in to it" in out
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
        assert server_cli("restore", "--url", _url(restored), str(dump), "--test-copy") == 1
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
    """The password reaches pg_dump in its own environment only, never argv or a file."""
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


# ---- what the practice-IT review found -------------------------------------------------------------------

NURSE = ("nia", "Nia Nurse-Synthetic", UserRole.NURSE)


def _owner_secret(db: ProvisionedDatabase, tmp_path: Path) -> str:
    secret = tmp_path / "owner-password"
    secret.write_text(db.owner_password + "\n")
    return str(secret)


def test_a_killed_backup_leaves_no_password_file_and_its_partial_goes_at_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`server backup` killed while pg_dump runs: no file anywhere holds the owner's password, and the
    unfinished `.dump.partial` it left is removed by the next backup."""
    from careplanner.server.backup import pg_tool

    db = server_support.provisioned_database()
    tools = tmp_path / "tools"
    tools.mkdir()
    seen = tmp_path / "pg_dump-env"
    # The real pg_dump, which then waits to be killed: a backup stopped after the dump was written.
    (tools / "pg_dump").write_text(
        f'#!/bin/sh\nenv | cut -d= -f1 > "{seen}"\n"{pg_tool("pg_dump")}" "$@" || exit $?\nexec sleep 120\n'
    )
    (tools / "pg_dump").chmod(0o755)
    (tools / "pg_restore").symlink_to(pg_tool("pg_restore"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    folder = tmp_path / "backups"
    env = {
        **os.environ,
        "CAREPLANNER_PG_BIN": str(tools),
        "TMPDIR": str(scratch),
        "CAREPLANNER_HOME": str(tmp_path / "home"),
    }
    url = db.owner_address().url()
    secret = _owner_secret(db, tmp_path)
    command = [
        sys.executable,
        "-m",
        "careplanner",
        "server",
        "backup",
        "--url",
        url,
        "--password-file",
        secret,
    ]
    child = subprocess.Popen([*command, "--to", str(folder)], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size for p in folder.glob("*.partial")) or not seen.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the backup did not start"
            time.sleep(0.1)
        time.sleep(0.5)  # pg_dump has finished writing; the wrapper now sleeps
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    names = set(seen.read_text().split())
    assert "PGPASSWORD" in names and "PGPASSFILE" not in names
    leaked = [p for p in scratch.rglob("*") if p.is_file() and db.owner_password.encode() in p.read_bytes()]
    assert leaked == [] and list(scratch.iterdir()) == []
    (partial,) = folder.glob("*.dump.partial")
    old = time.time() - 3600
    os.utime(partial, (old, old))
    # The next backup (the real tools) clears what the killed one left.
    monkeypatch.delenv("CAREPLANNER_PG_BIN", raising=False)
    assert server_cli("backup", "--url", url, "--password-file", secret, "--to", str(folder)) == 0
    assert not partial.exists()
    assert len(list(folder.glob("*.dump"))) == 1 and list(folder.glob("*.partial")) == []


def test_a_backup_as_a_nurse_says_to_back_up_as_the_owner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = server_support.provisioned_database(accounts=[NURSE])
    secret = tmp_path / "nurse-password"
    secret.write_text(db.password + "\n")
    folder = tmp_path / "backups"
    url = db.address("nia").url()
    assert server_cli("backup", "--url", url, "--password-file", str(secret), "--to", str(folder)) == 1
    err = capsys.readouterr().err
    assert "back up as the database owner" in err
    assert list(folder.iterdir()) == []


def test_a_workstation_check_on_a_database_never_set_up_says_run_server_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The practice database made again empty (its accounts still on the server): `--server … check`."""
    db = server_support.provisioned_database(accounts=[NURSE])
    engine = server_support.test_server().admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {db.database} RENAME TO {db.database}_aside"))
            conn.execute(text(f'CREATE DATABASE {db.database} OWNER "{db.owner}"'))
    finally:
        engine.dispose()
    try:
        secret = tmp_path / "nurse-password"
        secret.write_text(db.password + "\n")
        code = run(["--server", db.url(), "--user", "nia", "--password-file", str(secret), "check"])
        assert code == 42
        assert "careplanner server init" in capsys.readouterr().err
    finally:
        server_support.test_server().drop_database(f"{db.database}_aside")


def test_server_init_prints_the_line_workstations_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_support.test_server()
    database, owner = empty_database(server)
    admin = tmp_path / "admin-password"
    admin.write_text("a long synthetic admin password\n")
    url = server.address(database, user=owner).url()
    code = server_cli(
        "init",
        "--url",
        url,
        "--password-file",
        _owner_secret_text(tmp_path),
        "--admin",
        "it-admin",
        "--admin-password-file",
        str(admin),
    )
    assert code == 0
    out = capsys.readouterr().out
    join = next(line for line in out.splitlines() if "careplanner join" in line)
    assert f"postgresql://SERVER-NAME:{server.cluster.port}/{database}?sslmode=verify-full" in join
    assert "--ca-file practice-ca.pem" in join
    assert "127.0.0.1" not in out and "sslmode=disable" not in out
    assert "users add" in out


def _owner_secret_text(tmp_path: Path) -> str:
    secret = tmp_path / "owner-password"
    secret.write_text(OWNER_PASSWORD + "\n")
    return str(secret)


def test_server_init_help_says_to_choose_a_name_the_store_does_not_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        server_cli("init", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "a user name that store does not use" in out
    assert "sslmode=" in out


def test_a_password_file_that_cannot_be_read_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = server_support.test_server().address("careplanner_absent").url()
    assert server_cli("check", "--url", url, "--password-file", "/nonexistent/owner-password") == 2
    err = capsys.readouterr().err
    assert "The password file could not be read" in err and "passphrase" not in err
