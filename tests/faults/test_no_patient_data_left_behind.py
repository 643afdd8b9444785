"""After a day's work - people added, an appointment, prints, exports, a backup and a crash - no name or
NHS number is found in plain text anywhere but the files the user asked for.

Searched: the data folder (including the encrypted store, its WAL and the logs), the temporary folder
the processes used, and the backup folder. The exported PDF and FHIR file hold the person's details on
purpose and are the only files allowed to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.config import resolve_paths
from tests.cli_signin import ADMIN, CLINICIAN, add_accounts, as_user
from tests.conftest import TEST_PASSPHRASE

sys.path.insert(0, str(Path(__file__).parent))
from pii_flow import PEOPLE, SECRET_PHRASE


def _needles() -> list[bytes]:
    out: list[bytes] = []
    for first, family, nhs in PEOPLE:
        for text in (first, family, nhs, nhs.replace(" ", "")):
            out += [text.encode("utf-8"), text.encode("utf-16-le")]
    out += [SECRET_PHRASE.encode("utf-8"), b"Pemberton-Synthetic"]
    return out


def _found(folder: Path, allowed: set[Path]) -> list[str]:
    hits: list[str] = []
    needles = _needles()
    for path in folder.rglob("*"):
        if path.is_file() and path.resolve() not in allowed:
            data = path.read_bytes()
            hits += [f"{path.name}: {n[:12]!r}" for n in needles if n in data]
            for needle in (n.decode("utf-8", "ignore") for n in needles[:2]):
                assert needle not in path.name
    return hits


@pytest.mark.slow
def test_names_and_nhs_numbers_stay_in_the_encrypted_store_and_the_asked_for_exports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    temp = tmp_path / "tmp"
    out = tmp_path / "exports"
    temp.mkdir()
    out.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "CAREPLANNER_HOME": str(tmp_path / "home")}
    pass_file = tmp_path / "store-pass"
    pass_file.write_bytes(TEST_PASSPHRASE)
    backup_pass = tmp_path / "backup-pass"
    backup_pass.write_bytes(b"backup passphrase for the test")

    day = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("pii_flow.py")), str(data), TEST_PASSPHRASE.decode()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert day.returncode == 1 and "unexpected problem" in day.stderr, day.stderr

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "careplanner",
                "--data-dir",
                str(data),
                "--passphrase-file",
                str(pass_file),
                "--verbose",
                *as_user(ADMIN if argv[0] == "audit" else CLINICIAN, tmp_path),
                *argv,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done

    add_accounts(resolve_paths(data), TEST_PASSPHRASE)  # the command line signs in
    nhs = PEOPLE[0][2]
    asked_for = [out / "copy.pdf", out / "bundle.json", out / "summary.pdf"]
    cli("export", "--nhs-number", nhs, "--pdf", str(asked_for[0]))
    cli("export", "--nhs-number", nhs, "--fhir", str(asked_for[1]))
    cli("export", "--nhs-number", nhs, "--clinician-summary", str(asked_for[2]))
    cli("backup", str(data / "backups" / "manual.cpbackup"), "--backup-passphrase-file", str(backup_pass))
    cli("audit", "export", "--csv", str(out / "audit.csv"))
    cli("check")

    # The exports really hold what was asked for (so the search below could find it)...
    assert nhs.replace(" ", "").encode() in asked_for[1].read_bytes()
    # ... the log really holds the crash (so the log was written where we look) ...
    log_text = "\n".join(p.read_text("utf-8") for p in (data / "logs").glob("careplanner.log*"))
    assert "ValueError (message withheld" in log_text
    assert "pii_flow.py" in log_text
    # ... and nowhere else holds a name, an NHS number or the free text in plain.
    allowed = {p.resolve() for p in asked_for}
    for folder in (data, temp, tmp_path / "home"):
        if folder.exists():
            assert _found(folder, allowed) == [], f"patient data found in {folder}"
    assert _found(out, allowed) == []
