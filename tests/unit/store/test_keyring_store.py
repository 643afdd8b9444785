"""The normal path on a workstation: a random key kept in the OS keyring (a real Secret Service here)."""

from __future__ import annotations

import os

import keyring
import pytest

from careplanner.app import open_context
from careplanner.config import Paths
from careplanner.store import keys
from careplanner.store.errors import KeyMissingError, WrongKeyError

pytestmark = pytest.mark.keyring


@pytest.fixture(autouse=True)
def _need_secret_service() -> None:
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")


def test_key_is_created_in_keyring_and_reused(paths: Paths) -> None:
    ctx = open_context(paths)
    ctx.close()
    info = keys.read_info(paths.store_info_file)
    assert info.key_source == "keyring"
    stored = keyring.get_password(keys.KEYRING_SERVICE, info.store_id)
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    assert stored not in paths.store_info_file.read_text()
    again = open_context(paths, create=False)
    assert again.store.integrity_check() == []
    again.close()
    keys.forget_keyring_key(info.store_id)


def test_missing_keyring_entry_is_its_own_error(paths: Paths) -> None:
    ctx = open_context(paths)
    ctx.close()
    info = keys.read_info(paths.store_info_file)
    keys.forget_keyring_key(info.store_id)
    before = paths.store_file.read_bytes()
    with pytest.raises(KeyMissingError):
        open_context(paths, create=False)
    assert paths.store_file.read_bytes() == before


def test_wrong_key_in_keyring_is_refused(paths: Paths) -> None:
    ctx = open_context(paths)
    ctx.close()
    info = keys.read_info(paths.store_info_file)
    keyring.set_password(keys.KEYRING_SERVICE, info.store_id, os.urandom(32).hex())
    with pytest.raises(WrongKeyError):
        open_context(paths, create=False)
    keys.forget_keyring_key(info.store_id)
