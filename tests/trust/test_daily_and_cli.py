"""The daily backup (from the app and from the command line) and the account commands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from careplanner.app import AppContext
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services import trust_settings
from careplanner.services.audit import Action
from careplanner.store.backup import check_backup
from tests.cli_signin import ADMIN, signed_in
from tests.conftest import TEST_PASSPHRASE, make_person


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends; it counts as secure for the app."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_app_daily_backup_runs_once_a_day_with_the_kept_passphrase(
    ctx: AppContext, paths: Paths, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    backups = ctx.services.backups
    # The app backs up after someone has signed in, so the store's trail has entries to match a copy with.
    ctx.services.people.create(make_person(), ctx.services.users.ensure_first_clinician())
    folder = tmp_path / "daily"
    assert backups.run_daily_if_due(date(2026, 11, 22)) is None  # switched off
    trust_settings.save(
        paths.data_dir, trust_settings.TrustSettings(daily_backup=True, backup_folder=str(folder))
    )
    assert backups.run_daily_if_due(date(2026, 11, 22)) is None  # no passphrase kept yet
    backups.remember_passphrase(b"daily backup passphrase")
    assert b"daily backup passphrase" not in b"".join(
        p.read_bytes() for p in paths.data_dir.rglob("*") if p.is_file()
    )
    made = backups.run_daily_if_due(date(2026, 11, 22))
    assert made is not None and made.made
    assert check_backup(made.path, b"daily backup passphrase").audit_entries >= 0
    assert backups.run_daily_if_due(date(2026, 11, 22)) is None  # already done today
    assert ctx.services.audit.entries(limit=1)[0].action == Action.BACKUP


def _cli(paths: Paths, tmp_path: Path, *argv: str) -> int:
    """Backup and restore sign in as the practice's administrator (who may do both)."""
    return run(signed_in(paths, tmp_path, *argv, user=ADMIN))


def _plain(paths: Paths, tmp_path: Path, *argv: str) -> int:
    pf = tmp_path / "store-pass"
    pf.write_bytes(TEST_PASSPHRASE)
    return run(["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), *argv])


def test_scheduled_backup_from_the_command_line(
    ctx: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nightly"
    trust_settings.save(
        paths.data_dir,
        trust_settings.TrustSettings(daily_backup=True, backup_folder=str(folder), backup_copies=2),
    )
    ctx.close()
    bp = tmp_path / "backup-pass"
    bp.write_text("nightly passphrase\n")
    assert _cli(paths, tmp_path, "backup", "--scheduled", "--backup-passphrase-file", str(bp)) == 0
    assert "Backed up to" in capsys.readouterr().out
    assert _cli(paths, tmp_path, "backup", "--scheduled", "--backup-passphrase-file", str(bp)) == 0
    assert "Already backed up today" in capsys.readouterr().out
    made = list(folder.glob("careplanner-*.cpbackup"))
    assert len(made) == 1
    check_backup(made[0], b"nightly passphrase")


def test_restore_on_the_command_line_keeps_the_old_store(
    ctx: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.close()
    bp = tmp_path / "backup-pass"
    bp.write_text("a backup passphrase")
    backup = tmp_path / "b.cpbackup"
    assert _cli(paths, tmp_path, "backup", str(backup), "--backup-passphrase-file", str(bp)) == 0
    assert _cli(paths, tmp_path, "restore", str(backup), "--backup-passphrase-file", str(bp)) == 0
    out = capsys.readouterr().out
    assert "kept at" in out
    assert list(paths.backup_dir.glob("before-restore-*.db"))
    assert _cli(paths, tmp_path, "check") == 0


def test_users_from_the_command_line(
    ctx: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.close()
    pw = tmp_path / "pw"
    pw.write_text("a good long password")
    add_ada = ("users", "add", "ada", "--name", "Ada", "--role", "admin", "--new-password-file", str(pw))
    assert _plain(paths, tmp_path, *add_ada) == 0
    # After the first administrator, adding needs an administrator signed in.
    add_nia = ("users", "add", "nia", "--name", "Nia", "--role", "nurse", "--new-password-file", str(pw))
    assert _plain(paths, tmp_path, *add_nia) != 0
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password at all")
    assert _plain(paths, tmp_path, "--user", "ada", "--password-file", str(wrong), *add_nia) != 0
    assert _plain(paths, tmp_path, "--user", "ada", "--password-file", str(pw), *add_nia) == 0
    capsys.readouterr()
    assert _plain(paths, tmp_path, "--user", "ada", "--password-file", str(pw), "users", "list") == 0
    listed = capsys.readouterr().out
    assert "ada\tadmin" in listed and "nia\tnurse" in listed


@pytest.mark.parametrize("command", [("check",), ("audit", "verify")])
def test_a_command_on_a_folder_with_no_store_creates_nothing_there(
    tmp_path: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Field report: `check` on the wrong folder left `logs/` (and a lock file) in it."""
    empty = tmp_path / "not-a-store"
    empty.mkdir()
    missing = tmp_path / "no-such-folder"
    for folder in (empty, missing):
        assert run(["--data-dir", str(folder), *command]) == 20
        assert "There is no store in this data folder yet." in capsys.readouterr().err
    assert list(empty.iterdir()) == []
    assert not missing.exists()
