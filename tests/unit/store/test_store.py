"""The store: encrypted at rest, and every way it can fail to open leaves the file untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from careplanner.app import open_context
from careplanner.config import Paths
from careplanner.store import keys
from careplanner.store.errors import (
    KeyringUnavailableError,
    NewerStoreError,
    NotAStoreError,
    WrongKeyError,
)
from tests.conftest import TEST_PASSPHRASE, make_person


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder_digests(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _made_store(paths: Paths) -> None:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    actor = ctx.services.users.ensure_first_clinician()
    ctx.services.people.create(make_person(first_name="Wilhelmina", family_name="Xanthopoulos"), actor)
    ctx.close()


def test_file_and_wal_hold_no_plaintext(paths: Paths) -> None:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    actor = ctx.services.users.ensure_first_clinician()
    ctx.services.people.create(make_person(first_name="Wilhelmina", family_name="Xanthopoulos"), actor)
    # Read while open, so the WAL file still holds the newest pages.
    files = [p for p in paths.data_dir.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for p in files:
        data = p.read_bytes()
        assert b"Xanthopoulos" not in data, p.name
        assert "Xanthopoulos".encode("utf-16-le") not in data, p.name
        assert b"9434765919" not in data, p.name
    ctx.close()
    assert not paths.store_file.read_bytes().startswith(b"SQLite format 3")


def test_store_reopens_with_same_passphrase(paths: Paths) -> None:
    _made_store(paths)
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    assert [p.family_name for p in ctx.services.people.search("xanth")] == ["Xanthopoulos"]
    ctx.close()


def test_wrong_passphrase_is_refused_and_file_unchanged(paths: Paths) -> None:
    _made_store(paths)
    before = _folder_digests(paths.data_dir)
    with pytest.raises(WrongKeyError) as err:
        open_context(paths, passphrase=b"not the passphrase", create=False)
    assert err.value.exit_code == WrongKeyError.exit_code
    assert _folder_digests(paths.data_dir) == before


def test_corrupt_file_is_refused_and_left_byte_identical(paths: Paths) -> None:
    _made_store(paths)
    data = bytearray(paths.store_file.read_bytes())
    data[100:140] = b"\x00" * 40  # damage page 1
    paths.store_file.write_bytes(bytes(data))
    before = _folder_digests(paths.data_dir)
    with pytest.raises(NotAStoreError):
        open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    assert _folder_digests(paths.data_dir) == before


def test_truncated_file_is_refused(paths: Paths) -> None:
    _made_store(paths)
    data = paths.store_file.read_bytes()
    paths.store_file.write_bytes(data[: len(data) // 2 + 100])
    before = _digest(paths.store_file)
    with pytest.raises(NotAStoreError):
        open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    assert _digest(paths.store_file) == before


def test_plain_sqlite_file_is_not_a_store(paths: Paths) -> None:
    _made_store(paths)
    paths.store_file.unlink()
    conn = sqlite3.connect(paths.store_file)
    conn.execute("create table t(x)")
    conn.commit()
    conn.close()
    before = _digest(paths.store_file)
    with pytest.raises(NotAStoreError, match="unencrypted"):
        open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    assert _digest(paths.store_file) == before


def test_missing_key_info_never_makes_a_new_store(paths: Paths) -> None:
    _made_store(paths)
    paths.store_info_file.unlink()
    before = _digest(paths.store_file)
    with pytest.raises(NotAStoreError):
        open_context(paths, passphrase=TEST_PASSPHRASE)
    assert _digest(paths.store_file) == before
    assert not paths.store_info_file.exists()


def test_newer_store_is_refused_untouched(paths: Paths) -> None:
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    with ctx.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    ctx.close()
    before = _folder_digests(paths.data_dir)
    with pytest.raises(NewerStoreError):
        open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    assert _folder_digests(paths.data_dir) == before


def test_no_secure_keyring_means_no_store_without_passphrase(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(KeyringUnavailableError):
        open_context(paths)
    assert not paths.store_file.exists()
    assert not paths.store_info_file.exists()


def test_plaintext_keyring_backends_are_not_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert keys.keyring_is_secure() is False


def test_integrity_check_and_pragmas(ctx: object) -> None:
    from careplanner.app import AppContext

    assert isinstance(ctx, AppContext)
    assert ctx.store.integrity_check() == []
    with ctx.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
