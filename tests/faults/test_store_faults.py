"""Each storage fault a practice can meet gives one plain line, its own exit code, and changes nothing.

Run through the command line as a person would meet them: no traceback, and every file in the data
folder byte-identical afterwards (the lock file aside, which holds only a process id).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy.exc import OperationalError

from careplanner.app import open_context
from careplanner.cli import run
from careplanner.config import Paths, resolve_paths
from careplanner.crashlog import known_problem
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.store import keys
from careplanner.store.errors import (
    DiskFullError,
    KeyringUnavailableError,
    NewerStoreError,
    NotAStoreError,
    StoreReadOnlyError,
    WrongKeyError,
)
from tests.cli_signin import CLINICIAN, add_accounts, as_user
from tests.conftest import TEST_PASSPHRASE, make_person
from tests.trust.helpers import fingerprint, remount_read_only, tmpfs


def _check_cli(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str], passphrase: bytes
) -> tuple[int, str]:
    pf = tmp_path / "pass.txt"
    pf.write_bytes(passphrase)
    code = run(["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), "check"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _store_with_a_person(paths: Paths) -> None:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    actor = ctx.services.users.ensure_first_clinician()
    ctx.services.people.create(make_person(), actor)
    ctx.close()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("wrong key", WrongKeyError),
        ("corrupt", NotAStoreError),
        ("truncated", NotAStoreError),
        ("newer version", NewerStoreError),
        ("info file damaged", NotAStoreError),
    ],
)
def test_fault_gives_a_clear_message_and_changes_nothing(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str], fault: str, error: type[Exception]
) -> None:
    _store_with_a_person(paths)
    passphrase = TEST_PASSPHRASE
    if fault == "wrong key":
        passphrase = b"not the right passphrase"
    elif fault == "corrupt":
        data = bytearray(paths.store_file.read_bytes())
        data[8192 + 100 : 8192 + 140] = os.urandom(40)
        paths.store_file.write_bytes(bytes(data))
    elif fault == "truncated":
        with open(paths.store_file, "r+b") as handle:
            handle.truncate(paths.store_file.stat().st_size - 1000)
    elif fault == "newer version":
        key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
        conn = sqlcipher3.connect(str(paths.store_file), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_release'")
        conn.close()
    else:
        paths.store_info_file.write_text("{ half a file")
    before = fingerprint(paths.data_dir)
    code, err = _check_cli(paths, tmp_path, capsys, passphrase)
    assert code == error.exit_code
    assert err.count("\n") == 1 and "Nothing was changed" in err
    assert fingerprint(paths.data_dir) == before


def test_read_only_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "ro", size="16m") as root:
        paths = resolve_paths(root)
        _store_with_a_person(paths)
        before = fingerprint(paths.data_dir)
        remount_read_only(root)
        code, err = _check_cli(paths, tmp_path, capsys, TEST_PASSPHRASE)
        assert code == StoreReadOnlyError.exit_code
        assert "read-only" in err
        assert fingerprint(paths.data_dir) == before


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_disk_full_during_autosave_keeps_the_last_saved_text(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", size="6m") as root:
        paths = resolve_paths(root)
        ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
        actor = ctx.services.users.ensure_first_clinician()
        person = ctx.services.people.create(make_person(), actor)
        draft = ctx.services.plans.start_draft(person.id, actor)
        ctx.services.plans.save_section(
            draft.id, AboutMeSection(about=AboutMeData(what_matters="saved")), actor
        )
        filler = _fill(root)
        big = AboutMeSection(about=AboutMeData(what_matters="x" * 3_000_000))
        with pytest.raises(OperationalError, match="full") as caught:
            ctx.services.plans.save_section(draft.id, big, actor)
        problem = known_problem(caught.value)
        assert isinstance(problem, DiskFullError)
        assert "disk is full" in str(problem)
        ctx.close()
        filler.unlink()
        reopened = open_context(paths, passphrase=TEST_PASSPHRASE)
        try:
            assert reopened.store.integrity_check() == []
            kept = reopened.services.plans.draft_of(person.id)
            assert kept is not None and kept.content.about_me.about.what_matters == "saved"
            reopened.services.plans.save_section(
                draft.id, AboutMeSection(about=AboutMeData(what_matters="after")), actor
            )
        finally:
            reopened.close()


def test_disk_full_on_the_command_line_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tmpfs(tmp_path / "small", size="6m") as root:
        paths = resolve_paths(root)
        _store_with_a_person(paths)
        add_accounts(paths)  # seeding a practice's store signs in (made before the disk fills)
        filler = _fill(root)
        pf = tmp_path / "pass.txt"
        pf.write_bytes(TEST_PASSPHRASE)
        base = ["--data-dir", str(root), "--passphrase-file", str(pf), *as_user(CLINICIAN, tmp_path)]
        code = run([*base, "seed", "--patients", "3000"])
        err = capsys.readouterr().err
        assert code == DiskFullError.exit_code, err
        assert "disk is full" in err and "Traceback" not in err
        filler.unlink()
        ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
        try:
            assert ctx.store.integrity_check() == []
            assert ctx.services.people.count() >= 1
        finally:
            ctx.close()


def test_no_keyring_never_makes_a_store_without_a_passphrase(
    paths: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code = run(["--data-dir", str(paths.data_dir), "check"])
        assert code != 0
        with pytest.raises(KeyringUnavailableError):
            open_context(paths)
        assert not paths.store_file.exists()
        assert not paths.store_info_file.exists()
    finally:
        keyring.set_keyring(previous)
    capsys.readouterr()


@pytest.mark.keyring
def test_keyring_store_when_the_keyring_goes_away(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    if not keys.keyring_is_secure():
        pytest.skip("needs a real Secret Service (run under dbus-run-session with gnome-keyring)")
    ctx = open_context(paths)
    ctx.services.people.create(make_person(), ctx.services.users.ensure_first_clinician())
    ctx.close()
    before = fingerprint(paths.data_dir)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code = run(["--data-dir", str(paths.data_dir), "check"])
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert code == KeyringUnavailableError.exit_code
    assert "keyring" in err and "Traceback" not in err
    assert fingerprint(paths.data_dir) == before
    keys.forget_keyring_key(keys.read_info(paths.store_info_file).store_id)
