"""`careplanner server import-store`: a workstation's encrypted store moved onto an empty practice server,
with every row, the same ids, the same audit trail (entry numbers and hashes), agreed versions still
frozen, and the workstation's store left exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from careplanner.app import open_context, open_server_context
from careplanner.clinical.enums import UserRole
from careplanner.config import Paths, resolve_paths
from careplanner.models import AuditEvent, User
from careplanner.server.ops import server_trust
from careplanner.services.audit import AuditService
from careplanner.services.store_verify import trigger_problems
from tests import server_support
from tests.cli_signin import add_accounts
from tests.conftest import TEST_PASSPHRASE, make_person
from tests.server.ops_support import seed_store, server_cli, snapshot


def _files(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


def _local_snapshot(paths: Paths) -> dict[str, object]:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        with ctx.store.engine.connect() as conn:
            return snapshot(conn)
    finally:
        ctx.close()


def _import(paths: Paths, tmp_path: Path, database: str) -> int:
    phrase = tmp_path / "store-passphrase"
    phrase.write_bytes(TEST_PASSPHRASE)
    url = server_support.test_server().address(database).url()
    return server_cli(
        "import-store", "--url", url, "--data-dir", str(paths.data_dir), "--passphrase-file", str(phrase)
    )


@pytest.fixture
def database() -> object:
    server = server_support.test_server()
    name = server.new_database()
    yield name
    server.drop_database(name)


def _server_engine(database: str):  # type: ignore[no-untyped-def]
    return create_engine(server_support.sa_url(server_support.test_server().cluster.url(database)))


def test_store_moves_onto_the_server_with_nothing_lost(
    paths: Paths, tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    statuses = seed_store(paths)
    assert statuses.get("agreed") and statuses.get("declined") and statuses.get("draft")
    add_accounts(paths)  # accounts with passwords, as a workstation's store has them
    before = _local_snapshot(paths)
    files_before = _files(paths.data_dir)

    assert _import(paths, tmp_path, database) == 0
    out = capsys.readouterr().out
    assert "people" in out and "intact" in out and "server password" in out

    engine = _server_engine(database)
    try:
        with engine.connect() as conn:
            after = snapshot(conn)
            assert trigger_problems(conn) == []
        # Every row of every table, same ids and values; the trail gains only the entry for the move.
        for table, rows in before.items():
            if table == "audit_event":
                assert after[table][: len(rows)] == rows or set(rows) <= set(after[table])
                extra = set(after[table]) - set(rows)
                assert len(extra) == 1 and next(iter(extra))[4] == "imported"
            elif table == "app_user":
                # Every account, but no password hash: on the server each signs in as its own role.
                at = [c.name for c in User.__table__.columns].index("password_hash")
                assert sum(1 for r in rows if r[at]) == 3
                assert after[table] == sorted(((*r[:at], "", *r[at + 1 :]) for r in rows), key=repr)
            else:
                assert after[table] == rows, table
        sessions = sessionmaker(engine)
        chain = AuditService(sessions).verify()
        assert chain.ok and chain.checked == len(before["audit_event"]) + 1
        trust = server_trust(sessions)
        assert trust.problems == () and trust.versions == statuses["agreed"] + statuses["declined"]
        # Agreed versions are still frozen on the server, even to the owner's raw SQL.
        with engine.connect() as conn:
            agreed = conn.execute(text("SELECT id FROM care_plan WHERE status = 'agreed' LIMIT 1")).scalar()
            with pytest.raises(DBAPIError, match="cannot be changed"):
                conn.execute(text("UPDATE care_plan SET status = 'draft' WHERE id = :i"), {"i": agreed})
    finally:
        engine.dispose()

    # The workstation's store is exactly as it was, file for file.
    assert _files(paths.data_dir) == files_before
    assert _local_snapshot(paths) == before

    # The server carries on from the copied trail (its entry numbers continue after the copied ones).
    server_paths = resolve_paths(tmp_path / "ws")
    server_paths.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, server_paths)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        ctx.services.people.create(make_person(nhs_number="999 339 5633"), actor)
        assert ctx.services.audit.verify().ok
    finally:
        ctx.close()


def test_a_server_that_holds_people_is_refused(
    paths: Paths, tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(paths, people=3)
    assert _import(paths, tmp_path, database) == 0
    engine = _server_engine(database)
    try:
        with engine.connect() as conn:
            first = snapshot(conn)
        capsys.readouterr()
        assert _import(paths, tmp_path, database) == 1
        assert "already holds people" in capsys.readouterr().err
        with engine.connect() as conn:
            assert snapshot(conn) == first
    finally:
        engine.dispose()


def test_what_server_init_left_is_kept_and_chained_after_the_store(
    paths: Paths, tmp_path: Path, database: str
) -> None:
    seed_store(paths, people=3)
    ws = resolve_paths(tmp_path / "ws")
    ws.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, ws)
    try:
        ctx.services.users.create(
            username="it-admin", display_name="Synthetic IT Admin", role=UserRole.ADMIN, actor=None
        )
    finally:
        ctx.close()
    engine = _server_engine(database)
    try:
        with engine.connect() as conn:
            setup = [tuple(r) for r in conn.execute(select(AuditEvent.id, AuditEvent.action))]
        assert setup
        local = _local_snapshot(paths)
        assert _import(paths, tmp_path, database) == 0
        with engine.connect() as conn:
            trail = [tuple(r) for r in conn.execute(select(AuditEvent).order_by(AuditEvent.seq))]
            users = {str(r[0]) for r in conn.execute(text("SELECT username FROM app_user"))}
        n = len(local["audit_event"])
        # The workstation's trail first, unchanged (numbers and hashes); then the server's own entries.
        assert sorted(trail[:n], key=repr) == local["audit_event"]
        assert [(r[1], r[4]) for r in trail[n : n + len(setup)]] == setup
        assert trail[-1][4] == "imported"
        assert "it-admin" in users
        assert server_trust(sessionmaker(engine)).problems == ()
    finally:
        engine.dispose()


def test_a_user_name_taken_by_another_account_is_refused(
    paths: Paths, tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(paths, people=2)
    local = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        taken = local.services.users.ensure_first_clinician()
    finally:
        local.close()
    ws = resolve_paths(tmp_path / "ws")
    ws.ensure()
    ctx = open_server_context(server_support.test_server().address(database), None, ws)
    try:
        ctx.services.users.create(
            username=taken.username, display_name="Someone Else", role=UserRole.ADMIN, actor=None
        )
    finally:
        ctx.close()
    assert _import(paths, tmp_path, database) == 1
    assert "taken on the server" in capsys.readouterr().err
    engine = _server_engine(database)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0
            assert trigger_problems(conn) == []
    finally:
        engine.dispose()


def test_onto_a_server_set_up_by_server_init_as_its_owner(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The practice's way: an owner account (not a superuser) runs `server init`, then `import-store`."""
    seed_store(paths, people=4)
    server = server_support.test_server()
    name = server.new_database(migrated=False)
    owner = f"{name}_owner"
    admin = server.admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD 'synthetic owner password'"))
        conn.execute(text(f"ALTER DATABASE {name} OWNER TO {owner}"))
    secret = tmp_path / "owner-password"
    secret.write_text("synthetic owner password\n")
    admin_secret = tmp_path / "admin-password"
    admin_secret.write_text("a long synthetic admin password\n")
    url = server.address(name, user=owner).url()
    try:
        assert (
            server_cli(
                "init",
                "--url",
                url,
                "--password-file",
                str(secret),
                "--admin",
                "it-admin",
                "--admin-password-file",
                str(admin_secret),
            )
            == 0
        )
        phrase = tmp_path / "store-passphrase"
        phrase.write_bytes(TEST_PASSPHRASE)
        move = ["--url", url, "--password-file", str(secret)]
        assert (
            server_cli(
                "import-store", *move, "--data-dir", str(paths.data_dir), "--passphrase-file", str(phrase)
            )
            == 0
        )
        assert "Moved" in capsys.readouterr().out
        assert server_cli("backup", *move, "--to", str(tmp_path / "backups")) == 0
        assert server_cli("check", *move) == 0
        assert "Audit trail: intact" in capsys.readouterr().out
    finally:
        server.drop_database(name)
        with admin.connect() as conn:
            for (role,) in conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p ORDER BY rolname DESC"),
                {"p": f"{name}%"},
            ).fetchall():
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_a_store_changed_outside_the_app_is_not_moved(
    paths: Paths, tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(paths, people=2)
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        with ctx.store.engine.begin() as conn:  # someone with the key, outside the app
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            conn.exec_driver_sql("UPDATE audit_event SET detail = detail || ' ' WHERE seq = 2")
    finally:
        ctx.close()
    assert _import(paths, tmp_path, database) == 1
    assert "changes made outside the app" in capsys.readouterr().err
    engine = _server_engine(database)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0
    finally:
        engine.dispose()


def test_into_a_database_not_set_up_with_server_init_says_run_it_first(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(paths, people=2)
    server = server_support.test_server()
    empty = server.new_database(migrated=False)
    try:
        assert _import(paths, tmp_path, empty) == 1
        err = capsys.readouterr().err
        assert "run `careplanner server init` first" in err and "Nothing was changed" in err
        engine = _server_engine(empty)
        try:
            with engine.connect() as conn:
                assert (
                    conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
                    == 0
                )
        finally:
            engine.dispose()
    finally:
        server.drop_database(empty)


def test_as_a_person_account_it_is_refused_before_anything_is_locked(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(paths, people=2)
    db = server_support.provisioned_database(accounts=[("nia", "Nia Nurse-Synthetic", UserRole.NURSE)])
    phrase = tmp_path / "store-passphrase"
    phrase.write_bytes(TEST_PASSPHRASE)
    secret = tmp_path / "nurse-password"
    secret.write_text(db.password + "\n")
    url = db.address("nia").url()
    code = server_cli(
        "import-store",
        "--url",
        url,
        "--password-file",
        str(secret),
        "--data-dir",
        str(paths.data_dir),
        "--passphrase-file",
        str(phrase),
    )
    assert code == 1
    assert "as the account that owns the practice database" in capsys.readouterr().err
    engine = _server_engine(db.database)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0
    finally:
        engine.dispose()
