"""Bringing a practice back from a `server backup` file on the test run's real PostgreSQL, as the practice's
IT would: under the backed-up database's own name (another name is refused: nobody could sign in to it),
onto a server that lacks the practice's roles (they are made again, and the accounts without a login are
listed and given one), and never into a database owned by another account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from tests import server_support
from tests.conftest import make_person
from tests.server.ops_support import server_cli
from tests.server_provisioned import ProvisionedDatabase

NURSE = ("nia", "Nia Nurse-Synthetic", UserRole.NURSE)


@pytest.fixture
def practice() -> Iterator[ProvisionedDatabase]:
    db = server_support.provisioned_database(accounts=[NURSE])
    yield db
    _drop_practice(db)


def _drop_practice(db: ProvisionedDatabase) -> None:
    """The database, any renamed copy, and every role named after it (login roles first)."""
    engine = db.server.admin_engine()
    try:
        with engine.connect() as conn:
            for name in (db.database, f"{db.database}_damaged", f"{db.database}_restored"):
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            found = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p ORDER BY rolname LIKE '%.%' DESC"),
                {"p": f"{db.database}%"},
            ).all()
            for (role,) in found:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        engine.dispose()


def _superuser(*statements: str) -> None:
    engine = server_support.test_server().admin_engine()
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _owner_args(db: ProvisionedDatabase, tmp_path: Path, database: str | None = None) -> list[str]:
    secret = tmp_path / "owner-password"
    secret.write_text(db.owner_password + "\n")
    address = db.server.address(database or db.database, user=db.owner)
    return ["--url", address.url(), "--password-file", str(secret)]


def _add_person(db: ProvisionedDatabase, tmp_path: Path, family_name: str, nhs: str = "943 476 5919") -> None:
    paths = resolve_paths(tmp_path / "ws")
    paths.ensure()
    ctx, nia = db.open_as("nia", paths)
    try:
        ctx.services.people.create(make_person(family_name=family_name, nhs_number=nhs), nia)
    finally:
        ctx.close()


def _family_names(
    db: ProvisionedDatabase, tmp_path: Path, username: str, password: str | None = None
) -> list[str]:
    """What `username` sees on the server, signed in as their own login role."""
    paths = resolve_paths(tmp_path / f"ws-{username}")
    paths.ensure()
    ctx, _actor = db.open_as(username, paths, password)
    try:
        with ctx.store.engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(text("SELECT family_name FROM person ORDER BY 1"))]
    finally:
        ctx.close()


def _backup(db: ProvisionedDatabase, tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    assert server_cli("backup", *_owner_args(db, tmp_path), "--to", str(folder)) == 0
    (dump,) = folder.glob("*.dump")
    return dump


def test_a_restore_under_another_name_is_refused_and_says_how(
    practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Restored as another name, nobody could sign in (login roles are named after the database)."""
    dump = _backup(practice, tmp_path)
    other = f"{practice.database}_restored"
    _superuser(f'CREATE DATABASE {other} OWNER "{practice.owner}"')
    capsys.readouterr()
    assert server_cli("restore", *_owner_args(practice, tmp_path, other), str(dump)) == 1
    err = capsys.readouterr().err
    assert f"backup is of the practice database {practice.database}" in err
    assert f"ALTER DATABASE {practice.database} RENAME TO" in err
    assert "Nothing was restored" in err
    engine = server_support.test_server().admin_engine(other)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0
            )
    finally:
        engine.dispose()


