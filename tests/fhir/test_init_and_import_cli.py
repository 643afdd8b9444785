"""`careplanner init` makes a new practice store from the command line, a record imports into it, a refused
import writes nothing at all (on a new store too), and `import --preview` shows what would happen.

Field report (FHIR evaluation, F14 and F17): no command could make an empty store to import into, and a
refused import on a new store still wrote (an account and an audit entry) while saying nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careplanner.app import open_context
from careplanner.cli import run
from careplanner.config import Paths, resolve_paths
from careplanner.services.audit import Action
from tests.cli_signin import PASSWORD, password_file
from tests.conftest import TEST_PASSPHRASE
from tests.fhir.gpconnect import FIXTURES, example


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _base(paths: Paths, tmp_path: Path) -> list[str]:
    pf = tmp_path / "store-passphrase"
    pf.write_bytes(TEST_PASSPHRASE)
    return ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf)]


def _init(paths: Paths, tmp_path: Path) -> int:
    return run(
        [
            *_base(paths, tmp_path),
            "init",
            "--admin",
            "ada",
            "--name",
            "Ada Admin-Synthetic",
            "--new-password-file",
            str(password_file(tmp_path)),
        ]
    )


def _as(user: str, tmp_path: Path) -> list[str]:
    return ["--user", user, "--password-file", str(password_file(tmp_path))]


@pytest.fixture
def practice(tmp_path: Path) -> Paths:
    """A new store made by `init`, with a nurse added by its administrator (all on the command line)."""
    paths = resolve_paths(tmp_path / "practice")
    assert _init(paths, tmp_path) == 0
    added = run(
        [
            *_base(paths, tmp_path),
            *_as("ada", tmp_path),
            "users",
            "add",
            "nia",
            "--name",
            "Nia Nurse-Synthetic",
            "--role",
            "nurse",
            "--new-password-file",
            str(password_file(tmp_path)),
        ]
    )
    assert added == 0
    return paths


def test_init_makes_an_empty_store_with_its_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = resolve_paths(tmp_path / "new")
    assert _init(paths, tmp_path) == 0
    assert "with its administrator ada" in capsys.readouterr().out
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        assert [(u.username, u.role.value) for u in ctx.services.users.list()] == [("ada", "admin")]
        assert ctx.services.people.search("") == []
        assert [e.action for e in ctx.services.audit.entries()] == [Action.USER_CREATED]
        assert ctx.services.auth.sign_in("ada", PASSWORD).username == "ada"
    finally:
        ctx.close()


def test_init_refuses_a_folder_that_already_has_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = resolve_paths(tmp_path / "new")
    assert _init(paths, tmp_path) == 0
    before = _snapshot(paths.data_dir)
    assert _init(paths, tmp_path) == 12
    assert "already has a store" in capsys.readouterr().err
    assert _snapshot(paths.data_dir) == before


@pytest.mark.parametrize("problem", ["easy password", "no password file", "bad user name"])
def test_init_checks_everything_before_making_anything(
    tmp_path: Path, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = resolve_paths(tmp_path / "new")
    secret = tmp_path / "admin-password"
    secret.write_text("password1234" if problem == "easy password" else PASSWORD, "utf-8")
    if problem == "no password file":
        secret.unlink()
    admin = "   " if problem == "bad user name" else "ada"
    argv = ["init", "--admin", admin, "--name", "Ada Admin-Synthetic", "--new-password-file", str(secret)]
    # A missing file is the same refusal as for every secret read from a file (exit 20, its message).
    assert run([*_base(paths, tmp_path), *argv]) == (20 if problem == "no password file" else 2)
    assert "Traceback" not in capsys.readouterr().err
    assert not paths.data_dir.exists()  # not even an empty folder or a log


def test_a_new_practice_store_takes_a_gp_connect_record(
    practice: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "gp-record.json"
    record.write_text(json.dumps(example("meds_response")), "utf-8")
    capsys.readouterr()
    assert run([*_base(practice, tmp_path), *_as("nia", tmp_path), "import", str(record)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Added a new person and filled in their draft plan's medical review (1 medicines), "
        "from a GP Connect (FHIR STU3) record."
    )
    assert "Not imported (2):" in out
    # The three Medication resources are read with the medicines; the rest are listed by kind.
    assert out[-1] == (
        "Not read (10, kinds Care Planner does not read): 1 List, 6 MedicationRequest, 1 Organization, "
        "1 Practitioner, 1 PractitionerRole."
    )


@pytest.mark.parametrize(
    "case", ["unknown resource type", "placeholder NHS number", "broken JSON", "two patients"]
)
def test_a_refused_import_on_a_new_store_writes_nothing_at_all(
    practice: Paths, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "record.json"
    if case == "broken JSON":
        record.write_text('{"resourceType": "Bundle", ', "utf-8")
    elif case == "placeholder NHS number":
        record.write_bytes((FIXTURES / "meds_response.json").read_bytes())
    else:
        data = example("meds_response")
        extra = (
            {"resourceType": "Foo"} if case == "unknown resource type" else dict(data["entry"][0]["resource"])
        )
        if case == "two patients":
            extra["id"] = "another"
        data["entry"].append({"resource": extra})
        record.write_text(json.dumps(data), "utf-8")
    before = _snapshot(practice.data_dir)
    assert run([*_base(practice, tmp_path), *_as("nia", tmp_path), "import", str(record)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err or "not valid JSON" in err
    assert _snapshot(practice.data_dir) == before  # no sign-in entry, no account, no log line


def test_preview_on_the_command_line_lists_each_entry_and_imports_nothing(
    practice: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "gp-record.json"
    record.write_text(json.dumps(example("meds_response")), "utf-8")
    capsys.readouterr()
    for flag in ("--preview", "--dry-run"):
        assert run([*_base(practice, tmp_path), *_as("nia", tmp_path), "import", flag, str(record)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert (
            out[0] == "Preview of a GP Connect (FHIR STU3) record for a new person. Nothing has been changed."
        )
        assert "  Bundle.entry[7] (MedicationStatement): add a current medicine (dm+d coded)" in out
        assert (
            "  Bundle.entry[5] (MedicationStatement): skip: a past medicine (status completed): "
            "only current medicines come in"
        ) in out
        assert out[-1] == "Would add 1, update 0, skip 2; nothing in the draft would be removed."
        assert not any("Aspirin" in line or "Jackson" in line for line in out)  # no patient details printed
    ctx = open_context(practice, passphrase=TEST_PASSPHRASE, create=False)
    try:
        assert ctx.services.people.search("") == []
        assert not [e for e in ctx.services.audit.entries() if e.action == Action.IMPORTED]
    finally:
        ctx.close()
