"""A practice server restored from a backup gets a new sync epoch, so every workstation learns that the
server's history is not the one it followed (and re-sends what the server lost): `server restore` on the
test run's real PostgreSQL, under the practice database's own name, as the practice's IT would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from careplanner.clinical.enums import UserRole
from careplanner.sync import server_side
from tests import server_support
from tests.server.ops_support import server_cli
from tests.server.test_restore_recovery import _add_person, _backup, _drop_practice, _owner_args, _superuser
from tests.server_provisioned import ProvisionedDatabase


@pytest.fixture
def practice() -> Iterator[ProvisionedDatabase]:
    db = server_support.provisioned_database(accounts=[("nia", "Nia Nurse-Synthetic", UserRole.NURSE)])
    yield db
    _drop_practice(db)


def _epoch_and_head(db: ProvisionedDatabase) -> tuple[str, tuple[int, int]]:
    engine = db.engine_as("nia")
    try:
        with engine.connect() as conn:
            return server_side.epoch(conn), server_side.head(conn)
    finally:
        engine.dispose()


def test_a_restored_server_has_a_new_epoch_and_not_the_history_workstations_followed(
    practice: ProvisionedDatabase, tmp_path: Path
) -> None:
    _add_person(practice, tmp_path, "Beforebackup-Synthetic")
    dump = _backup(practice, tmp_path)
    backed_up_epoch, backed_up_head = _epoch_and_head(practice)
    _add_person(practice, tmp_path, "Afterbackup-Synthetic", "999 339 5633")  # lost with the database
    _, followed = _epoch_and_head(practice)  # where a workstation's cursor stood before the loss
    assert followed[0] > backed_up_head[0]
    _superuser(
        f"ALTER DATABASE {practice.database} RENAME TO {practice.database}_damaged",
        f'CREATE DATABASE {practice.database} OWNER "{practice.owner}"',
    )
    assert server_cli("restore", *_owner_args(practice, tmp_path), str(dump)) == 0
    epoch, head = _epoch_and_head(practice)
    assert epoch != backed_up_epoch  # the workstations see it at their next sync
    assert head == backed_up_head
    engine = practice.engine_as("nia")
    try:
        with engine.connect() as conn:
            # The change a workstation's cursor pointed at is not on the restored server.
            assert server_side.change_at(conn, followed[0]) is None
            assert server_side.pull(conn, followed[0]).epoch == epoch
    finally:
        engine.dispose()
