"""Sync when the server fails, with ten workstation processes, each with its own encrypted replica (see
test_faults_network.py): the server killed (`pg_ctl -m immediate`) mid-push and mid-pull, then started
again; a workstation killed between the server's commit of its push and its own record of it (the batch
is sent again and must be applied once). (The server restored from a backup: test_faults_restore.py in
CI, benchmarks/sync_restore_fault.py with ten workstations in scripts/sync-faults.sh.) After the faults every
workstation syncs, and then every replica equals the server, nothing is lost or doubled, every conflict is
listed and no agreed version changed (tests/sync_support/checks.py).

CI runs one seed with four workstations (tests/sync in about 100 s on 2 cores under -n 2);
`scripts/sync-faults.sh` runs several seeds with ten (CAREPLANNER_SYNC_SEEDS="1 2 3 …", STATIONS=10).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests import server_support
from tests.sync_support.checks import Baseline, check
from tests.sync_support.fleet import Fleet, SyncPractice, make_practice
from tests.sync_support.workstation import DIED_BEFORE_ACK

SEEDS = [int(s) for s in os.environ.get("CAREPLANNER_SYNC_SEEDS", "1").split()]
STATIONS = int(os.environ.get("CAREPLANNER_SYNC_STATIONS", "4"))  # CI; ten in scripts/sync-faults.sh
STEPS = int(os.environ.get("CAREPLANNER_SYNC_STEPS", "1"))  # the long run: 8


@pytest.fixture(params=SEEDS, ids=lambda s: f"seed{s}")
def fleet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fleet]:
    practice = make_practice(tmp_path, STATIONS)
    with Fleet(practice, tmp_path, count=STATIONS, seed=request.param) as made:
        made.start_all()
        yield made
    cluster = server_support.test_server().cluster
    if not cluster.running():
        cluster.start()


def in_transaction(practice: SyncPractice, engine: Engine) -> int:
    """How many workstation sessions are inside a transaction on the server right now."""
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND xact_start IS NOT NULL "
                "AND usename LIKE :ws AND pid <> pg_backend_pid()"
            ),
            {"d": practice.database, "ws": f"{practice.database}.ws%"},
        ).scalar()
        return int(found or 0)


def kill_server_while(fleet: Fleet, command: dict[str, object], stations: list[int]) -> int:
    """Send `command` to `stations` (their links slowed), kill the server once one of them is inside a
    transaction there, start it again; their answers must come back (they retry). How many sessions were
    inside a transaction when it died."""
    cluster = server_support.test_server().cluster
    chosen = [fleet.stations[i] for i in stations]
    for station in chosen:
        station.proxy.delay(0.01)
        station.send(command)
    deadline = time.monotonic() + 60
    caught = 0
    watcher = fleet.practice.superuser_engine()  # one connection, polled (not a new engine each time)
    try:
        while caught == 0 and time.monotonic() < deadline:
            caught = in_transaction(fleet.practice, watcher)
    finally:
        watcher.dispose()
    cluster.stop("immediate")  # returns once it is down
    cluster.start()
    for station in chosen:
        station.receive(180)
        station.proxy.delay(0)
    return caught


@pytest.mark.slow
def test_server_killed_and_workstation_killed_lose_nothing(fleet: Fleet) -> None:
    baseline = Baseline.of(fleet.practice.snapshot())
    everyone = list(range(len(fleet.stations)))

    # 1. The server killed mid-push.
    fleet.all({"cmd": "work", "steps": STEPS})
    assert kill_server_while(fleet, {"cmd": "sync", "seconds": 90}, everyone) > 0, "no push was under way"

    # 2. The server killed mid-pull: the others' work waits on the server for the last workstation.
    fleet.all({"cmd": "work", "steps": STEPS})
    for station in fleet.stations[:-1]:
        station.send({"cmd": "sync", "seconds": 60})
    for station in fleet.stations[:-1]:
        station.receive(120)
    assert kill_server_while(fleet, {"cmd": "pull"}, [everyone[-1]]) > 0, "the pull was not under way"
    fleet.converge()
    check(fleet, baseline)

    # 3. A workstation killed after the server committed its push, before it recorded the answer.
    victim = fleet.stations[len(fleet.stations) // 2]
    victim.send({"cmd": "quit"})
    assert fleet.wait_exit(victim) == 0
    fleet.start(victim, die_before_ack=True)
    victim.call({"cmd": "work", "steps": STEPS + 2})
    victim.send({"cmd": "push"})
    assert fleet.wait_exit(victim) == DIED_BEFORE_ACK
    again = fleet.start(victim)
    assert again["waiting"] > 0, "the outbox did not keep the batch the workstation never heard back about"
    replayed = victim.call({"cmd": "push"})
    assert "duplicate" in replayed["outcomes"], replayed
    fleet.all({"cmd": "work", "steps": STEPS})
    fleet.converge()
    check(fleet, baseline)
