"""`careplanner server init` sets up an empty practice database (schema, roles, grants, the account function,
the first administrator) in one transaction, and refuses - changing nothing - a database already in use, a
connection that is not the owner's, and an owner who cannot make accounts. Also the role names and the SCRAM
verifiers it depends on."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from careplanner.cli import run
from careplanner.server import roles, scram
from careplanner.server.connection import ServerAddressError
from careplanner.server.provision import ProvisionError, init_server, upgrade_server
from careplanner.services.errors import ValidationError
from careplanner.store.migrate import head_revision
from tests import server_support
from tests.cli_signin import PASSWORD
from tests.server_provisioned import OWNER_PASSWORD, ProvisionedDatabase, empty_database


def _superuser(database: str) -> Engine:
    return create_engine(server_support.sa_url(server_support.test_server().cluster.url(database)))


def snapshot(database: str) -> dict[str, Any]:
    """Everything `server init` could change: tables, roles of this database, accounts, trail, schema."""
    engine = _superuser(database)
    try:
        with engine.connect() as conn:
            out: dict[str, Any] = {
                "tables": conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                ).all(),
                "roles": conn.execute(
                    text(
                        "SELECT rolname, rolcanlogin, rolpassword FROM pg_authid "
                        "WHERE rolname LIKE :p ORDER BY 1"
                    ),
                    {"p": f"{database}%"},
                ).all(),
                "functions": conn.execute(
                    text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'careplanner%' ORDER BY 1")
                ).all(),
            }
            if ("app_user",) in out["tables"]:
                out["accounts"] = conn.execute(text("SELECT * FROM app_user ORDER BY id")).all()
                out["trail"] = conn.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq")).all()
                out["schema"] = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            return out
    finally:
        engine.dispose()


def owner_url(db: str, owner: str) -> str:
    return server_support.test_server().address(db, user=owner).url()


def write(folder: Path, name: str, secret: str) -> str:
    path = folder / name
    path.write_text(secret + "\n", encoding="utf-8")
    return str(path)


def test_init_sets_up_roles_grants_the_function_and_the_first_administrator(
    provisioned: ProvisionedDatabase,
) -> None:
    db = provisioned
    reader, clinician, admin = (roles.group_role(db.database, g) for g in roles.GROUPS)
    engine = _superuser(db.database)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            groups = conn.execute(
                text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(:g) ORDER BY 1"),
                {"g": [reader, clinician, admin]},
            ).all()
            assert groups == sorted([(admin, False), (clinician, False), (reader, False)])
            role = db.role("ada")
            assert role == f"{db.database}.ada"
            login = conn.execute(
                text(
                    "SELECT rolcanlogin, rolsuper, rolcreaterole, rolpassword FROM pg_authid "
                    "WHERE rolname = :r"
                ),
                {"r": role},
            ).one()
            assert login[:3] == (True, False, False) and str(login[3]).startswith("SCRAM-SHA-256$4096:")
            memberships = {
                g: conn.execute(text("SELECT pg_has_role(:r, :g, 'MEMBER')"), {"r": role, "g": g}).scalar()
                for g in (reader, clinician, admin)
            }
            assert memberships == {reader: True, clinician: False, admin: True}
            user = conn.execute(text("SELECT username, role, password_hash FROM app_user")).one()
            assert tuple(user) == ("ada", "admin", "")  # the server keeps the password, not app_user
            assert conn.execute(text("SELECT action FROM audit_event")).scalars().all() == ["user_created"]
            function = conn.execute(
                text(
                    "SELECT prosecdef, pg_get_userbyid(proowner), proconfig FROM pg_proc "
                    "WHERE proname = 'careplanner_save_login'"
                )
            ).one()
            assert function[0] is True and function[1] == db.owner
            assert function[2] == ["search_path=pg_catalog, pg_temp"]
            signature = "careplanner_save_login(text,text,text,text,boolean)"
            may = {
                who: conn.execute(
                    text("SELECT has_function_privilege(:w, :f, 'EXECUTE')"), {"w": who, "f": signature}
                ).scalar()
                for who in (admin, clinician, reader)
            }
            assert may == {admin: True, clinician: False, reader: False}
    finally:
        engine.dispose()


@pytest.fixture
def provisioned() -> ProvisionedDatabase:
    made: ProvisionedDatabase = server_support.provisioned_database()
    return made


def test_server_init_on_a_database_already_set_up_refuses_and_changes_nothing(
    provisioned: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = provisioned
    before = snapshot(db.database)
    code = run(
        [
            "--data-dir",
            str(tmp_path / "it"),
            "server",
            "init",
            "--url",
            owner_url(db.database, db.owner),
            "--password-file",
            write(tmp_path, "owner", OWNER_PASSWORD),
            "--admin",
            "eve",
            "--admin-password-file",
            write(tmp_path, "admin", PASSWORD),
        ]
    )
    assert code == ProvisionError.exit_code == 43
    assert "already holds Care Planner" in capsys.readouterr().err
    assert snapshot(db.database) == before


def test_init_from_the_command_line_then_a_workstation_signs_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database, owner = empty_database(server_support.test_server())
    code = run(
        [
            "--data-dir",
            str(tmp_path / "it"),
            "server",
            "init",
            "--url",
            owner_url(database, owner),
            "--password-file",
            write(tmp_path, "owner", OWNER_PASSWORD),
            "--admin",
            "Ada",
            "--display-name",
            "Ada Admin-Synthetic",
            "--admin-password-file",
            write(tmp_path, "admin", PASSWORD),
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "is set up, with the administrator Ada" in out.out
    assert PASSWORD not in out.out + out.err and OWNER_PASSWORD not in out.out + out.err
    url = server_support.test_server().address(database).url().replace("cp_super@", "")
    code = run(
        [
            *("--data-dir", str(tmp_path / "ws"), "--server", url, "--user", "ada"),
            *("--password-file", write(tmp_path, "pw", PASSWORD), "users", "list"),
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith("Ada\tadmin\tAda Admin-Synthetic")


def test_init_refuses_a_database_with_other_tables_and_changes_nothing() -> None:
    database, owner = empty_database(server_support.test_server())
    address = server_support.test_server().address(database, user=owner)
    engine = address.engine(OWNER_PASSWORD, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE something_else (id int)"))
        before = snapshot(database)
        with pytest.raises(ProvisionError, match="other tables"):
            init_server(engine, "ada", "Ada Admin-Synthetic", PASSWORD)
        assert snapshot(database) == before
    finally:
        engine.dispose()


def test_init_refuses_an_owner_who_cannot_make_accounts_or_someone_not_the_owner() -> None:
    server = server_support.test_server()
    database, owner = empty_database(server, createrole=False)
    engine = server.address(database, user=owner).engine(OWNER_PASSWORD, pool_size=1)
    before = snapshot(database)
    try:
        with pytest.raises(ProvisionError, match="CREATEROLE"):
            init_server(engine, "ada", "Ada Admin-Synthetic", PASSWORD)
    finally:
        engine.dispose()
    _other, other_owner = empty_database(server)  # an owner, but of another database
    engine = server.address(database, user=other_owner).engine(OWNER_PASSWORD, pool_size=1)
    try:
        with pytest.raises(ProvisionError, match="owns the practice database"):
            init_server(engine, "ada", "Ada Admin-Synthetic", PASSWORD)
    finally:
        engine.dispose()
    assert (
        snapshot(database) == before
        and before["tables"] == []
        and before["roles"] == [(owner, True, before["roles"][0][2])]
    )


def test_init_is_all_or_nothing() -> None:
    """The schema, roles and function are made in the same transaction as the administrator: a refused
    administrator (a hidden character in the name) leaves the database empty and makes no role."""
    database, owner = empty_database(server_support.test_server())
    before = snapshot(database)
    engine = server_support.test_server().address(database, user=owner).engine(OWNER_PASSWORD, pool_size=1)
    try:
        with pytest.raises(ValidationError):
            init_server(engine, "ad\u200ba", "Ada Admin-Synthetic", PASSWORD)
        with pytest.raises(ValidationError):
            init_server(engine, "ada", "Ada Admin-Synthetic", "password")  # too easy: refused first
    finally:
        engine.dispose()
    assert snapshot(database) == before


def test_upgrade_refuses_a_database_init_did_not_set_up() -> None:
    server = server_support.test_server()
    database = server.new_database()  # migrated, but no roles
    engine = _superuser(database)
    try:
        with pytest.raises(ProvisionError, match="not set up by `careplanner server init`"):
            upgrade_server(engine)
    finally:
        engine.dispose()


# ---- role names -------------------------------------------------------------------------------------------


def test_login_role_names_are_plain_where_they_can_be_and_never_collide() -> None:
    assert roles.login_role("careplanner", "Ada") == "careplanner.ada"
    assert roles.login_role("careplanner", "ＡＤＡ") == "careplanner.ada"  # one name, as the app compares
    assert roles.login_role("careplanner", "jo.brennan-2") == "careplanner.jo.brennan-2"
    hashed = roles.login_role("careplanner", "Jo Brennan")
    key = unicodedata.normalize("NFKC", "jo brennan")
    assert hashed == "careplanner.~" + hashlib.sha256(key.encode()).hexdigest()[:21]
    assert roles.login_role("careplanner", "Siân O'Neill").startswith("careplanner.~")
    long_name = roles.login_role("p" * 40, "z" * 64)
    assert len(long_name.encode()) <= 63
    # Two databases never share an account role, and an account role is never a group role.
    assert roles.login_role("a_u", "b") != roles.login_role("a", "u_b")
    import re

    pattern = re.compile(roles.login_role_pattern("careplanner"))
    assert pattern.match("careplanner.ada") and pattern.match(hashed)
    for other in (
        "careplanner_admin",
        "careplanner",
        "careplanner2.ada",
        "careplanner.Ada",
        "x.careplanner.ada",
    ):
        assert not pattern.match(other), other


@pytest.mark.parametrize("name", ["CarePlanner", "care-planner", "1practice", "a" * 41, "a.b", ""])
def test_practice_database_names_outside_the_scheme_are_refused(name: str) -> None:
    with pytest.raises(ServerAddressError):
        roles.login_role(name, "ada")


# ---- SCRAM verifiers --------------------------------------------------------------------------------------


def test_a_verifier_is_what_postgresql_stores_and_never_holds_the_password() -> None:
    made = scram.verifier("a long synthetic account password", salt=b"0123456789abcdef")
    assert scram.is_verifier(made)
    assert made.startswith("SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$")
    assert made == scram.verifier("a long synthetic account password", salt=b"0123456789abcdef")
    assert scram.verifier("a long synthetic account password") != made  # a new salt each time
    assert not scram.is_verifier("a long synthetic account password")
    assert not scram.is_verifier(made + "' ; DROP ROLE x; --")


def test_saslprep_matches_libpq() -> None:
    assert scram.saslprep("plain ascii\x07") == b"plain ascii\x07"  # ASCII is used as it is
    assert scram.saslprep("ﬁne\u00a0day") == b"fine day"  # NFKC, non-ASCII space to space
    assert scram.saslprep("so\u00adft") == b"soft"  # soft hyphen maps to nothing
    assert scram.saslprep("bad\u0007é") == "bad\u0007é".encode()  # prohibited: raw bytes
