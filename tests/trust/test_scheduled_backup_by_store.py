"""Scheduled backups are named by store and checked before a day is counted as done (issue 17, item 9).

The attacks from the field report, made repeatable: two stores backing up to one folder (the second was
told "Already backed up today" and made nothing, and its pruning removed the first store's copies), and an
empty file with today's name (it stopped the day's backup, exit 0).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from careplanner.app import AppContext, open_context
from careplanner.config import Paths, resolve_paths
from careplanner.services.backups import BackupService, scheduled_name
from careplanner.services.users import Actor
from careplanner.store.backup import check_backup
from tests.conftest import TEST_PASSPHRASE, make_person

BACKUP_PASS = b"the practice backup passphrase"
DAY = date(2026, 11, 30)


@pytest.fixture
def other(tmp_path: Path) -> Iterator[AppContext]:
    """A second practice store (another workstation's) that backs up into the same folder."""
    context = open_context(resolve_paths(tmp_path / "other-store"), passphrase=TEST_PASSPHRASE)
    actor = context.services.users.ensure_first_clinician()
    context.services.people.create(make_person(first_name="Otto", nhs_number="401 023 2137"), actor)
    yield context
    context.close()


@pytest.fixture
def ours(ctx: AppContext, actor: Actor) -> AppContext:
    ctx.services.people.create(make_person(), actor)
    return ctx


def _service(context: AppContext) -> BackupService:
    return BackupService(context.store.sessions)


def test_two_stores_sharing_a_folder_each_get_their_own_daily_copy(
    ours: AppContext, other: AppContext, tmp_path: Path
) -> None:
    folder = tmp_path / "shared-backups"
    first = _service(other).scheduled_backup(folder, BACKUP_PASS, keep=2, today=DAY)
    second = _service(ours).scheduled_backup(folder, BACKUP_PASS, keep=2, today=DAY)
    assert first.made and second.made, "the second store's backup was skipped"
    assert first.path != second.path
    assert _service(ours).store_id in second.path.name
    assert check_backup(second.path, BACKUP_PASS).people == 1
    assert check_backup(first.path, BACKUP_PASS).people == 1
    # Each store's own copy restores its own people: the files were not mixed up.
    assert first.path.name == scheduled_name(_service(other).store_id, DAY)


def test_pruning_never_removes_another_stores_copies(
    ours: AppContext, other: AppContext, tmp_path: Path
) -> None:
    folder = tmp_path / "shared-backups"
    theirs = [
        _service(other).scheduled_backup(folder, BACKUP_PASS, keep=5, today=date(2026, 11, d)).path
        for d in (1, 2, 3)
    ]
    for d in (10, 11, 12):
        result = _service(ours).scheduled_backup(folder, BACKUP_PASS, keep=1, today=date(2026, 11, d))
    assert all(p.exists() for p in theirs), "our pruning removed the other store's backups"
    ours_left = sorted(p.name for p in folder.iterdir() if _service(ours).store_id in p.name)
    assert ours_left == [result.path.name]


def test_an_empty_file_with_todays_name_does_not_stop_the_backup(ours: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    service = _service(ours)
    # Today's name as this release gives it, and as the last one did: neither may count as done.
    (folder / scheduled_name(service.store_id, DAY)).write_bytes(b"")
    (folder / f"careplanner-{DAY.isoformat()}.cpbackup").write_bytes(b"")
    result = service.scheduled_backup(folder, BACKUP_PASS, keep=14, today=DAY)
    assert result.made, "an empty file was taken for today's backup"
    assert result.replaced is not None and "damaged or cut short" in result.replaced
    assert check_backup(result.path, BACKUP_PASS).people == 1
    # The older-style file is not this feature's to remove.
    assert (folder / f"careplanner-{DAY.isoformat()}.cpbackup").exists()


def test_another_stores_backup_under_this_stores_name_is_not_counted(
    ours: AppContext, other: AppContext, tmp_path: Path
) -> None:
    folder = tmp_path / "nightly"
    made = _service(other).scheduled_backup(tmp_path / "elsewhere", BACKUP_PASS, keep=2, today=DAY)
    folder.mkdir()
    service = _service(ours)
    shutil.copy(made.path, folder / scheduled_name(service.store_id, DAY))  # same passphrase, other store
    result = service.scheduled_backup(folder, BACKUP_PASS, keep=14, today=DAY)
    assert result.made and result.replaced == "it is not a copy of this store"
    again = service.scheduled_backup(folder, BACKUP_PASS, keep=14, today=DAY)
    assert not again.made and again.replaced is None  # now a checked copy of this store: done for today


def test_scheduled_backup_from_the_command_line_says_when_it_replaced_a_bad_file(
    ours: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from careplanner.cli import run
    from tests.cli_signin import ADMIN, signed_in

    store_id = _service(ours).store_id
    ours.close()
    folder = tmp_path / "nightly"
    folder.mkdir()
    today = datetime.now(UTC).astimezone().date()
    (folder / scheduled_name(store_id, today)).write_bytes(b"\0" * 8192)  # shaped like a backup, it is not
    bp = tmp_path / "backup-pass"
    bp.write_text(BACKUP_PASS.decode())
    argv = signed_in(
        paths, tmp_path, "backup", "--scheduled", str(folder), "--backup-passphrase-file", str(bp), user=ADMIN
    )
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "was not a usable backup of this store" in out and "Backed up to" in out
    check_backup(folder / scheduled_name(store_id, today), BACKUP_PASS)
    assert run(argv) == 0
    assert "Already backed up today (checked: a backup of this store)" in capsys.readouterr().out
