"""What a killed backup and repeated restores leave behind (issue 17, item 12).

Field report: a backup killed part-way left its full encrypted copy (`.NAME.xxxx.partial`) and SQLite's
journal beside the target, never cleaned; and every restore kept a whole copy of the store aside with no
pruning (2 GB each at 100,000 people).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from careplanner.app import AppContext
from careplanner.config import Paths
from careplanner.services import maintenance
from careplanner.services.backups import BackupService
from careplanner.services.users import Actor
from careplanner.store.backup import check_backup
from careplanner.store.backup_housekeeping import KEEP_ASIDE
from tests.conftest import TEST_PASSPHRASE, make_person

BACKUP_PASS = b"the practice backup passphrase"
ROOT = Path(__file__).resolve().parents[2]

# A backup process that is killed (SIGKILL, as by a power cut or the task manager) once its copy is written,
# while it is being checked: the real code path, stopped where the report found the leftovers.
_KILLED_BACKUP = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from careplanner.app import open_context
    from careplanner.config import resolve_paths
    from careplanner.services.backups import BackupService

    ctx = open_context(resolve_paths(sys.argv[1]), passphrase=sys.argv[2].encode(), create=False)

    def progress(fraction, stage):
        if fraction >= 0.7:
            os.kill(os.getpid(), signal.SIGKILL)

    service = BackupService(ctx.store.sessions)
    service.backup(Path(sys.argv[3]), sys.argv[4].encode(), actor=None, progress=progress)
    """
)


def _kill_a_backup(paths: Paths, dest: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _KILLED_BACKUP,
            str(paths.data_dir),
            TEST_PASSPHRASE.decode(),
            str(dest),
            BACKUP_PASS.decode(),
        ],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]


def test_a_killed_backups_unfinished_copy_is_removed_by_the_next_backup(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    ctx.services.people.create(make_person(), actor)
    ctx.close()
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    (folder / "holiday.txt").write_text("not ours")
    _kill_a_backup(paths, folder / "monday.cpbackup")
    left = sorted(p.name for p in folder.iterdir() if p.name != "holiday.txt")
    assert left, "the killed backup left nothing behind (the kill came too late to test anything)"
    # Recognisable: the target's name, the writer's process id, and a suffix nobody else uses.
    assert all(".monday.cpbackup." in name and ".cp-unfinished" in name for name in left), left

    from careplanner.app import open_context

    again = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        BackupService(again.store.sessions).backup(folder / "tuesday.cpbackup", BACKUP_PASS, actor=None)
    finally:
        again.close()
    assert sorted(p.name for p in folder.iterdir()) == ["holiday.txt", "tuesday.cpbackup"]
    check_backup(folder / "tuesday.cpbackup", BACKUP_PASS)


def test_a_running_backups_unfinished_copy_is_left_alone(tmp_path: Path) -> None:
    """Two backups into one folder at once: the other's copy in progress is not removed."""
    from careplanner.store.backup_housekeeping import remove_unfinished

    parent = os.getppid()  # a process that is running
    running = tmp_path / f".other.cpbackup.{parent}-0a1b2c3d.cp-unfinished"
    running.write_bytes(b"in progress")
    assert remove_unfinished(tmp_path) == 0
    assert running.exists()


def test_restores_keep_only_the_newest_copies_aside(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    ctx.services.people.create(make_person(), actor)
    backup = tmp_path / "b.cpbackup"
    BackupService(ctx.store.sessions).backup(backup, BACKUP_PASS, actor=None)
    ctx.close()
    kept: list[Path] = []
    for _ in range(KEEP_ASIDE + 2):
        result = maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)
        assert result.kept_aside is not None and result.kept_aside.exists()
        kept.append(result.kept_aside)
    aside = sorted(p.name for p in paths.backup_dir.glob("before-restore-*.db"))
    assert aside == sorted(p.name for p in kept[-KEEP_ASIDE:])
    assert not any(paths.backup_dir.glob(f"{kept[0].name}-*"))  # no -wal/-shm of a removed copy either
