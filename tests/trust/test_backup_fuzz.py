"""Backup files a person might hand to restore: random bytes, and real backups damaged anywhere.

Whatever the file, checking it ends in one of the plain refusals (never a crash, never "fine" for a
damaged file), and a restore from it changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careplanner.app import AppContext, open_context
from careplanner.config import Paths, resolve_paths
from careplanner.services import maintenance
from careplanner.services.backups import BackupService
from careplanner.store.backup import BackupError, check_backup
from careplanner.store.errors import StoreError
from tests.conftest import TEST_PASSPHRASE, make_person
from tests.trust.helpers import fingerprint

PASS = b"fuzz backup passphrase"


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("fuzz-source")
    out = tmp_path_factory.mktemp("fuzz-backup")  # never inside the data folder (the output guard)
    ctx = open_context(resolve_paths(root), passphrase=TEST_PASSPHRASE)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        ctx.services.people.create(make_person(), actor)
        BackupService(ctx.store.sessions).backup(out / "good.cpbackup", PASS, actor=None)
    finally:
        ctx.close()
    return (out / "good.cpbackup").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=20_000))
def test_random_bytes_are_refused_plainly(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.cpbackup"
    path.write_bytes(data)
    with pytest.raises(StoreError):
        check_backup(path, PASS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255), cut=st.booleans())
def test_a_damaged_backup_is_never_taken_for_a_good_one(
    tmp_path: Path, good_backup: bytes, where: float, flip: int, cut: bool
) -> None:
    data = bytearray(good_backup)
    at = int(where * len(data))
    if cut:
        data = data[: max(at, 1)]
    else:
        data[at] ^= flip
    path = tmp_path / "damaged.cpbackup"
    path.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        check_backup(path, PASS)


def test_restore_from_a_damaged_backup_changes_nothing(
    ctx: AppContext, paths: Paths, tmp_path: Path, good_backup: bytes
) -> None:
    ctx.close()
    damaged = bytearray(good_backup)
    damaged[len(damaged) - 100] ^= 0x55
    path = tmp_path / "damaged.cpbackup"
    path.write_bytes(bytes(damaged))
    before = fingerprint(paths.data_dir)
    with pytest.raises(BackupError):
        maintenance.restore(paths, path, PASS, passphrase=TEST_PASSPHRASE)
    assert fingerprint(paths.data_dir) == before
