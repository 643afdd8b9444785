"""Long operations report progress and stop safely when asked: check, backup, restore (and the report,
in tests/export/test_practice_report_scale.py).

Stopping is asked for with a `Watch` (the app's Cancel button) or Ctrl+C on the command line; it takes
effect only where the store and any target file are still exactly as they were, even from inside one
long SQL statement (the backup's copy, SQLite's integrity check).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext, open_context
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services.audit import Action
from careplanner.services.backups import BackupService
from careplanner.services.progress import CancelledError, Watch
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from careplanner.store.progress import ticking
from tests.cli_signin import ADMIN, add_accounts, as_user
from tests.conftest import TEST_PASSPHRASE, make_person

BACKUP_PASS = b"the practice backup passphrase"
OLD_BACKUP = b"an older backup that must stay exactly as it is" * 100


def _practice(ctx: AppContext, actor: Actor, people: int = 40) -> None:
    seed_people(ctx.store.sessions, count=people, seed=5, actor=actor, today=ctx.services.clock.today())


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_stop_inside_a_long_sql_statement_interrupts_it_and_says_stopped() -> None:
    conn = sqlcipher3.connect(":memory:")
    reports: list[float] = []

    def show(fraction: float, _stage: str) -> None:
        reports.append(fraction)
        if len(reports) == 2:
            watch.stop()

    watch = Watch(show)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with (
        pytest.raises(CancelledError),
        ticking(conn, watch, (0.1, 0.9), "Counting", lambda s: s / 1e9, every=0),
    ):
        conn.execute(endless).fetchone()
    # The first report opens the span; the second came from inside the statement, which then stopped.
    assert len(reports) == 2 and reports[0] == 0.1 and 0.1 <= reports[1] <= 0.9
    # The connection is usable afterwards, with no progress handler left behind.
    assert conn.execute("SELECT 1").fetchone() == (1,)


def test_backup_reports_progress_from_inside_the_copy_and_ends_complete(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    _practice(ctx, actor, 80)
    reports: list[tuple[float, str]] = []
    BackupService(ctx.store.sessions).backup(
        tmp_path / "b.cpbackup", BACKUP_PASS, actor=None, progress=lambda f, s: reports.append((f, s))
    )
    fractions = [f for f, _s in reports]
    assert fractions == sorted(fractions)
    assert reports[-1] == (1.0, "Backup complete")
    assert {"Copying the store", "Checking the backup"} <= {s for _f, s in reports}


def test_a_backup_stopped_during_its_copy_leaves_the_target_as_it_was(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    _practice(ctx, actor)
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "practice.cpbackup"
    target.write_bytes(OLD_BACKUP)
    seen: list[str] = []

    def show(_fraction: float, stage: str) -> None:
        seen.append(stage)
        if stage == "Copying the store":
            watch.stop()  # the copy is starting: it stops before anything is written under the name

    watch = Watch(show)
    backups_before = len(ctx.services.audit.entries(action=Action.BACKUP))
    with pytest.raises(CancelledError):
        BackupService(ctx.store.sessions).backup(target, BACKUP_PASS, actor=None, progress=watch)
    assert seen[-1] == "Copying the store"
    assert target.read_bytes() == OLD_BACKUP
    assert _leftovers(folder, {target.name}) == []
    assert len(ctx.services.audit.entries(action=Action.BACKUP)) == backups_before
    assert ctx.store.integrity_check() == []


def test_a_stop_from_another_thread_mid_copy_leaves_nothing_and_the_next_backup_works(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    _practice(ctx, actor, 200)
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "practice.cpbackup"
    watch = Watch()

    def stop_once_the_copy_is_being_written() -> None:  # as the dialog's Cancel button does, from the UI
        while not watch.stopping:
            if any(p.name != target.name for p in folder.iterdir()):
                watch.stop()
            time.sleep(0.001)

    stopper = threading.Thread(target=stop_once_the_copy_is_being_written)
    stopper.start()
    try:
        with pytest.raises(CancelledError):
            BackupService(ctx.store.sessions).backup(target, BACKUP_PASS, actor=None, progress=watch)
    finally:
        watch.stop()
        stopper.join()
    assert list(folder.iterdir()) == []
    # The store's connection is clean afterwards (nothing left attached): the next backup is made.
    BackupService(ctx.store.sessions).backup(target, BACKUP_PASS, actor=None)
    assert target.exists() and len(ctx.services.audit.entries(action=Action.BACKUP)) == 1


def test_check_reports_progress_and_can_be_stopped(ctx: AppContext, actor: Actor) -> None:
    _practice(ctx, actor)
    reports: list[tuple[float, str]] = []
    assert ctx.store.integrity_check(lambda f, s: reports.append((f, s))) == []
    assert [f for f, _s in reports] == sorted(f for f, _s in reports)
    assert "Checking the store's structure" in {s for _f, s in reports}
    watch = Watch(lambda _f, _s: watch.stop())
    with pytest.raises(CancelledError):
        ctx.store.integrity_check(watch)


def _cli(paths: Paths, tmp_path: Path, *argv: str) -> list[str]:
    pf = tmp_path / "store-passphrase"
    pf.write_bytes(TEST_PASSPHRASE)
    return ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), *argv]


def test_check_shows_progress_on_stderr_only_when_asked_off_a_terminal(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _practice(ctx, actor, 10)
    ctx.close()
    assert run(_cli(paths, tmp_path, "check")) == 0
    quiet = capsys.readouterr()
    assert "Checking…" not in quiet.err and "Integrity check: ok" in quiet.out
    assert run(_cli(paths, tmp_path, "check", "--progress")) == 0
    shown = capsys.readouterr()
    lines = [line for line in shown.err.splitlines() if line.startswith("Checking…")]
    assert lines[0].startswith("Checking… 2%") and lines[-1].startswith("Checking… 100%")
    assert "Checking…" not in shown.out  # stdout stays the result alone


def test_check_on_a_terminal_rewrites_one_progress_line(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    _practice(ctx, actor, 10)
    ctx.close()
    master, terminal = os.openpty()  # a real terminal for stderr, as a person at a console has
    try:
        done = subprocess.run(
            [sys.executable, "-m", "careplanner", *_cli(paths, tmp_path, "check")],
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=120,
            env={**os.environ, "CAREPLANNER_HOME": str(tmp_path / "home")},
        )
        os.close(terminal)
        shown = b""
        while chunk := _read(master):
            shown += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    text = shown.decode("utf-8")
    assert "\rChecking… 2%" in text.replace("\x1b[K", "") and "Checking… 100%" in text
    assert text.count("\n") <= 2  # one line, rewritten in place, then ended
    assert "Checking…" not in done.stdout


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end closed: all was read
        return b""


def _interrupted(argv: list[str], tmp_path: Path, when: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process and press Ctrl+C (SIGINT) once `when` is on stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "careplanner", *argv],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CAREPLANNER_HOME": str(tmp_path / "home")},
    )
    assert proc.stderr is not None
    err = []
    for line in proc.stderr:
        err.append(line)
        if when in line:
            proc.send_signal(signal.SIGINT)
            break
    out, rest = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "".join(err) + rest)


def test_ctrl_c_during_a_command_line_backup_leaves_no_file_and_exits_130(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    _practice(ctx, actor)
    ctx.close()
    add_accounts(paths)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "practice.cpbackup"
    target.write_bytes(OLD_BACKUP)
    (tmp_path / "bp").write_bytes(BACKUP_PASS)
    argv = _cli(paths, tmp_path, *as_user(ADMIN, tmp_path), "backup", str(target), "--progress")
    argv += ["--backup-passphrase-file", str(tmp_path / "bp")]
    done = _interrupted(argv, tmp_path, "Preparing the backup key")
    assert done.returncode == 130, done.stderr
    assert "Stopped before the end, as asked. Nothing was changed." in done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == OLD_BACKUP
    assert _leftovers(folder, {target.name}) == []
    assert run(_cli(paths, tmp_path, "check")) == 0


def test_ctrl_c_during_a_command_line_restore_leaves_the_store_as_it_was(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    _practice(ctx, actor)
    backup = tmp_path / "practice.cpbackup"
    BackupService(ctx.store.sessions).backup(backup, BACKUP_PASS, actor=None)
    # Work after the backup, which a finished restore would take away.
    later = ctx.services.people.create(make_person(nhs_number="999 993 9082"), actor)
    restores_before = len(ctx.services.audit.entries(action=Action.RESTORE))
    ctx.close()
    add_accounts(paths)
    (tmp_path / "bp").write_bytes(BACKUP_PASS)
    argv = _cli(paths, tmp_path, *as_user(ADMIN, tmp_path), "restore", str(backup), "--progress")
    argv += ["--backup-passphrase-file", str(tmp_path / "bp")]
    done = _interrupted(argv, tmp_path, "Restoring…")
    assert done.returncode == 130, done.stderr
    assert "Nothing was changed." in done.stderr
    assert not list(paths.backup_dir.glob("before-restore-*"))
    assert not [p.name for p in paths.data_dir.iterdir() if "restoring" in p.name]
    again = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        assert again.services.people.get(later.id).id == later.id
        assert len(again.services.audit.entries(action=Action.RESTORE)) == restores_before
    finally:
        again.close()
    assert run(_cli(paths, tmp_path, "check")) == 0
