"""Two command-line faults (issue 13): a missing account password file was reported as the store's
passphrase file with the storage exit code 20, and `report --page` with a number past 64 bits crashed
(exit 70, OverflowError in the row offset). Both are bad input: the README's exit code 2, one plain line,
nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.app import open_context
from careplanner.config import resolve_paths
from tests.cli_signin import CLINICIAN, add_accounts, as_user

PASSPHRASE = b"a long synthetic passphrase"
BAD_INPUT = 2  # README: "bad input (a value that cannot be right, a missing file)"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-store")
    open_context(resolve_paths(folder / "store"), passphrase=PASSPHRASE).close()
    add_accounts(resolve_paths(folder / "store"), PASSPHRASE)
    (folder / "pass.txt").write_bytes(PASSPHRASE + b"\n")
    return folder


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = [sys.executable, "-m", "careplanner", "--data-dir", str(home / "store")]
    base += ["--passphrase-file", str(home / "pass.txt")]
    env = {**os.environ, "CAREPLANNER_HOME": str(home)}
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def _one_plain_line(stderr: str) -> str:
    assert stderr.strip().count("\n") == 0 and "Traceback" not in stderr, stderr
    return stderr.strip()


def test_a_missing_account_password_file_says_so_with_the_missing_file_code(home: Path) -> None:
    out = home / "plan.json"
    missing = home / "no-such-password-file"
    done = cli(
        home, "export", "--nhs-number", "9434765919", "--fhir", str(out), "--user", CLINICIAN,
        "--password-file", str(missing),
    )  # fmt: skip
    assert done.returncode == BAD_INPUT, done.stderr
    line = _one_plain_line(done.stderr)
    assert "account's password file" in line and "--password-file" in line
    assert "could not be read" in line and "passphrase" not in line
    assert not out.exists()


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001"])
def test_a_page_past_the_limit_is_refused_like_per_page(home: Path, page: str) -> None:
    out = home / f"report-{page}.pdf"
    done = cli(home, "report", "--out", str(out), "--page", page, *as_user(CLINICIAN, home))
    assert done.returncode == BAD_INPUT, done.stderr
    assert "Ask for a page from 1 to 1,000,000" in _one_plain_line(done.stderr)
    assert not out.exists()


def test_the_last_page_allowed_of_the_longest_lists_is_made(home: Path) -> None:
    out = home / "report-last.pdf"
    done = cli(
        home,
        "report",
        "--out",
        str(out),
        "--page",
        "1000000",
        "--per-page",
        "1000",
        *as_user(CLINICIAN, home),
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
