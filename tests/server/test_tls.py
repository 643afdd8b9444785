"""TLS to the practice server: verify-full with the practice's CA connects (and the connection is encrypted);
a certificate from another CA, an expired one, or one for another host is refused before anything is sent
(ServerCertificateError, exit 41 on the command line); no TLS at all is refused for any server that is not
on this computer, before it is contacted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from careplanner.app import open_server_context
from careplanner.cli import run
from careplanner.config import resolve_paths
from careplanner.server.accounts import login_address
from careplanner.server.connection import ServerAddress, ServerAddressError
from careplanner.server.errors import ServerCertificateError
from tests.cli_signin import PASSWORD
from tests.server_provisioned import ProvisionedDatabase, provision
from tests.server_tls import TlsCluster, start_tls_cluster


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsCluster]:
    cluster = start_tls_cluster(tmp_path_factory.mktemp("pki"))
    yield cluster
    cluster.cluster.remove()


@pytest.fixture(scope="module")
def practice(tls: TlsCluster) -> ProvisionedDatabase:
    return provision(tls.server())


@pytest.fixture(autouse=True)
def _serve_the_good_certificate_again(tls: TlsCluster) -> Iterator[None]:
    yield
    if tls.serving != "good":
        tls.serve("good")


def _open(address: ServerAddress, tmp_path: Path) -> None:
    ctx = open_server_context(login_address(address, "ada"), PASSWORD, resolve_paths(tmp_path / "ws"))
    ctx.close()


def test_verify_full_with_the_practice_ca_connects_encrypted(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    address = login_address(tls.address(practice.database), "ada")
    assert address.sslmode == "verify-full"
    ctx = open_server_context(address, PASSWORD, resolve_paths(tmp_path / "ws"))
    try:
        actor = ctx.services.auth.sign_in("ada", PASSWORD)
        assert actor.username == "ada"
        with ctx.store.engine.connect() as conn:
            row = conn.execute(
                text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).one()
        assert row[0] is True and str(row[1]).startswith("TLSv1.")
    finally:
        ctx.close()


def test_a_workstation_trusting_another_ca_refuses_the_server(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    for mode in ("verify-full", "verify-ca"):
        with pytest.raises(ServerCertificateError):
            _open(tls.address(practice.database, sslmode=mode, ca=tls.pki.other_ca_file), tmp_path)


def test_a_server_certificate_signed_by_another_ca_is_refused(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    tls.serve("stranger")
    for mode in ("verify-full", "verify-ca"):
        with pytest.raises(ServerCertificateError):
            _open(tls.address(practice.database, sslmode=mode), tmp_path)


def test_an_expired_certificate_is_refused(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    tls.serve("expired")
    for mode in ("verify-full", "verify-ca"):
        with pytest.raises(ServerCertificateError):
            _open(tls.address(practice.database, sslmode=mode), tmp_path)


def test_a_certificate_for_another_host_is_refused_by_verify_full(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    tls.serve("wrong_host")
    with pytest.raises(ServerCertificateError):
        _open(tls.address(practice.database), tmp_path)
    # The CA is right, so verify-ca (which does not check the name) connects: the name is what was refused.
    _open(tls.address(practice.database, sslmode="verify-ca"), tmp_path)


def test_the_command_line_exits_41_on_a_certificate_it_cannot_trust(
    tls: TlsCluster, practice: ProvisionedDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    base = ["--data-dir", str(tmp_path / "ws"), "--user", "ada", "--password-file", str(password_file)]
    wrong_ca = tls.address(practice.database, ca=tls.pki.other_ca_file).url()
    assert run([*base, "--server", wrong_ca, "users", "list"]) == 41
    err = capsys.readouterr().err
    assert "certificate was not accepted" in err and PASSWORD not in err
    tls.serve("expired")
    assert run([*base, "--server", tls.address(practice.database).url(), "users", "list"]) == 41
    tls.serve("good")
    assert run([*base, "--server", tls.address(practice.database).url(), "users", "list"]) == 0
    assert capsys.readouterr().out.startswith("ada\tadmin")


def test_no_tls_is_refused_for_a_server_on_another_computer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for url in (
        "postgresql://practice-server.invalid/careplanner?sslmode=disable",
        "postgresql://192.0.2.10:5432/careplanner?sslmode=disable",
    ):
        with pytest.raises(ServerAddressError, match="must be reached by TLS"):
            ServerAddress.parse(url)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    code = run(
        [
            *("--data-dir", str(tmp_path / "ws"), "--user", "ada", "--password-file", str(password_file)),
            *("--server", "postgresql://practice-server.invalid/careplanner?sslmode=disable", "check"),
        ]
    )
    assert code == 2
    assert "must be reached by TLS" in capsys.readouterr().err
    # On this computer's loopback it may be plain; anywhere, TLS with full verification is the default.
    assert ServerAddress.parse("postgresql://127.0.0.1/careplanner?sslmode=disable").sslmode == "disable"
    assert ServerAddress.parse("postgresql://practice-server.invalid/careplanner").sslmode == "verify-full"
