"""The command line in a subprocess, as a practice IT person would use it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.config import resolve_paths
from tests.cli_signin import ADMIN, CLINICIAN, READER, add_accounts, as_user

PASSPHRASE = b"a long synthetic passphrase"


def cli(
    *args: str, home: Path, passphrase_file: Path | None = None, user: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = [sys.executable, "-m", "careplanner", "--data-dir", str(home / "store")]
    if passphrase_file is not None:
        base += ["--passphrase-file", str(passphrase_file)]
    if user is not None:
        base += as_user(user, home)
    env = {**os.environ, "CAREPLANNER_HOME": str(home)}
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text("a long synthetic passphrase\n")
    return path


def test_seed_then_check(tmp_path: Path, pw: Path) -> None:
    seeded = cli("seed", "--patients", "25", "--seed", "7", home=tmp_path, passphrase_file=pw)
    assert seeded.returncode == 0, seeded.stderr
    assert "Added 25 synthetic people" in seeded.stdout
    checked = cli("check", home=tmp_path, passphrase_file=pw)
    assert checked.returncode == 0, checked.stderr
    assert "people: 25" in checked.stdout and "Integrity check: ok" in checked.stdout
    assert "Audit trail: intact" in checked.stdout


def test_same_seed_same_people(tmp_path: Path, pw: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for home in (a, b):
        assert cli("seed", "--patients", "5", "--seed", "3", home=home, passphrase_file=pw).returncode == 0
    from careplanner.app import open_context
    from careplanner.config import resolve_paths

    names = []
    for home in (a, b):
        ctx = open_context(
            resolve_paths(home / "store"), passphrase=b"a long synthetic passphrase", create=False
        )
        names.append([(p.first_name, p.family_name, p.nhs_number) for p in ctx.services.people.search()])
        ctx.close()
    assert names[0] == names[1] and len(names[0]) == 5


def test_wrong_passphrase_gives_one_plain_line_and_exit_code(tmp_path: Path, pw: Path) -> None:
    assert cli("seed", "--patients", "2", home=tmp_path, passphrase_file=pw).returncode == 0
    store = tmp_path / "store" / "careplanner.db"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    bad = tmp_path / "bad.txt"
    bad.write_text("wrong")
    result = cli("check", home=tmp_path, passphrase_file=bad)
    assert result.returncode == 21
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "wrong" in result.stderr
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_bad_input_never_shows_a_traceback(tmp_path: Path, pw: Path) -> None:
    missing = cli("check", home=tmp_path, passphrase_file=tmp_path / "nope.txt")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    no_store = cli("check", home=tmp_path, passphrase_file=pw)
    assert no_store.returncode != 0 and "no store" in no_store.stderr.lower()
    bad_count = cli("seed", "--patients", "0", home=tmp_path, passphrase_file=pw)
    assert bad_count.returncode == 2 and "Traceback" not in bad_count.stderr
    unknown = cli("frobnicate", home=tmp_path, passphrase_file=pw)
    assert unknown.returncode == 2


def test_demo_store_is_made_once_and_marked(tmp_path: Path) -> None:
    first = cli("demo", "--no-window", home=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "synthetic people" in first.stdout
    again = cli("demo", "--no-window", home=tmp_path)
    assert again.stdout == first.stdout
    # The demo logs where every store logs, so the crash dialog's "see the log file" points at a file.
    assert (resolve_paths(tmp_path / "demo").log_dir / "careplanner.log").is_file()
    # The demo is known by the mark inside its encrypted file (with its public key), not by its JSON file.
    from careplanner.app import DEMO_PASSPHRASE, open_context

    ctx = open_context(resolve_paths(tmp_path / "demo"), passphrase=DEMO_PASSPHRASE, create=False)
    try:
        assert ctx.demo and ctx.store.demo_marked()
    finally:
        ctx.close()
    # Seeding the demo store needs no sign-in: it holds synthetic people only.
    pf = tmp_path / "demo-pass"
    pf.write_bytes(DEMO_PASSPHRASE)
    seeded = subprocess.run(
        [
            sys.executable,
            "-m",
            "careplanner",
            "--data-dir",
            str(tmp_path / "demo"),
            "--passphrase-file",
            str(pf),
            "seed",
            "--patients",
            "2",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CAREPLANNER_HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr


def test_seeding_a_practice_store_signs_in_and_a_read_only_account_is_refused(
    tmp_path: Path, pw: Path
) -> None:
    # A new, empty folder: seed makes the store (synthetic people only), so no one signs in.
    assert cli("seed", "--patients", "3", home=tmp_path, passphrase_file=pw).returncode == 0
    add_accounts(resolve_paths(tmp_path / "store"), PASSPHRASE)
    again = cli("seed", "--patients", "2", home=tmp_path, passphrase_file=pw)
    assert again.returncode == 6 and "--user NAME" in again.stderr and "Traceback" not in again.stderr
    refused = cli("seed", "--patients", "2", home=tmp_path, passphrase_file=pw, user=READER)
    assert refused.returncode == 4 and "read-only account cannot" in refused.stderr
    done = cli("seed", "--patients", "2", "--seed", "8", home=tmp_path, passphrase_file=pw, user=CLINICIAN)
    assert done.returncode == 0, done.stderr
    assert "people: 5" in cli("check", home=tmp_path, passphrase_file=pw).stdout
    users = cli("users", "list", home=tmp_path, passphrase_file=pw, user=ADMIN)
    assert users.returncode == 0 and "nia\tnurse" in users.stdout
