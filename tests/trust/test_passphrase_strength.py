"""Strong secrets, a key derivation at OWASP's minimum recorded per store and per backup, private files.

The attacks of the reliability report, made repeatable: a 1-character store, backup and new (rekey)
passphrase; `aaaaaaaaaa`, `password12`, `1234567890` and ten spaces as account passwords; scrypt at N=2^15;
every file 0644 and every folder 0755.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import DEMO_PASSPHRASE, AppContext, open_context
from careplanner.config import Paths, resolve_paths
from careplanner.services import maintenance
from careplanner.services.auth import AuthService
from careplanner.services.backups import BackupService
from careplanner.services.errors import ValidationError
from careplanner.services.users import Actor
from careplanner.store import backup as backup_files
from careplanner.store import backup_kdf, keys, strength
from careplanner.store.create import create_store
from careplanner.store.errors import NotAStoreError
from careplanner.store.strength import WeakPassphraseError
from tests.cli_signin import ADMIN, add_accounts, as_user
from tests.conftest import TEST_PASSPHRASE
from tests.trust.conftest import PASSWORD
from tests.trust.helpers import fingerprint, person_with_agreed_plan

# The key-derivation tests below check the real cost (marked real_kdf); the others here, about the rules for
# secrets and about private files, keep the lower cost every other test uses (tests/conftest.py).

BACKUP_PASS = b"the practice backup passphrase"
WEAK_PASSPHRASES = [
    b"a",
    b"aaaaaaaaaaaaaaaa",
    b"password1234",
    b"123456789012",
    b"qwertyuiopasdf",
    b"P@ssw0rd2024!",
]
WEAK_PASSWORDS = ["aaaaaaaaaa", "password12", "1234567890", " " * 10, "abcabcabcabc", "iloveyou99"]


# ---- the rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [s.decode() for s in WEAK_PASSPHRASES])
def test_weak_passphrases_are_refused_in_plain_words(secret: str) -> None:
    found = strength.problem(secret, min_length=strength.MIN_PASSPHRASE_LENGTH)
    assert found is not None and "words" in found
    assert len(secret) < 3 or secret not in found  # the secret itself is never repeated back


@pytest.mark.parametrize(
    "secret",
    [TEST_PASSPHRASE, DEMO_PASSPHRASE, BACKUP_PASS, b"lighthouse marmalade velvet ostrich"],
)
def test_good_passphrases_and_the_public_demo_one_are_accepted(secret: bytes) -> None:
    strength.check_passphrase(secret)


def test_the_common_password_list_is_the_shipped_one() -> None:
    listed = strength.common_passwords()
    assert len(listed) == 19640 and {"password", "123456", "iloveyou", "qwerty"} <= listed


# ---- store, backup and rekey passphrases -------------------------------------------------------------------


def test_a_one_character_store_passphrase_makes_no_store(tmp_path: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_bytes(b"a")
    home = tmp_path / "w"
    done = subprocess.run(
        [sys.executable, "-m", "careplanner", "--data-dir", str(home), "--passphrase-file", str(weak), "seed",
         "--patients", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 34, done.stderr
    assert "at least 12 characters" in done.stderr and "Traceback" not in done.stderr
    assert not (home / "careplanner.db").exists() and not (home / "careplanner.store.json").exists()


@pytest.mark.parametrize("weak", WEAK_PASSPHRASES[:3])
def test_a_weak_backup_passphrase_is_refused_and_no_file_is_made(
    ctx: AppContext, tmp_path: Path, weak: bytes
) -> None:
    with pytest.raises(WeakPassphraseError):
        BackupService(ctx.store.sessions).backup(tmp_path / "b.cpbackup", weak, actor=None)
    assert list(tmp_path.glob("*b.cpbackup*")) == []


def test_rekey_to_a_weak_passphrase_changes_nothing(ctx: AppContext, paths: Paths) -> None:
    ctx.close()
    before = fingerprint(paths.data_dir)
    with pytest.raises(WeakPassphraseError):
        maintenance.change_key(paths, passphrase=TEST_PASSPHRASE, new_passphrase=b"a")
    assert fingerprint(paths.data_dir) == before


# ---- account passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_trivial_account_passwords_are_refused(auth: AuthService, weak: str) -> None:
    with pytest.raises(ValidationError) as refused:
        auth.create_first_admin(username="ada", display_name="Ada Admin", password=weak)
    assert "password" in refused.value.fields
    assert auth.needs_first_run()


@pytest.mark.gui
def test_first_run_refuses_a_typed_trivial_password(qtbot: QtBot, ctx: AppContext) -> None:
    from careplanner.ui.trust.first_run import FirstRunDialog

    dialog = FirstRunDialog(ctx.services)
    qtbot.addWidget(dialog)
    typed = {
        "practice_name": "Riverside Surgery (synthetic)",
        "ods_code": "Y12345",
        "in_hours_phone": "0113 496 0000",
        "out_of_hours_phone": "0113 496 0999",
        "display_name": "Ada Admin",
        "username": "ada",
        "password": "password12",
        "password_again": "password12",
    }
    for key, value in typed.items():
        qtbot.keyClicks(dialog.fields[key], value)
    dialog.submit()
    assert dialog.admin is None
    assert "most common" in dialog.message.text()
    assert ctx.services.auth.needs_first_run()


@pytest.mark.gui
def test_password_reset_refuses_one_key_typed_ten_times(
    qtbot: QtBot, auth: AuthService, admin: Actor
) -> None:
    from careplanner.ui.trust.password_dialog import PasswordResetDialog

    dialog = PasswordResetDialog(auth, admin, admin)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.password, "aaaaaaaaaa")
    qtbot.keyClicks(dialog.again, "aaaaaaaaaa")
    dialog.submit()
    assert "repeats the same few characters" in dialog.message.text()
    assert auth.sign_in("ada", PASSWORD).id == admin.id  # the old password still works


# ---- the key derivation ------------------------------------------------------------------------------------


@pytest.mark.real_kdf
def test_a_new_store_records_scrypt_at_owasp_minimum_and_is_keyed_with_it(
    ctx: AppContext, paths: Paths
) -> None:
    info = keys.read_info(paths.store_info_file)
    assert (info.scrypt_n, info.scrypt_r, info.scrypt_p) == (2**17, 8, 1)
    assert json.loads(paths.store_info_file.read_text())["scrypt_n"] == 2**17
    salt = base64.b64decode(info.salt or "")
    key = keys.derive_key(TEST_PASSPHRASE, salt, 2**17, 8, 1)
    assert keys.key_check_value(key) == info.key_check
    assert keys.key_check_value(keys.derive_key(TEST_PASSPHRASE, salt, 2**15, 8, 1)) != info.key_check


@pytest.mark.real_kdf
@pytest.mark.parametrize("recorded", [True, False], ids=["settings-recorded", "no-settings-in-the-file"])
def test_a_store_made_with_the_old_settings_opens_and_rekey_moves_it_to_the_new(
    paths: Paths, recorded: bool
) -> None:
    # As an earlier release made it: scrypt N=2^15 (and, earlier still, no settings in the file at all).
    paths.ensure()
    salt = os.urandom(16)
    key = keys.derive_key(TEST_PASSPHRASE, salt, 2**15, 8, 1)
    info = keys.StoreInfo(
        store_id="6f1c0c1e-2b51-4d55-9a44-3c2f6a0e9b11",
        key_source="passphrase",
        key_check=keys.key_check_value(key),
        created_at="2026-01-05T09:00:00+00:00",
        salt=base64.b64encode(salt).decode(),
        scrypt_n=2**15,
    )
    create_store(paths, key, info, demo_mark=False).close()
    if not recorded:
        raw = json.loads(paths.store_info_file.read_text())
        for name in ("scrypt_n", "scrypt_r", "scrypt_p"):
            del raw[name]
        paths.store_info_file.write_text(json.dumps(raw))
    old = open_context(paths, passphrase=TEST_PASSPHRASE)
    person = person_with_agreed_plan(old, old.services.users.ensure_first_clinician(), "Knitting club")
    old.close()

    moved = maintenance.change_key(
        paths, passphrase=TEST_PASSPHRASE, new_passphrase=b"lighthouse marmalade velvet"
    )
    assert (moved.scrypt_n, moved.scrypt_r, moved.scrypt_p) == (2**17, 8, 1)
    new = open_context(paths, passphrase=b"lighthouse marmalade velvet")
    try:
        agreed = new.services.plans.latest_agreed(person)
        assert agreed is not None and agreed.content.about_me.about.what_matters == "Knitting club"
    finally:
        new.close()


@pytest.mark.real_kdf
def test_damaged_key_settings_are_refused_plainly(ctx: AppContext, paths: Paths) -> None:
    ctx.close()
    raw = json.loads(paths.store_info_file.read_text())
    for field, value in (("scrypt_n", 2**40), ("scrypt_r", 0), ("scrypt_p", 10**6), ("scrypt_n", "131072")):
        paths.store_info_file.write_text(json.dumps({**raw, field: value}))
        with pytest.raises(NotAStoreError, match="damaged"):
            open_context(paths, passphrase=TEST_PASSPHRASE)


@pytest.mark.real_kdf
def test_a_backup_records_its_settings_and_an_old_backup_still_restores(
    ctx: AppContext, tmp_path: Path
) -> None:
    new = tmp_path / "new.cpbackup"
    BackupService(ctx.store.sessions).backup(new, BACKUP_PASS, actor=None)
    salt = new.read_bytes()[:16]
    assert salt[:3] == b"CPB" and (salt[3], salt[4], salt[5]) == (17, 8, 1)
    assert backup_files.check_backup(new, BACKUP_PASS).people == 0
    # A backup as the earlier release wrote it: a wholly random salt, scrypt N=2^15.
    old = tmp_path / "old.cpbackup"
    old_salt = b"\x00" + os.urandom(15)
    old_key = keys.derive_key(BACKUP_PASS, old_salt, 2**15, 8, 1)
    with ctx.store.sessions() as session:
        raw = session.connection().connection.dbapi_connection
        backup_files._export(raw, old, backup_files._raw(old_key, old_salt))
    assert backup_kdf.settings(old.read_bytes()[:16]) == (2**15, 8, 1)
    assert backup_files.check_backup(old, BACKUP_PASS).people == 0


# ---- file permissions --------------------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The report's machine: umask 022, so anything not made private on purpose would be 0644/0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _modes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in [folder, *folder.rglob("*")]
        if p.name != "careplanner.lock"
    }


def test_the_store_its_key_file_and_journal_files_are_private_even_under_umask_022(
    loose_umask: None, paths: Paths, tmp_path: Path
) -> None:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    try:
        person_with_agreed_plan(ctx, ctx.services.users.ensure_first_clinician(), "Walking the dog")
        backup = tmp_path / "out" / "b.cpbackup"
        backup.parent.mkdir()
        BackupService(ctx.store.sessions).backup(backup, BACKUP_PASS, actor=None)
        modes = _modes(paths.data_dir)
        assert {modes[name] for name in ("careplanner.db", "careplanner.db-wal", "careplanner.db-shm")} == {
            "0o600"
        }
        assert modes["careplanner.store.json"] == "0o600"
        assert {modes[name] for name in (".", "logs", "backups")} == {"0o700"}
        assert oct(stat.S_IMODE(backup.stat().st_mode)) == "0o600"
    finally:
        ctx.close()
    result = maintenance.restore(paths, backup, BACKUP_PASS, passphrase=TEST_PASSPHRASE)
    assert result.kept_aside is not None and oct(stat.S_IMODE(result.kept_aside.stat().st_mode)) == "0o600"
    assert oct(stat.S_IMODE(paths.store_file.stat().st_mode)) == "0o600"


def test_every_file_the_command_line_makes_is_private(loose_umask: None, tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = resolve_paths(home / "store")
    passfile = tmp_path / "pass"
    passfile.write_bytes(TEST_PASSPHRASE)
    base = [
        sys.executable,
        "-m",
        "careplanner",
        "--data-dir",
        str(store.data_dir),
        "--passphrase-file",
        str(passfile),
    ]
    env = {**os.environ, "CAREPLANNER_HOME": str(home)}

    def cli(*args: str) -> None:
        done = subprocess.run(
            [*base, *args], capture_output=True, text=True, env=env, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr

    cli("seed", "--patients", "3")
    add_accounts(store)
    out = tmp_path / "exports"
    out.mkdir(mode=0o755)
    bp = tmp_path / "bp"
    bp.write_bytes(BACKUP_PASS)
    cli(*as_user(ADMIN, tmp_path), "backup", str(out / "b.cpbackup"), "--backup-passphrase-file", str(bp))
    cli(*as_user(ADMIN, tmp_path), "audit", "export", "--csv", str(out / "audit.csv"))
    files = {k: v for k, v in _modes(store.data_dir).items() if (store.data_dir / k).is_file()}
    folders = {k: v for k, v in _modes(store.data_dir).items() if (store.data_dir / k).is_dir()}
    assert files and set(files.values()) == {"0o600"}, files
    assert set(folders.values()) == {"0o700"}, folders
    assert "logs/careplanner.log" in files
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in out.iterdir()} == {"0o600"}


def test_files_an_earlier_release_left_world_readable_are_made_private_at_the_next_start(
    loose_umask: None, ctx: AppContext, paths: Paths
) -> None:
    ctx.close()
    for path in [paths.data_dir, paths.backup_dir, *paths.data_dir.iterdir()]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # as the report found them
    again = open_context(paths, passphrase=TEST_PASSPHRASE)
    try:
        modes = _modes(paths.data_dir)
        assert modes["."] == modes["backups"] == "0o700"
        assert modes["careplanner.db"] == modes["careplanner.store.json"] == "0o600"
    finally:
        again.close()
