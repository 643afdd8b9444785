"""Joining a workstation to the practice server, on the command line (a subprocess) with a real keyring.

`careplanner join` checks the server can be reached and the person can sign in, then keeps the address
(without any password) and the practice CA in the OS keyring, never in a plain file; `join --show` prints
it; `leave` forgets it. A joined workstation's commands read the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from careplanner.config import Paths, resolve_paths
from careplanner.server import joined, workstation
from careplanner.server.cluster import free_port
from careplanner.store import keys
from tests import server_support
from tests.cli_signin import CLINICIAN, PASSWORD, as_user
from tests.server.join_support import TlsServer, plain_url, provision, start_tls_server

pytestmark = pytest.mark.keyring


@pytest.fixture(autouse=True)
def _need_secret_service() -> None:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")


@pytest.fixture
def practice_url(tmp_path: Path) -> Iterator[str]:
    """A provisioned practice database on the run's cluster; yields the address a practice would give."""
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path / "provisioning"))
    yield plain_url(server.address(database))
    server.drop_database(database)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    server = start_tls_server(tmp_path_factory.mktemp("tls"))
    provision(server.superuser(), resolve_paths(tmp_path_factory.mktemp("tls-provisioning")))
    yield server
    server.cluster.remove()


def cli(workstation_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = [sys.executable, "-m", "careplanner", "--data-dir", str(workstation_dir)]
    env = {**os.environ, "CAREPLANNER_HOME": str(workstation_dir.parent / "home")}
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def files_text(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def ws_paths(folder: Path) -> Paths:
    return resolve_paths(folder)


def test_join_show_and_leave_keep_the_address_in_the_keyring_only(tmp_path: Path, practice_url: str) -> None:
    ws = tmp_path / "workstation"
    joined_run = cli(ws, "join", "--url", practice_url, *as_user(CLINICIAN, tmp_path))
    assert joined_run.returncode == 0, joined_run.stderr
    assert "now uses the practice server" in joined_run.stdout
    entry = str(ws_paths(ws).data_dir)
    saved = keyring.get_password(joined.KEYRING_SERVICE, entry)
    assert saved is not None and practice_url.split("?")[0].split("//")[1] in saved
    assert PASSWORD not in saved
    # Nothing in a plain file: the marker says only "in the keyring"; no address, no password.
    on_disk = files_text(ws)
    host_port_db = practice_url.split("//")[1].split("?")[0]
    assert (ws / joined.MARKER_FILENAME).is_file()
    assert host_port_db not in on_disk and PASSWORD not in on_disk

    shown = cli(ws, "join", "--show")
    assert shown.returncode == 0 and shown.stdout.strip() == practice_url
    assert PASSWORD not in shown.stdout

    left = cli(ws, "leave")
    assert left.returncode == 0 and "left the practice server" in left.stdout
    assert keyring.get_password(joined.KEYRING_SERVICE, entry) is None
    assert not (ws / joined.MARKER_FILENAME).exists()
    again = cli(ws, "join", "--show")
    assert again.returncode == 0 and "has not joined" in again.stdout


def test_a_wrong_password_joins_nothing(tmp_path: Path, practice_url: str) -> None:
    ws = tmp_path / "workstation"
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not the synthetic password\n")
    run = cli(ws, "join", "--url", practice_url, "--user", CLINICIAN, "--password-file", str(wrong))
    assert run.returncode == 6, run.stderr
    assert "Traceback" not in run.stderr and "not right" in run.stderr
    assert keyring.get_password(joined.KEYRING_SERVICE, str(ws_paths(ws).data_dir)) is None
    assert not (ws / joined.MARKER_FILENAME).exists()


def test_an_unreachable_server_is_said_plainly_and_nothing_is_saved(tmp_path: Path) -> None:
    ws = tmp_path / "workstation"
    url = f"postgresql://127.0.0.1:{free_port()}/careplanner?sslmode=disable"
    run = cli(ws, "join", "--url", url, *as_user(CLINICIAN, tmp_path))
    assert run.returncode == 40, run.stderr
    assert "cannot be reached" in run.stderr and "Traceback" not in run.stderr
    assert not (ws / joined.MARKER_FILENAME).exists()


def test_join_over_tls_keeps_the_practice_ca_and_connects_with_it(tmp_path: Path, tls: TlsServer) -> None:
    ws = tmp_path / "workstation"
    run = cli(ws, "join", "--url", tls.url(), "--ca-file", str(tls.ca_file), *as_user(CLINICIAN, tmp_path))
    assert run.returncode == 0, run.stderr
    assert "Practice CA certificate (SHA-256):" in run.stdout
    paths = ws_paths(ws)
    saved = joined.load(paths)
    assert saved is not None and saved.address.sslmode == "verify-full"
    assert saved.ca_pem == joined.check_ca_pem(tls.ca_file.read_text())
    assert "BEGIN CERTIFICATE" not in files_text(ws)  # the CA is in the keyring, not beside the store
    # The saved settings reach the server by verify-full with the CA from the keyring, as the person.
    ctx, actor = workstation.open_signed_in(joined.connect_address(saved), CLINICIAN, PASSWORD, paths)
    try:
        assert actor.username == CLINICIAN
        assert ctx.on_server and ctx.store.counts()["people"] == 2
    finally:
        ctx.close()
    shown = cli(ws, "join", "--show")
    assert f"127.0.0.1:{tls.cluster.port}/practice?sslmode=verify-full" in shown.stdout
    assert saved.ca_fingerprint is not None and saved.ca_fingerprint in shown.stdout
    assert cli(ws, "leave").returncode == 0
    assert joined.load(paths) is None


def test_verify_full_needs_the_practice_ca(tmp_path: Path, tls: TlsServer) -> None:
    ws = tmp_path / "workstation"
    run = cli(ws, "join", "--url", tls.url(), *as_user(CLINICIAN, tmp_path))
    assert run.returncode == 2 and "practice CA certificate" in run.stderr
    assert not (ws / joined.MARKER_FILENAME).exists()


def test_a_server_certificate_from_another_ca_is_refused(tmp_path: Path, tls: TlsServer) -> None:
    from tests.server.join_support import make_ca

    other_ca, _crt, _key = make_ca(tmp_path / "other-ca")
    ws = tmp_path / "workstation"
    run = cli(ws, "join", "--url", tls.url(), "--ca-file", str(other_ca), *as_user(CLINICIAN, tmp_path))
    assert run.returncode == 41, run.stderr
    assert "certificate was not accepted" in run.stderr and "Traceback" not in run.stderr
    assert not (ws / joined.MARKER_FILENAME).exists()


def test_a_file_that_is_not_a_certificate_is_refused(tmp_path: Path, tls: TlsServer) -> None:
    not_a_cert = tmp_path / "notes.pem"
    not_a_cert.write_text("synthetic notes, not a certificate\n")
    run = cli(
        tmp_path / "ws",
        "join",
        "--url",
        tls.url(),
        "--ca-file",
        str(not_a_cert),
        *as_user(CLINICIAN, tmp_path),
    )
    assert run.returncode == 2 and "not a certificate" in run.stderr


def test_a_joined_workstation_that_lost_its_keyring_settings_never_falls_back_to_its_own_store(
    tmp_path: Path, practice_url: str
) -> None:
    ws = tmp_path / "workstation"
    assert cli(ws, "join", "--url", practice_url, *as_user(CLINICIAN, tmp_path)).returncode == 0
    keyring.delete_password(joined.KEYRING_SERVICE, str(ws_paths(ws).data_dir))
    run = cli(ws, *as_user(CLINICIAN, tmp_path), "report", "--out", str(tmp_path / "report.pdf"))
    assert run.returncode == 22, run.stderr
    assert "no longer in this computer's keyring" in run.stderr
    assert not (ws / "careplanner.db").exists()  # no local store was made in its place
    assert cli(ws, "leave").returncode == 0


def test_a_workstation_that_never_joined_runs_as_before_without_any_keyring(tmp_path: Path) -> None:
    """Nothing changes for a workstation that never joined: with no usable keyring at all, it still runs."""
    ws = tmp_path / "workstation"
    pw = tmp_path / "passphrase"
    pw.write_text("a long synthetic passphrase for this test\n")
    env = {
        **os.environ,
        "CAREPLANNER_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    base = [sys.executable, "-m", "careplanner", "--data-dir", str(ws), "--passphrase-file", str(pw)]
    for argv in (["seed", "--patients", "3", "--seed", "7"], ["check"]):
        run = subprocess.run(
            [*base, *argv], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert run.returncode == 0, run.stderr
    assert "people: 3" in run.stdout  # this computer's own store, as before


def test_a_joined_workstations_commands_read_the_server(tmp_path: Path, practice_url: str) -> None:
    ws = tmp_path / "workstation"
    assert cli(ws, "join", "--url", practice_url, *as_user(CLINICIAN, tmp_path)).returncode == 0
    letter = tmp_path / "out" / "letter.pdf"
    letter.parent.mkdir()
    run = cli(
        ws, *as_user(CLINICIAN, tmp_path), "export", "--nhs-number", "9993395633", "--letter", str(letter)
    )
    assert run.returncode == 0, run.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(letter), "-"], capture_output=True, text=True)
    assert "Hostley-Synthetic" in text.stdout  # a person only the server holds
    report = tmp_path / "out" / "report.pdf"
    run = cli(ws, *as_user(CLINICIAN, tmp_path), "report", "--out", str(report))
    assert run.returncode == 0, run.stderr
    assert report.stat().st_size > 0
    assert not (ws / "careplanner.db").exists()  # read from the server: no local store was made
    assert cli(ws, "leave").returncode == 0


def test_joining_a_workstation_with_its_own_store_says_its_records_are_not_on_the_server(
    tmp_path: Path, practice_url: str
) -> None:
    ws = tmp_path / "workstation"
    pw = tmp_path / "passphrase"
    pw.write_text("a long synthetic passphrase for this test\n")
    seeded = cli(ws, "--passphrase-file", str(pw), "seed", "--patients", "3", "--seed", "7")
    assert seeded.returncode == 0, seeded.stderr
    run = cli(ws, "join", "--url", practice_url, *as_user(CLINICIAN, tmp_path))
    assert run.returncode == 0, run.stderr
    assert "also has its own store" in run.stderr and "server import-store" in run.stderr
    checked = cli(ws, *as_user(CLINICIAN, tmp_path), "check")
    assert checked.returncode == 0, checked.stderr
    assert "people: 2" in checked.stdout  # the server's two, not this computer's three
    assert cli(ws, "leave").returncode == 0
