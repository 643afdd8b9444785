"""A workstation joined in replica mode, driven through the command line (each command its own process,
forked from one that has done the imports: tests/sync_support/cli_runner.py), against a practice server
set up as `careplanner server init` sets one up (each person their own login role), with the network
between them cut and restored by a Python TCP proxy."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from careplanner.app import open_context, open_replica_context, open_server_context, read_passphrase_file
from careplanner.config import resolve_paths
from careplanner.server.accounts import login_address
from careplanner.store import keys
from careplanner.sync.replica_open import replica_settings
from tests import server_support
from tests.cli_signin import CLINICIAN, PASSWORD, READER, as_user
from tests.server.join_support import provision
from tests.sync_support.cli_runner import CliRunner
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

    def preferred_name(self, person_id: str) -> str:
        return str(self._scalar("SELECT preferred_name FROM person WHERE id = :p", p=person_id))

    def _scalar(self, sql: str, **params: str) -> object:
        server = server_support.test_server()
        engine = create_engine(server_support.sa_url(server.cluster.url(self.database)))
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    def people(self) -> int:
        server = server_support.test_server()
        engine = create_engine(server_support.sa_url(server.cluster.url(self.database)))
        try:
            with engine.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM person")).scalar() or 0)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One practice server for the module (each test joins a workstation of its own to it)."""
    server = server_support.test_server()
    database = server.new_database(migrated=False)
    provision(server.address(database), resolve_paths(tmp_path_factory.mktemp("provisioning")))
    with Proxy(("127.0.0.1", server.cluster.port)) as proxy:
        yield Served(f"postgresql://127.0.0.1:{proxy.port}/{database}?sslmode=disable", proxy, database)
    server.drop_database(database)


Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def runner() -> Iterator[CliRunner]:
    """Each command in a process of its own, forked from one that has done the imports already."""
    with CliRunner() as made:
        yield made


@pytest.fixture
def cli(runner: CliRunner) -> Cli:
    def run(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CAREPLANNER_HOME": str(ws.parent / "home")}
        return runner.run(["--data-dir", str(ws), *args], env=env)

    return run


def test_a_replica_works_offline_and_sends_its_changes_when_the_server_is_back(
    tmp_path: Path, served: Served, cli: Cli
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
    assert "wait to be sent" not in synced.stdout  # its own status line: nothing waits any more
    assert served.people() == 4
    rebuilt = cli(ws, *nurse, "sync", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "4 people" in rebuilt.stdout
    checked = cli(ws, *nurse, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert cli(ws, "leave").returncode == 0


def test_sync_on_a_workstation_that_is_not_a_replica_says_how_to_join(tmp_path: Path, cli: Cli) -> None:
    ws = tmp_path / "workstation"
    pw = tmp_path / "passphrase"
    pw.write_text("a long synthetic passphrase for this test\n")
    # A store of its own (made here rather than by a `seed` in another process: one start fewer).
    open_context(resolve_paths(ws), passphrase=read_passphrase_file(pw)).close()
    run = cli(ws, "--passphrase-file", str(pw), *as_user(CLINICIAN, tmp_path), "sync")
    assert run.returncode == 2
    assert "join --replica" in run.stderr


def _change_on_server(served: Served, person_id: str, preferred: str, folder: Path) -> None:
    """A colleague at a desk connected to the practice server changes the person's preferred name."""
    server = server_support.test_server()
    bare = replace(server.address(served.database), user=None)
    ctx = open_server_context(login_address(bare, CLINICIAN), PASSWORD, resolve_paths(folder))
    try:
        actor = ctx.services.auth.sign_in(CLINICIAN, PASSWORD)
        details = ctx.services.people.get(person_id).details
        ctx.services.people.update(person_id, replace(details, preferred_name=preferred), actor)
    finally:
        ctx.close()


def test_a_persons_details_changed_offline_and_on_the_server_are_both_kept_and_chosen_from_the_command_line(
    tmp_path: Path, served: Served, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "desk"
    nurse = as_user(CLINICIAN, tmp_path)
    assert cli(ws, "join", "--replica", "--url", served.url, *nurse).returncode == 0
    # Offline, the nurse changes a person's preferred name on this computer (the app does what this does);
    # meanwhile a colleague changes it on the server to something else.
    served.proxy.offline()
    monkeypatch.setenv("CAREPLANNER_HOME", str(ws.parent / "home"))
    paths = resolve_paths(ws)
    saved = replica_settings(paths)
    assert saved is not None
    ctx = open_replica_context(paths, saved)
    try:
        assert ctx.replica is not None
        actor = ctx.replica.sign_in(CLINICIAN, PASSWORD)
        person = ctx.services.people.search("")[0]
        details = ctx.services.people.get(person.id).details
        ctx.services.people.update(person.id, replace(details, preferred_name="Patty"), actor)
    finally:
        ctx.close()
    _change_on_server(served, person.id, "Trish", tmp_path / "colleague")
    served.proxy.online()

    synced = cli(ws, *nurse, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "both values are kept" in synced.stdout and "sync details" in synced.stdout
    listed = cli(ws, *nurse, "sync", "details")
    assert listed.returncode == 0, listed.stderr
    assert "preferred name: workstation 'Patty' | server 'Trish'" in listed.stdout
    found = re.search(r"Conflict ([0-9a-f]{8})", listed.stdout)
    assert found is not None, listed.stdout
    reader = cli(ws, *as_user(READER, tmp_path), "sync", "choose", "--conflict", found[1], "--keep", "server")
    assert reader.returncode != 0  # choosing is a clinician's change: a read-only account cannot
    chosen = cli(ws, *nurse, "sync", "choose", "--conflict", found[1], "--keep", "workstation")
    assert chosen.returncode == 0, chosen.stderr
    assert "preferred_name (workstation)" in chosen.stdout
    assert cli(ws, *nurse, "sync").returncode == 0
    assert served.preferred_name(person.id) == "Patty"
    assert "No person's details wait for a choice" in cli(ws, *nurse, "sync", "details").stdout
