"""Signing in on the practice server: each person connects as their own login role, so the server checks
the password and enforces the role; the app's sign-in then finds the account and audits it.

The command line with `--server URL --user NAME --password-file FILE` (in-process `run`), and the account
management the app's Manage users dialog uses (AuthService on the server): an administrator makes a nurse
who then signs in, changes her role, resets and switches off her account; she changes her own password.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from careplanner.app import open_server_context
from careplanner.cli import run
from careplanner.clinical.enums import UserRole
from careplanner.config import Paths, resolve_paths
from careplanner.server import roles
from careplanner.server.errors import ServerSignInError
from careplanner.services.auth import SignInError
from careplanner.services.sign_in_guard import wrong
from tests import server_support
from tests.cli_signin import PASSWORD
from tests.conftest import make_person
from tests.server_provisioned import ProvisionedDatabase

NURSE, READER = "nia", "rory"
LOCAL_REFUSAL = wrong(timedelta(0)).args[0]  # what a workstation says to a wrong password


@pytest.fixture
def db() -> Iterator[ProvisionedDatabase]:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[
            (NURSE, "Nia Nurse-Synthetic", UserRole.NURSE),
            (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
        ]
    )
    yield made
    made.server.drop_database(made.database)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "workstation")


def secret_file(folder: Path, secret: str, name: str = "pw") -> str:
    path = folder / name
    path.write_text(secret + "\n", encoding="utf-8")
    return str(path)


def cli(
    db: ProvisionedDatabase, tmp_path: Path, user: str, *argv: str, password: str = PASSWORD
) -> list[str]:
    return [
        *("--data-dir", str(tmp_path / "workstation"), "--server", db.url()),
        *("--user", user, "--password-file", secret_file(tmp_path, password, f"pw-{user}")),
        *argv,
    ]


def test_the_command_line_on_the_server_as_each_person(
    db: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cli(db, tmp_path, NURSE, "seed", "--patients", "3")) == 0
    assert "Added 3 synthetic people" in capsys.readouterr().out
    with db.connect(READER) as conn:
        row = conn.execute("SELECT nhs_number FROM person ORDER BY nhs_number LIMIT 1").fetchone()
        assert row is not None
        nhs = str(row[0])
    pdf, fhir, report = tmp_path / "copy.pdf", tmp_path / "record.json", tmp_path / "report.pdf"
    assert run(cli(db, tmp_path, READER, "export", "--nhs-number", nhs, "--pdf", str(pdf))) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert run(cli(db, tmp_path, NURSE, "export", "--nhs-number", nhs, "--fhir", str(fhir))) == 0
    assert run(cli(db, tmp_path, READER, "report", "--out", str(report))) == 0
    assert report.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    # A read-only account may not import (the app says so; the server would refuse the writes anyway).
    assert run(cli(db, tmp_path, READER, "import", str(fhir))) == 4
    assert run(cli(db, tmp_path, READER, "audit", "verify")) == 0
    assert "Audit trail intact" in capsys.readouterr().out
    assert run(cli(db, tmp_path, READER, "check")) == 0
    assert "people: 3" in capsys.readouterr().out
    # Accounts: only the administrator lists and adds them; the new nurse signs in at once.
    assert run(cli(db, tmp_path, NURSE, "users", "list")) == 4
    capsys.readouterr()
    new_password = "another synthetic password for jo"
    add = ["users", "add", "jo", "--name", "Jo Brennan-Synthetic", "--role", "gp"]
    add += ["--new-password-file", secret_file(tmp_path, new_password, "jo-new")]
    assert run(cli(db, tmp_path, "ada", *add)) == 0
    assert capsys.readouterr().out == "Added jo (gp).\n"
    assert run(cli(db, tmp_path, "ada", "users", "list")) == 0
    listed = capsys.readouterr().out.splitlines()
    assert sorted(listed) == sorted(
        [
            "ada\tadmin\tAda Admin-Synthetic",
            "nia\tnurse\tNia Nurse-Synthetic",
            "rory\tread_only\tRory Reader-Synthetic",
            "jo\tgp\tJo Brennan-Synthetic",
        ]
    )
    assert run(cli(db, tmp_path, "jo", "report", "--out", str(report), password=new_password)) == 0
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err and new_password not in out.out + out.err
    # Every sign-in is in the trail, under the account's own id.
    with db.connect(READER) as conn:
        signed = conn.execute(
            "SELECT DISTINCT u.username FROM audit_event e JOIN app_user u ON u.id = e.user_id "
            "WHERE e.action = 'sign_in'"
        ).fetchall()
    assert {r[0] for r in signed} == {"ada", NURSE, READER, "jo"}


def test_a_wrong_password_or_unknown_name_gets_the_same_plain_answer_as_locally(
    db: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert LOCAL_REFUSAL == "The user name or password is not right."
    for user, password in ((NURSE, "not the right password at all"), ("nobody", PASSWORD)):
        assert (
            run(cli(db, tmp_path, user, "report", "--out", str(tmp_path / "r.pdf"), password=password)) == 6
        )
        err = capsys.readouterr().err
        assert err.strip() == f"careplanner: {LOCAL_REFUSAL}"
    assert not (tmp_path / "r.pdf").exists()
    # Without --user the server is not asked anything: the same words as on a workstation.
    code = run(["--data-dir", str(tmp_path / "ws"), "--server", db.url(), "check"])
    assert code == 6 and "--user NAME" in capsys.readouterr().err


def test_an_administrator_makes_a_nurse_who_then_signs_in(db: ProvisionedDatabase, paths: Paths) -> None:
    first, second, third = (f"synthetic password number {n} for Jo" for n in ("one", "two", "three"))
    admin_ctx, ada = db.open_as("ada", paths)
    try:
        auth = admin_ctx.services.auth
        assert not auth.needs_first_run()
        jo = auth.add_user(
            username="Jo Brennan",
            display_name="Jo Brennan-Synthetic",
            role=UserRole.NURSE,
            password=first,
            actor=ada,
        )
        role = db.role("Jo Brennan")
        assert role.startswith(f"{db.database}.~")
        with db.connect("ada") as conn:
            stored = conn.execute("SELECT password_hash FROM app_user WHERE id = %s", (jo.id,)).fetchone()
            assert stored == ("",)  # the server keeps the password, as a verifier of Jo's own role
            clinician = roles.group_role(db.database, "clinician")
            assert conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (role, clinician)).fetchone() == (
                True,
            )
        records = {r.actor.username: r for r in auth.users(ada)}
        assert records["Jo Brennan"].has_password and records["Jo Brennan"].active

        jo_ctx, jo_actor = db.open_as("jo brennan", paths, password=first)  # names compare as the app does
        try:
            assert jo_actor.id == jo.id and jo_actor.role is UserRole.NURSE
            jo_ctx.services.people.create(make_person(), jo_actor)  # a nurse writes records
            assert jo_ctx.services.auth.check_password(jo_actor, first)  # the unlock screen
            assert not jo_ctx.services.auth.check_password(jo_actor, second)
            # She changes her own password (ALTER ROLE on her own role; she cannot run the admin function).
            jo_ctx.services.auth.set_password(jo.id, second, jo_actor)
        finally:
            jo_ctx.close()
        with pytest.raises(ServerSignInError):
            db.open_as("Jo Brennan", paths, password=first)
        db.open_as("Jo Brennan", paths, password=second)[0].close()

        # Made read-only: the server itself now refuses her writes.
        auth.update_user(jo.id, ada, role=UserRole.READ_ONLY)
        with db.connect("Jo Brennan", second) as conn, pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE person SET updated_at = updated_at")
        # A reset by the administrator; then switched off: she cannot connect at all.
        auth.set_password(jo.id, third, ada)
        with pytest.raises(ServerSignInError):
            db.open_as("Jo Brennan", paths, password=second)
        db.open_as("Jo Brennan", paths, password=third)[0].close()
        auth.update_user(jo.id, ada, active=False)
        with pytest.raises(ServerSignInError, match="not right"):
            db.open_as("Jo Brennan", paths, password=third)
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            db.connect("Jo Brennan", third)
    finally:
        admin_ctx.close()


def test_passwords_outside_ascii_sign_in_as_libpq_prepares_them(
    db: ProvisionedDatabase, paths: Paths
) -> None:
    """SASLprep: the verifier made in Python matches what libpq proves, for accents, a ligature (NFKC) and a
    no-break space (mapped to a space)."""
    password = "Crème brûlée ﬁnest\u00a02026"
    admin_ctx, ada = db.open_as("ada", paths)
    try:
        admin_ctx.services.auth.add_user(
            username="siân", display_name="Siân Synthetic", role=UserRole.HCA, password=password, actor=ada
        )
    finally:
        admin_ctx.close()
    for typed in (password, "Crème brûlée finest 2026"):
        ctx, actor = db.open_as("siân", paths, password=typed)
        ctx.close()
        assert actor.role is UserRole.HCA
    with pytest.raises(ServerSignInError):
        db.open_as("siân", paths, password="Creme brulee finest 2026")


def test_connected_as_one_account_signing_in_as_another_is_refused(
    db: ProvisionedDatabase, paths: Paths
) -> None:
    ctx = open_server_context(db.address(READER), PASSWORD, paths)
    try:
        with pytest.raises(SignInError, match="not right"):
            ctx.services.auth.sign_in(NURSE, PASSWORD)
        with ctx.store.engine.connect() as conn:
            last = conn.execute(
                text("SELECT action, detail FROM audit_event ORDER BY seq DESC LIMIT 1")
            ).one()
        assert tuple(last) == ("sign_in_failed", "not this account")
        # And the administrator's powers are not had by signing in as the administrator over a reader's role.
        with pytest.raises(SignInError):
            ctx.services.auth.sign_in("ada", PASSWORD)
    finally:
        ctx.close()