def test_the_damaged_database_renamed_aside_and_restored_under_its_name_lets_people_sign_in(
    practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The doc's recovery on the same server: rename aside, make an empty one as postgres, restore."""
    _add_person(practice, tmp_path, "Restorewell-Synthetic")
    dump = _backup(practice, tmp_path)
    _add_person(practice, tmp_path, "Afterbackup-Synthetic", "999 339 5633")  # lost with the damaged database
    _superuser(
        f"ALTER DATABASE {practice.database} RENAME TO {practice.database}_damaged",
        f'CREATE DATABASE {practice.database} OWNER "{practice.owner}"',
    )
    capsys.readouterr()
    assert server_cli("restore", *_owner_args(practice, tmp_path), str(dump)) == 0
    out = capsys.readouterr().out
    assert "Restore check: ok" in out
    assert "cannot sign in" not in out  # every account's login role is still on this server
    # The nurse signs in to the restored practice with her own password and sees what was backed up.
    assert _family_names(practice, tmp_path, "nia") == ["Restorewell-Synthetic"]
    assert server_cli("upgrade", *_owner_args(practice, tmp_path)) == 0


def test_a_restore_onto_a_server_without_the_practice_roles_makes_them_and_lists_the_accounts(
    practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new server after a disk failure: the owner exists, the practice's groups and logins do not."""
    _add_person(practice, tmp_path, "Newserver-Synthetic")
    dump = _backup(practice, tmp_path)
    _superuser(f"DROP DATABASE {practice.database} WITH (FORCE)")
    engine = server_support.test_server().admin_engine()
    try:
        with engine.connect() as conn:
            gone = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p AND rolname <> :o ORDER BY 1 DESC"),
                {"p": f"{practice.database}%", "o": practice.owner},
            ).all()
            for (role,) in gone:
                conn.execute(text(f'DROP ROLE "{role}"'))
            conn.execute(text(f'CREATE DATABASE {practice.database} OWNER "{practice.owner}"'))
    finally:
        engine.dispose()
    assert len(gone) == 5  # three groups, ada and nia

    capsys.readouterr()
    assert server_cli("restore", *_owner_args(practice, tmp_path), str(dump)) == 0
    out = capsys.readouterr().out
    assert "Restore check: ok" in out
    assert "cannot sign in on this server yet (2): ada, nia" in out
    assert "server set-password" in out
    # `server upgrade` accepts it (its group roles are there again).
    assert server_cli("upgrade", *_owner_args(practice, tmp_path)) == 0

    # The owner gives the administrator a password; she gives the nurse hers in the app's services.
    new = tmp_path / "new-password"
    new.write_text("a new synthetic admin password\n")
    args = _owner_args(practice, tmp_path)
    assert server_cli("set-password", *args, "ada", "--new-password-file", str(new)) == 0
    paths = resolve_paths(tmp_path / "ws-admin")
    paths.ensure()
    ctx, ada = practice.open_as("ada", paths, "a new synthetic admin password")
    try:
        nia = ctx.services.users.by_username("nia")
        assert nia is not None
        ctx.services.auth.set_password(nia.id, "a new synthetic nurse password", ada)
    finally:
        ctx.close()
    assert _family_names(practice, tmp_path, "nia", "a new synthetic nurse password") == [
        "Newserver-Synthetic"
    ]
    capsys.readouterr()
    server_cli("check", *args)
    out = capsys.readouterr().out
    assert "Audit trail: intact" in out and "Protective triggers: all present" in out
    # The backup's own record is written after the dump: the only problem is that none is recorded yet.
    assert "Server check FAILED: 1 problem(s)" in out and "PROBLEM: No backup" in out


def test_a_restore_into_a_database_owned_by_another_account_says_so_plainly(
    practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = _backup(practice, tmp_path)
    # `createdb` run as the superuser without -O: the new database belongs to the superuser.
    _superuser(
        f"ALTER DATABASE {practice.database} RENAME TO {practice.database}_damaged",
        f"CREATE DATABASE {practice.database}",
    )
    capsys.readouterr()
    assert server_cli("restore", *_owner_args(practice, tmp_path), str(dump)) == 1
    err = capsys.readouterr().err
    assert "belongs to the account" in err and f"not to {practice.owner}" in err
    assert f"runuser -u postgres -- createdb -O {practice.owner} {practice.database}" in err
    assert "FUNCTION" not in err and "pg_restore" not in err


def test_set_password_needs_the_database_owner(
    practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nurse_secret = tmp_path / "nurse-password"
    nurse_secret.write_text(practice.password + "\n")
    new = tmp_path / "new-password"
    new.write_text("a new synthetic admin password\n")
    url = practice.address("nia").url()
    code = server_cli(
        "set-password",
        "--url",
        url,
        "--password-file",
        str(nurse_secret),
        "ada",
        "--new-password-file",
        str(new),
    )
    assert code == 1
    assert "as the practice's database owner" in capsys.readouterr().err
    new.write_text("short\n")  # refused before the server is asked anything
    assert (
        server_cli("set-password", *_owner_args(practice, tmp_path), "ada", "--new-password-file", str(new))
        == 2
    )


ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_restore_commands_are_ones_that_work() -> None:
    """Every `server restore` in the doc either restores a backup of `careplanner` as `careplanner` or is a
    test copy; every database made for one is made by postgres and owned by the database owner."""
    doc = (ROOT / "docs" / "practice-server.md").read_text(encoding="utf-8")
    restores = [line for line in doc.splitlines() if line.startswith("careplanner server restore")]
    assert len(restores) >= 2
    for line in restores:
        dump = re.search(r"careplanner-([a-z0-9_]+)-\d{8}T\d{6}Z\.dump", line)
        target = re.search(r"@127\.0\.0\.1/([a-z0-9_]+)\?", line)
        assert dump and target, line
        assert target.group(1) == dump.group(1) or "--test-copy" in line, line
    made = [line for line in doc.splitlines() if "createdb" in line and not line.startswith("#")]
    assert made and all("runuser -u postgres -- createdb -O careplanner_owner" in line for line in made), made


def test_the_debian_script_sizes_connections_and_clears_unfinished_backups() -> None:
    script = (ROOT / "scripts" / "practice-server-debian.sh").read_text(encoding="utf-8")
    assert "max_connections = $MAX_CONNECTIONS" in script
    assert "MAX_CONNECTIONS=$(( WORKSTATIONS * 6 + 20 ))" in script
    cron = next(line for line in script.splitlines() if line.startswith("30 1 * * * root"))
    assert "-name 'careplanner-*.dump.partial'" in cron and "-delete" in cron
    # Old backups are removed only after a backup has succeeded.
    assert "server backup --url '$URL' --to '$BACKUP_DIR' && find" in cron
    assert "ca.pem" not in script.replace("practice-ca.pem", "")
