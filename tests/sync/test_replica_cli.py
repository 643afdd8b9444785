"""A workstation joined in replica mode, driven through the command line in subprocesses, against a
practice server set up as `careplanner server init` sets one up (each person their own login role), with
the network between them cut and restored by a Python TCP proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from careplanner.config import resolve_paths
from careplanner.store import keys
from tests import server_support
from tests.cli_signin import CLINICIAN, READER, as_user
from tests.server.join_support import provision
from tests.sync_support.proxy import Proxy

pytestmark = pytest.mark.keyring


@pytest.fixture(autouse=True)
def _need_secret_service() -> None:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")


@dataclass
class Served:
    url: str  # through the proxy
    proxy: Proxy
    database: str

    def people(self) -> int:
        server = server_support.test_server()
        engine = create_engine(server_support.sa_url(server.cluster.url(self.database)))
        try:
            with engine.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM person")).scalar() or 0)
        finally:
            engine.dispose()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path / "provisioning"))
    with Proxy(("127.0.0.1", server.cluster.port)) as proxy:
        yield Served(f"postgresql://127.0.0.1:{proxy.port}/{database}?sslmode=disable", proxy, database)
    server.drop_database(database)


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = [sys.executable, "-m", "careplanner", "--data-dir", str(ws)]
    env = {**os.environ, "CAREPLANNER_HOME": str(ws.parent / "home")}
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=180, check=False)


def test_a_replica_works_offline_and_sends_its_changes_when_the_server_is_back(
    tmp_path: Path, served: Served
) -> None:
    ws = tmp_path / "workstation"
    nurse = as_user(CLINICIAN, tmp_path)
    joined = cli(ws, "join", "--replica", "--url", served.url, *nurse)
    assert joined.returncode == 0, joined.stderr
    assert "own encrypted copy" in joined.stdout and "also has its own store" not in joined.stderr
    status = cli(ws, *nurse, "sync", "status")
    assert status.returncode == 0, status.stderr
    assert "Connected" in status.stdout and "Nothing waits" in status.stdout
    checked = cli(ws, *nurse, "check")
    assert checked.returncode == 0, checked.stderr
    assert "people: 2" in checked.stdout  # the server's two people, in this computer's own copy

    # The network goes: the nurse still signs in (on this computer's copy) and works.
    served.proxy.offline()
    seeded = cli(ws, *nurse, "seed", "--patients", "2", "--seed", "9")
    assert seeded.returncode == 0, seeded.stderr
    stuck = cli(ws, *nurse, "sync")
    assert stuck.returncode == 40, stuck.stderr
    assert "cannot be reached" in stuck.stderr and "wait on this computer" in stuck.stderr
    status = cli(ws, *nurse, "sync", "status")
    assert "Offline since" in status.stdout and "wait to be sent" in status.stdout
    refused = cli(ws, "leave")  # leaving now would strand them on this computer
    assert refused.returncode == 47 and "have not reached the practice server" in refused.stderr
    # Someone who never signed in here while the server could be reached cannot sign in offline.
    reader = cli(ws, *as_user(READER, tmp_path), "sync", "status")
    assert reader.returncode == 6 and "cannot be reached" in reader.stderr
    assert served.people() == 2

    # The network is back: the changes go to the server, and nothing waits.
    served.proxy.online()
    synced = cli(ws, *nurse, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "Sent" in synced.stdout
    assert served.people() == 4
    status = cli(ws, *nurse, "sync", "status")
    assert "Connected" in status.stdout and "Nothing waits" in status.stdout
    rebuilt = cli(ws, *nurse, "sync", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "4 people" in rebuilt.stdout
    checked = cli(ws, *nurse, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert cli(ws, "leave").returncode == 0


def test_sync_on_a_workstation_that_is_not_a_replica_says_how_to_join(tmp_path: Path) -> None:
    ws = tmp_path / "workstation"
    pw = tmp_path / "passphrase"
    pw.write_text("a long synthetic passphrase for this test\n")
    made = cli(ws, "--passphrase-file", str(pw), "seed", "--patients", "1", "--seed", "3")
    assert made.returncode == 0, made.stderr
    run = cli(ws, "--passphrase-file", str(pw), *as_user(CLINICIAN, tmp_path), "sync")
    assert run.returncode == 2
    assert "join --replica" in run.stderr
