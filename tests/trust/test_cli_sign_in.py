"""The command line signs in, its roles are the app's, and the audit trail names who ran each command.

The attack (reliability report, finding 4): with only the store key, a read-only member of staff could
import, export and restore, and every change was recorded as the first clinician's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from careplanner.app import AppContext, open_context
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services.audit import Action, AuditEntry
from careplanner.services.users import Actor
from tests.cli_signin import ADMIN, CLINICIAN, READER, add_accounts, as_user, signed_in
from tests.conftest import TEST_PASSPHRASE
from tests.trust.helpers import person_with_agreed_plan

NHS = "943 476 5919"
BACKUP_PASS = "a backup passphrase for the tests"


@pytest.fixture
def store(ctx: AppContext, actor: Actor, paths: Paths) -> Paths:
    person_with_agreed_plan(ctx, actor, "Walking to the shops", nhs_number=NHS)
    ctx.close()
    add_accounts(paths)
    return paths


def _run(paths: Paths, tmp_path: Path, user: str, *argv: str) -> int:
    return run(signed_in(paths, tmp_path, *argv, user=user))


def _entries(paths: Paths, action: str) -> list[AuditEntry]:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        return ctx.services.audit.entries(action=action)
    finally:
        ctx.close()


def _user_id(paths: Paths, username: str) -> str:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        found = ctx.services.users.by_username(username)
        assert found is not None
        return found.id
    finally:
        ctx.close()


def _people(paths: Paths) -> int:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        return ctx.store.counts()["people"]
    finally:
        ctx.close()


def _backup_pass(tmp_path: Path) -> Path:
    bp = tmp_path / "backup-pass"
    bp.write_text(BACKUP_PASS)
    return bp


def test_without_signing_in_patient_data_commands_are_refused(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    base = ["--data-dir", str(store.data_dir), "--passphrase-file", str(pf)]
    out = tmp_path / "copy.pdf"
    for argv in (
        ["export", "--nhs-number", NHS, "--pdf", str(out)],
        ["report", "--out", str(out)],
        ["audit", "export", "--csv", str(tmp_path / "a.csv")],
        ["users", "list"],
        ["seed", "--patients", "2"],
        ["backup", str(tmp_path / "b.cpbackup"), "--backup-passphrase-file", str(_backup_pass(tmp_path))],
    ):
        assert run([*base, *argv]) == 6, argv
        assert "--user NAME" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "a.csv").exists() and not (tmp_path / "b.cpbackup").exists()
    assert _people(store) == 1


def test_a_wrong_password_is_refused_and_recorded(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password at all")
    out = tmp_path / "copy.pdf"
    code = run(
        [
            "--data-dir",
            str(store.data_dir),
            "--passphrase-file",
            str(pf),
            "--user",
            CLINICIAN,
            "--password-file",
            str(wrong),
            "export",
            "--nhs-number",
            NHS,
            "--pdf",
            str(out),
        ]
    )
    assert code == 6
    assert "user name or password is not right" in capsys.readouterr().err
    assert not out.exists()
    failed = _entries(store, Action.SIGN_IN_FAILED)
    assert [e.user_id for e in failed] == [_user_id(store, CLINICIAN)]
    assert _entries(store, Action.PRINTED) == []


def test_a_read_only_account_cannot_import_or_seed(store: Paths, tmp_path: Path) -> None:
    bundle = tmp_path / "plan.json"
    assert _run(store, tmp_path, READER, "export", "--nhs-number", NHS, "--fhir", str(bundle)) == 0
    other = tmp_path / "other.json"
    other.write_text(bundle.read_text().replace("9434765919", "9434765927"), encoding="utf-8")
    assert _run(store, tmp_path, READER, "import", str(other)) == 4
    assert _run(store, tmp_path, READER, "seed", "--patients", "2") == 4
    assert _people(store) == 1
    assert _entries(store, Action.IMPORTED) == []
    # A clinician may do both.
    assert _run(store, tmp_path, CLINICIAN, "import", str(other)) == 0
    assert _people(store) == 2


def test_a_clinician_cannot_restore_rekey_export_the_audit_or_manage_accounts(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bp = _backup_pass(tmp_path)
    backup = tmp_path / "b.cpbackup"
    assert _run(store, tmp_path, CLINICIAN, "backup", str(backup), "--backup-passphrase-file", str(bp)) == 0
    info_before = store.store_info_file.read_bytes()
    capsys.readouterr()
    assert _run(store, tmp_path, CLINICIAN, "restore", str(backup), "--backup-passphrase-file", str(bp)) == 4
    assert "cannot do this" in capsys.readouterr().err
    assert not list(store.backup_dir.glob("before-restore-*"))  # nothing was swapped
    assert _entries(store, Action.RESTORE) == []
    new = tmp_path / "new-pass"
    new.write_text("a brand new store passphrase")
    assert _run(store, tmp_path, CLINICIAN, "rekey", "--new-passphrase-file", str(new)) == 4
    assert store.store_info_file.read_bytes() == info_before
    assert _run(store, tmp_path, CLINICIAN, "audit", "export", "--csv", str(tmp_path / "a.csv")) == 4
    assert not (tmp_path / "a.csv").exists()
    assert _run(store, tmp_path, CLINICIAN, "users", "list") == 4
    read_only_backup = ["backup", str(tmp_path / "r.cpbackup"), "--backup-passphrase-file", str(bp)]
    assert _run(store, tmp_path, READER, *read_only_backup) == 4


def test_the_audit_trail_names_the_signed_in_user(store: Paths, tmp_path: Path) -> None:
    nia, ada = _user_id(store, CLINICIAN), _user_id(store, ADMIN)
    copy = str(tmp_path / "c.pdf")
    assert _run(store, tmp_path, CLINICIAN, "export", "--nhs-number", NHS, "--pdf", copy) == 0
    assert [e.user_id for e in _entries(store, Action.PRINTED)] == [nia]
    bp = _backup_pass(tmp_path)
    backup = tmp_path / "b.cpbackup"
    assert _run(store, tmp_path, CLINICIAN, "backup", str(backup), "--backup-passphrase-file", str(bp)) == 0
    assert [e.user_id for e in _entries(store, Action.BACKUP)] == [nia]
    assert _run(store, tmp_path, ADMIN, "restore", str(backup), "--backup-passphrase-file", str(bp)) == 0
    assert [e.user_id for e in _entries(store, Action.RESTORE)] == [ada]
    assert _run(store, tmp_path, ADMIN, "audit", "export", "--csv", str(tmp_path / "a.csv")) == 0
    assert ada in (tmp_path / "a.csv").read_text(encoding="utf-8")


def test_users_are_added_by_a_signed_in_administrator(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    new_pw = tmp_path / "new-pw"
    new_pw.write_text("a good long password for Bea")
    base = ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf)]
    # The first administrator of a new store needs no one to sign in (and makes the store).
    first = ["users", "add", ADMIN, "--name", "Ada Admin", "--role", "admin"]
    assert run([*base, *first, "--new-password-file", str(new_pw)]) == 0
    add_bea = ["users", "add", "bea", "--name", "Bea", "--role", "gp", "--new-password-file", str(new_pw)]
    assert run([*base, *add_bea]) == 6  # after that, an administrator signs in
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password at all")
    assert run([*base, "--user", ADMIN, "--password-file", str(wrong), *add_bea]) == 6
    ok = [*base, "--user", ADMIN, "--password-file", str(new_pw), *add_bea]
    assert run(ok) == 0
    # Sign-in options may also come after the command.
    capsys.readouterr()
    assert run([*base, "users", "list", "--user", ADMIN, "--password-file", str(new_pw)]) == 0
    listed = capsys.readouterr().out
    assert "ada\tadmin" in listed and "bea\tgp" in listed
    # A GP cannot add accounts.
    add_cy = ["users", "add", "cy", "--name", "Cy", "--role", "nurse", "--new-password-file", str(new_pw)]
    assert run([*base, "--user", "bea", "--password-file", str(new_pw), *add_cy]) == 4


def test_the_demo_store_needs_no_sign_in(tmp_path: Path) -> None:
    from careplanner.app import DEMO_PASSPHRASE, open_demo
    from careplanner.config import demo_paths

    open_demo(seed_people=2).close()
    pf = tmp_path / "demo-pass"
    pf.write_bytes(DEMO_PASSPHRASE)
    base = ["--data-dir", str(demo_paths().data_dir), "--passphrase-file", str(pf)]
    assert run([*base, "seed", "--patients", "2", "--seed", "9"]) == 0
    assert run([*base, "report", "--out", str(tmp_path / "report.pdf")]) == 0


def test_a_real_store_claiming_to_be_the_demo_in_its_json_still_needs_sign_in(
    store: Paths, tmp_path: Path
) -> None:
    text = store.store_info_file.read_text(encoding="utf-8").replace('"demo": false', '"demo": true')
    store.store_info_file.write_text(text, encoding="utf-8")
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    base = ["--data-dir", str(store.data_dir), "--passphrase-file", str(pf)]
    assert run([*base, "seed", "--patients", "2"]) == 6
    assert run([*base, *as_user(CLINICIAN, tmp_path), "seed", "--patients", "2"]) == 0
