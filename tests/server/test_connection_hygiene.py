"""How a workstation reaches the practice server, hardened after an independent attack:

* a malformed address (a host list, a port out of range, stray characters) is refused as an address
  problem (exit 2), never a crash;
* away from this computer only sslmode=verify-full is accepted, and TLS connections require channel binding;
* every connection pins search_path, so an account's own ALTER ROLE … SET search_path cannot redirect it;
* `join --ca-file` refuses a pipe (which would hang) and anything that is not an ordinary, small file;
* switching an account off ends its open sessions' access at once;
* `server check` reports roles that reach the practice outside the design.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from careplanner.cli import run
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.server import joined
from careplanner.server.connection import PINNED_OPTIONS, ServerAddress, ServerAddressError
from careplanner.server.ops import server_check
from tests import server_support
from tests.conftest import make_person
from tests.server_provisioned import ProvisionedDatabase
from tests.server_tls import TlsCluster, start_tls_cluster

NURSE, LEAVER = "nia", "lee"

# ---- 1. malformed addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://127.0.0.1:5432,evil.example:5432/cp",
        "postgresql://127.0.0.1:99999/cp",
        "postgresql://host.example:0/cp",
        "postgresql://host.example:-1/cp",
        "postgresql://host.example:abc/cp",
        "postgresql://[::1/cp",
        "postgresql://host example/cp",
        "postgresql://host.example/cp\nx",
        "postgresql://host.example/c%ffp",
    ],
)
def test_a_malformed_address_is_an_address_error(url: str) -> None:
    with pytest.raises(ServerAddressError):
        ServerAddress.parse(url)


def test_a_host_list_on_the_command_line_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://127.0.0.1:5432,evil.example:5432/cp?sslmode=disable"
    code = run(["--data-dir", str(tmp_path / "d"), "--server", url, "--user", "x", "users", "list"])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(
            lambda host, port, rest: f"postgresql://{host}:{port}/{rest}",
            st.text(max_size=20),
            st.one_of(st.integers(-10, 200000).map(str), st.text(max_size=6)),
            st.text(max_size=20),
        ),
    )
)
def test_parse_raises_only_address_errors(url: str) -> None:
    try:
        address = ServerAddress.parse(url)
    except ServerAddressError:
        return
    assert 1 <= address.port <= 65535
    assert address.host and "," not in address.host
    assert ServerAddress.parse(address.url()) == address  # what is saved reads back the same


# ---- 2. TLS ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["require", "verify-ca", "disable"])
def test_only_verify_full_is_accepted_away_from_this_computer(mode: str) -> None:
    with pytest.raises(ServerAddressError) as caught:
        ServerAddress.parse(f"postgresql://practice-server.example/careplanner?sslmode={mode}")
    if mode != "disable":
        assert "verify-full" in str(caught.value) and "check" in str(caught.value)
    with pytest.raises(ServerAddressError):
        ServerAddress(host="192.0.2.10", database="careplanner", sslmode=mode)
    assert ServerAddress.parse("postgresql://practice-server.example/careplanner").sslmode == "verify-full"


def test_tls_requires_channel_binding_and_every_connection_pins_search_path() -> None:
    remote = ServerAddress.parse("postgresql://practice-server.example/careplanner?sslmode=verify-full")
    assert remote.connect_args("pw")["channel_binding"] == "require"
    assert remote.connect_args("pw")["options"] == PINNED_OPTIONS
    local = ServerAddress.parse("postgresql://127.0.0.1/careplanner?sslmode=disable")
    assert "channel_binding" not in local.connect_args("pw")
    assert local.connect_args("pw")["options"] == PINNED_OPTIONS


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsCluster]:
    cluster = start_tls_cluster(tmp_path_factory.mktemp("pki"))
    yield cluster
    cluster.cluster.remove()


def test_a_tls_server_still_connects_with_channel_binding(tls: TlsCluster, tmp_path: Path) -> None:
    from careplanner.server.accounts import login_address
    from tests.server_provisioned import provision

    practice = provision(tls.server())
    address = login_address(tls.address(practice.database), "ada")
    engine = address.engine(practice.password, pool_size=1)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar()
            assert conn.execute(text("SHOW search_path")).scalar() == "public"
        raw = engine.raw_connection()
        try:
            assert raw.driver_connection.info.get_parameters().get("channel_binding") == "require"  # type: ignore[union-attr]
        finally:
            raw.close()
    finally:
        engine.dispose()


# ---- 3. search_path --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def practice() -> Iterator[ProvisionedDatabase]:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[
            (NURSE, "Nia Nurse-Synthetic", UserRole.NURSE),
            (LEAVER, "Lee Leaver-Synthetic", UserRole.NURSE),
        ]
    )
    yield made
    made.server.drop_database(made.database)


def test_an_account_setting_its_own_search_path_cannot_redirect_the_app(
    practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    with practice.connect(NURSE) as conn:
        conn.execute(f'ALTER ROLE "{practice.role(NURSE)}" SET search_path = evil')
    try:
        with practice.connect(NURSE) as raw:  # a plain connection takes the role's setting
            assert raw.execute("SHOW search_path").fetchone() == ("evil",)
        ctx, nurse = practice.open_as(NURSE, resolve_paths(tmp_path / "ws"))
        try:
            person = ctx.services.people.create(make_person(), nurse)
            assert ctx.services.people.get(person.id).id == person.id
            with ctx.store.engine.connect() as conn:
                assert conn.execute(text("SHOW search_path")).scalar() == "public"
        finally:
            ctx.close()
    finally:
        with practice.connect(NURSE) as conn:
            conn.execute(f'ALTER ROLE "{practice.role(NURSE)}" RESET search_path')


# ---- 4. the CA file ------------------------------------------------------------------------------------


def test_a_fifo_as_the_ca_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    outcome: list[BaseException | str] = []

    def read() -> None:
        try:
            outcome.append(joined.read_ca_file(fifo))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # free the blocked reader so the run can end, then fail
        with open(fifo, "wb"):
            pass
        worker.join(5)
        pytest.fail("reading a FIFO as the CA file hung")
    assert len(outcome) == 1 and isinstance(outcome[0], joined.CertificateFileError)
    assert "ordinary file" in str(outcome[0])


def test_a_folder_or_a_huge_file_as_the_ca_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(joined.CertificateFileError, match="ordinary file"):
        joined.read_ca_file(tmp_path)
    huge = tmp_path / "huge.pem"
    with open(huge, "wb") as handle:
        handle.truncate(joined.MAX_CA_BYTES + 1)
    with pytest.raises(joined.CertificateFileError, match="too long"):
        joined.read_ca_file(huge)


# ---- 5. switching an account off -----------------------------------------------------------------------


def test_switching_an_account_off_cuts_its_open_session(
    practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    with practice.connect(LEAVER) as open_session:
        assert open_session.execute("SELECT count(*) FROM person").fetchone() is not None
        ctx, admin = practice.open_as(practice.admin, resolve_paths(tmp_path / "admin"))
        try:
            leaver = ctx.services.users.by_username(LEAVER)
            assert leaver is not None
            ctx.services.auth.update_user(leaver.id, admin, active=False)
        finally:
            ctx.close()
        with pytest.raises(psycopg.Error):
            open_session.execute("SELECT count(*) FROM person").fetchone()
    with pytest.raises(psycopg.OperationalError):
        practice.connect(LEAVER)
    owner = practice.owner_engine()
    try:
        with owner.connect() as conn:
            groups = conn.execute(
                text(
                    "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                    "WHERE r.rolname = :r"
                ),
                {"r": practice.role(LEAVER)},
            ).scalar()
        assert groups == 0
    finally:
        owner.dispose()
    # Switched on again, the account signs in and reads as before.
    ctx, admin = practice.open_as(practice.admin, resolve_paths(tmp_path / "admin2"))
    try:
        leaver = ctx.services.users.by_username(LEAVER)
        assert leaver is not None
        ctx.services.auth.update_user(leaver.id, admin, active=True)
    finally:
        ctx.close()
    with practice.connect(LEAVER) as again:
        assert again.execute("SELECT count(*) FROM person").fetchone() is not None


# ---- 6. server check: roles outside the design ----------------------------------------------------------


def test_server_check_reports_roles_outside_the_design(practice: ProvisionedDatabase) -> None:
    extra, stray, orphan = (f"{practice.database}_{n}" for n in ("creator", "stray", "orphan"))
    orphan_login = f"{practice.database}.ghost"
    admin = practice.server.admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{extra}" CREATEROLE'))
            conn.execute(text(f'CREATE ROLE "{stray}" LOGIN'))
            conn.execute(text(f'GRANT "{practice.database}_reader" TO "{stray}"'))
            conn.execute(text(f'CREATE ROLE "{orphan_login}" LOGIN'))
        report = server_check(practice.owner_address(), practice.owner_password, max_backup_age_hours=1e9)
        said = "\n".join(report.lines + report.problems)
        assert extra in said and "CREATEROLE" in said
        assert any(stray in p and "groups" in p for p in report.problems)
        assert any("have no app account" in p for p in report.problems)
        assert orphan_login not in said  # an account-shaped name could be a person's: counted, not named
    finally:
        with admin.connect() as conn:
            for name in (extra, stray, orphan, orphan_login):
                conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()
