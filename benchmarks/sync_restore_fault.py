"""The server restored from a backup taken before the work (a new epoch): the workstations must send it
again everything it lost, and afterwards every replica equals the server and no agreed version changed.

The long version (ten workstations, several seeds, run by scripts/sync-faults.sh; pytest collects this file
only when it is named); the short one in CI is tests/sync/test_faults_restore.py. A re-sent agreed version
keeps its own agreed time (inside the stretch the restore recorded as lost) and its own number; a number
the restored server gave away meanwhile becomes a conflict, never a silent renumbering (hazard H-71):

    CAREPLANNER_SYNC_SEEDS="1 2 3 4 5 6" .venv/bin/python -m pytest benchmarks/sync_restore_fault.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from tests import server_support
from tests.sync.test_faults_server import STEPS, fleet
from tests.sync_support import compare
from tests.sync_support.checks import Baseline, check
from tests.sync_support.fleet import Fleet

from careplanner.server.backup import backup
from careplanner.server.restore import restore

__all__ = ["fleet"]  # the fixture: ten workstations, one per seed in CAREPLANNER_SYNC_SEEDS


@pytest.mark.slow
def test_server_restored_from_an_earlier_backup_gets_back_what_it_lost(fleet: Fleet, tmp_path: Path) -> None:
    """The backup is taken before any work; after a round of work and sync the server is restored from
    it (a new epoch), so it has lost every change: the workstations must send it all again."""
    baseline = Baseline.of(fleet.practice.snapshot())
    db = fleet.practice.db
    dump = backup(db.owner_address(), db.owner_password, tmp_path / "backups").path
    fleet.all({"cmd": "work", "steps": STEPS + 1})
    fleet.converge()
    check(fleet, baseline)
    before = compare.markers_in(fleet.practice.snapshot())
    engine = server_support.test_server().admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE {db.database} WITH (FORCE)"))
        conn.execute(text(f'CREATE DATABASE {db.database} OWNER "{db.owner}"'))
    engine.dispose()
    restore(db.owner_address(), db.owner_password, dump)
    assert before - compare.markers_in(fleet.practice.snapshot()), (
        "the restore lost nothing: the fault missed"
    )
    fleet.all({"cmd": "work", "steps": 2})
    fleet.converge()
    check(fleet, baseline)
