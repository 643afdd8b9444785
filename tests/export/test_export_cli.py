"""`careplanner export / import / report` in a subprocess: files out, one plain line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from careplanner.app import open_context
from careplanner.config import resolve_paths
from careplanner.services.people import PeopleService
from tests.cli_signin import CLINICIAN, add_accounts, as_user
from tests.export.conftest import pdf_text, store_plan

PASS = b"a long synthetic passphrase"


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = [
        sys.executable,
        "-m",
        "careplanner",
        "--data-dir",
        str(home / "store"),
        "--passphrase-file",
        str(home / "pass.txt"),
        *as_user(CLINICIAN, home),
    ]
    env = {**os.environ, "CAREPLANNER_HOME": str(home)}
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "pass.txt").write_bytes(PASS)
    ctx = open_context(resolve_paths(tmp_path / "store"), passphrase=PASS)
    try:
        store_plan(ctx, ctx.services.users.ensure_first_clinician(), large_print=True)
    finally:
        ctx.close()
    add_accounts(resolve_paths(tmp_path / "store"), PASS)
    return tmp_path


def test_export_pdf_fhir_report_and_import(home: Path, tmp_path: Path) -> None:
    done = cli(home, "export", "--nhs-number", "999 000 1235", "--pdf", str(home / "copy.pdf"))
    assert done.returncode == 0, done.stderr
    assert "Siobhán Nguyễn" in pdf_text((home / "copy.pdf").read_bytes(), tmp_path)
    done = cli(home, "export", "--nhs-number", "9990001235", "--fhir", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    Bundle.model_validate(json.loads((home / "plan.json").read_text("utf-8")))
    done = cli(home, "report", "--out", str(home / "report.pdf"))
    assert done.returncode == 0, done.stderr
    assert "Plans agreed per month" in pdf_text((home / "report.pdf").read_bytes(), tmp_path)
    # The store's own agreed version sent back is recognised: nothing is written (issue 13).
    done = cli(home, "import", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    assert "This version of the plan is already held here: the plan was not changed." in done.stdout
    assert "The person's details were not changed." in done.stdout


def test_import_refuses_someone_else_and_asks_before_changing_details(home: Path) -> None:
    done = cli(home, "export", "--nhs-number", "9990001235", "--fhir", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    bundle = json.loads((home / "plan.json").read_text("utf-8"))
    patient = bundle["entry"][0]["resource"]
    patient.update(birthDate="1948-01-01", gender="male")
    patient["name"] = [{"use": "official", "family": "Smythe-Synthetic", "given": ["Rachel"]}]
    (home / "other.json").write_text(json.dumps(bundle), "utf-8")
    done = cli(home, "import", "--update-details", str(home / "other.json"))
    assert done.returncode == 10
    assert done.stderr.strip() == (
        "careplanner: This record's NHS number belongs to a different person in this store "
        "(date of birth and family name differ). Nothing was imported. "
        "Check the record is for the right person."
    )

    patient.update(birthDate="1944-06-02", gender="female")
    patient["name"] = [{"use": "official", "family": "NGUYEN", "given": ["Siobhan"], "prefix": ["Mrs"]}]
    (home / "changed.json").write_text(json.dumps(bundle), "utf-8")
    done = cli(home, "import", str(home / "changed.json"))
    assert done.returncode == 11
    assert "would change the person's details: first name, family name (spelling)." in done.stderr
    assert "Siobhan" not in done.stderr
    done = cli(home, "import", "--update-details", str(home / "changed.json"))
    assert done.returncode == 0, done.stderr
    assert "Updated the person's details: first name, family name (spelling)." in done.stdout
    ctx = open_context(resolve_paths(home / "store"), passphrase=PASS, create=False)
    try:
        person = PeopleService(ctx.store.sessions).by_nhs_number("9990001235").details
        assert (person.first_name, person.family_name) == ("Siobhan", "NGUYEN")
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["export", "--nhs-number", "123", "--pdf", "x.pdf"], 2, "This NHS number is not valid"),
        (["export", "--nhs-number", "9434765919", "--fhir", "x.json"], 3, "No one with that NHS number"),
        (["import", "missing.json"], 2, "No such file or directory"),
        (["import", "broken.json"], 2, "is not valid JSON"),
        (["import", "patient.json"], 2, "resourceType: must be Bundle"),
        (["report", "--out", "r.pdf", "--due-within", "0"], 2, "--due-within must be between"),
    ],
)
def test_bad_input_gives_one_plain_line(
    home: Path, args: list[str], code: int, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "broken.json").write_text("{", "utf-8")
    (home / "patient.json").write_text('{"resourceType": "Patient"}', "utf-8")
    monkeypatch.chdir(home)
    done = cli(home, *args)
    assert done.returncode == code
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in done.stderr


def test_refused_import_leaves_the_store_alone(home: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "birthDate": "1950",
                    "name": [{"family": "Synthetic", "given": ["Ngozi"]}],
                }
            }
        ],
    }
    (home / "bad.json").write_text(json.dumps(bundle), "utf-8")
    done = cli(home, "import", str(home / "bad.json"))
    assert done.returncode == 2 and "birthDate" in done.stderr
    ctx = open_context(resolve_paths(home / "store"), passphrase=PASS, create=False)
    try:
        assert PeopleService(ctx.store.sessions).count() == 1
    finally:
        ctx.close()
