"""One copy per store *file*, whatever path reaches it; and never a store on a network file system.

The attacks (reliability report, finding 2): a hard link to the store in a second folder, or two mounts of
one share without lock forwarding, let two copies open one store; each time it was corrupted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.app import open_context
from careplanner.config import Paths, resolve_paths
from careplanner.store import lock as store_lock
from careplanner.store import mounts
from careplanner.store.errors import NetworkFolderError, StoreInUseError
from tests.conftest import TEST_PASSPHRASE
from tests.trust.test_lock_and_audit import HOLD_STORE


def _hard_linked_copy(paths: Paths, tmp_path: Path) -> Paths:
    """A second data folder whose store is a hard link to the first one's (and a copy of its key file)."""
    other = resolve_paths(tmp_path / "second-folder")
    other.data_dir.mkdir(parents=True)
    os.link(paths.store_file, other.store_file)
    shutil.copy2(paths.store_info_file, other.store_info_file)
    return other


def test_a_hard_link_to_an_open_store_is_refused_with_exit_26(paths: Paths, tmp_path: Path) -> None:
    open_context(paths, passphrase=TEST_PASSPHRASE).close()
    other = _hard_linked_copy(paths, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(paths.data_dir), TEST_PASSPHRASE.decode()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        pf = tmp_path / "pass"
        pf.write_bytes(TEST_PASSPHRASE)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "careplanner",
                "--data-dir",
                str(other.data_dir),
                "--passphrase-file",
                str(pf),
                "check",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert second.returncode == StoreInUseError.exit_code, second.stderr
        assert "open in another copy of Care Planner" in second.stderr
        assert "Traceback" not in second.stderr
        assert not (other.data_dir / "careplanner.db-wal").exists()  # the second copy wrote nothing
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    # Once the first copy has gone, the store opens (through either path) as usual.
    open_context(other, passphrase=TEST_PASSPHRASE, create=False).close()


def test_in_one_process_the_hard_link_is_refused_too_and_freed_on_close(paths: Paths, tmp_path: Path) -> None:
    first = open_context(paths, passphrase=TEST_PASSPHRASE)
    other = _hard_linked_copy(paths, tmp_path)
    with pytest.raises(StoreInUseError):
        open_context(other, passphrase=TEST_PASSPHRASE, create=False)
    first.close()
    open_context(other, passphrase=TEST_PASSPHRASE, create=False).close()


def test_a_store_made_just_now_is_locked_by_identity_at_once(paths: Paths, tmp_path: Path) -> None:
    first = open_context(paths, passphrase=TEST_PASSPHRASE)  # creates the store
    try:
        assert first.lock is not None and first.lock.holds_store_file
        other = _hard_linked_copy(paths, tmp_path)
        with pytest.raises(StoreInUseError):
            open_context(other, passphrase=TEST_PASSPHRASE, create=False)
    finally:
        first.close()


def _fake_mountinfo(tmp_path: Path, mount_point: Path, fs_type: str) -> Path:
    escaped = str(mount_point).replace(" ", "\\040")
    table = tmp_path / "mountinfo"
    table.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"97 22 0:55 / {escaped} rw,relatime shared:60 - {fs_type} server:/export rw,vers=4.2\n",
        encoding="utf-8",
    )
    return table


@pytest.mark.parametrize("fs_type", ["nfs4", "nfs", "cifs", "smb3", "9p", "fuse.sshfs", "fuse.bindfs"])
def test_a_data_folder_on_a_network_file_system_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fs_type: str
) -> None:
    share = tmp_path / "practice share"
    share.mkdir()  # the mount point
    monkeypatch.setattr(mounts, "MOUNTINFO", _fake_mountinfo(tmp_path, share, fs_type))
    paths = resolve_paths(share / "careplanner")
    with pytest.raises(NetworkFolderError, match="network or shared drive"):
        open_context(paths, passphrase=TEST_PASSPHRASE)
    assert list(share.iterdir()) == []  # nothing was made there


def test_the_command_line_says_so_with_exit_33(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from careplanner.cli import run

    share = tmp_path / "share"
    monkeypatch.setattr(mounts, "MOUNTINFO", _fake_mountinfo(tmp_path, share, "nfs4"))
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    assert run(["--data-dir", str(share / "store"), "--passphrase-file", str(pf), "check"]) == 33
    err = capsys.readouterr().err
    assert "local disk" in err and "Traceback" not in err


def test_local_file_systems_are_allowed(tmp_path: Path) -> None:
    table = _fake_mountinfo(tmp_path, tmp_path / "disk", "ext4")
    assert mounts.network_folder(tmp_path / "disk" / "careplanner", table) is None
    for local in ("fuseblk", "fuse.gocryptfs", "xfs", "btrfs", "tmpfs"):
        assert not mounts.is_shared_type(local)
    # Only the longest matching mount point counts: a local disk mounted inside a share is local.
    nested = tmp_path / "mountinfo-nested"
    nested.write_text(
        f"97 22 0:55 / {tmp_path}/share rw - nfs4 server:/x rw\n"
        f"98 97 8:2 / {tmp_path}/share/local rw - ext4 /dev/sdb1 rw\n",
        encoding="utf-8",
    )
    assert mounts.network_folder(tmp_path / "share" / "local" / "store", nested) is None
    assert mounts.network_folder(tmp_path / "share" / "store", nested) == "nfs4"
    # The real mount table on this machine: the test folder is on a local disk.
    with store_lock.acquire(tmp_path / "careplanner.lock") as held:
        assert held.held
