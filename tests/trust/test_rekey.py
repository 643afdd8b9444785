"""Changing the store key keeps every record, and a crash half-way never locks the practice out."""

from __future__ import annotations

import pytest

from careplanner.app import AppContext, open_context
from careplanner.config import Paths
from careplanner.services import maintenance
from careplanner.services.audit import Action
from careplanner.services.users import Actor
from careplanner.store import keys, rekey
from careplanner.store.errors import WrongKeyError
from tests.conftest import TEST_PASSPHRASE
from tests.trust.helpers import person_with_agreed_plan

NEW = b"a brand new store passphrase"


def test_new_passphrase_opens_the_same_records_and_the_old_one_no_longer_does(
    ctx: AppContext, actor: Actor, paths: Paths
) -> None:
    person_id = person_with_agreed_plan(ctx, actor, "Singing in the choir")
    ctx.close()
    before = keys.read_info(paths.store_info_file)
    info = maintenance.change_key(paths, passphrase=TEST_PASSPHRASE, new_passphrase=NEW)
    assert info.key_check != before.key_check
    assert info.store_id == before.store_id
    assert not rekey.pending_file(paths.store_info_file).exists()
    with pytest.raises(WrongKeyError):
        open_context(paths, passphrase=TEST_PASSPHRASE)
    reopened = open_context(paths, passphrase=NEW)
    try:
        plan = reopened.services.plans.latest_agreed(person_id)
        assert plan is not None
        assert plan.content.about_me.about.what_matters == "Singing in the choir"
        assert reopened.store.integrity_check() == []
        assert reopened.services.audit.entries(limit=1)[0].action == Action.REKEY
    finally:
        reopened.close()


def test_crash_after_the_rekey_but_before_the_key_file_is_finished_in_the_next_start(
    ctx: AppContext, actor: Actor, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    person_with_agreed_plan(ctx, actor, "Fishing")
    ctx.close()

    def crash(*_args: object, **_kwargs: object) -> None:
        raise SystemExit("power cut")

    monkeypatch.setattr(rekey, "_promote", crash)
    with pytest.raises(SystemExit):
        maintenance.change_key(paths, passphrase=TEST_PASSPHRASE, new_passphrase=NEW)
    monkeypatch.undo()
    assert rekey.pending_file(paths.store_info_file).exists()
    # The store now needs the new passphrase; the next start settles the key file.
    reopened = open_context(paths, passphrase=NEW)
    reopened.close()
    assert not rekey.pending_file(paths.store_info_file).exists()
    assert keys.unlock(keys.read_info(paths.store_info_file), NEW)


def test_crash_before_the_rekey_leaves_the_old_key_working(
    ctx: AppContext, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx.close()
    # The new key information is written, then the process dies before PRAGMA rekey.
    old = keys.read_info(paths.store_info_file)
    _key, made = keys.new_passphrase_info(NEW)
    keys.write_info(rekey.pending_file(paths.store_info_file), made)
    reopened = open_context(paths, passphrase=TEST_PASSPHRASE)
    reopened.close()
    assert not rekey.pending_file(paths.store_info_file).exists()
    assert keys.read_info(paths.store_info_file) == old


def test_a_passphrase_that_fits_neither_key_changes_nothing(ctx: AppContext, paths: Paths) -> None:
    ctx.close()
    _key, made = keys.new_passphrase_info(NEW)
    keys.write_info(rekey.pending_file(paths.store_info_file), made)
    with pytest.raises(WrongKeyError):
        open_context(paths, passphrase=b"neither of them")
    assert rekey.pending_file(paths.store_info_file).exists()


@pytest.mark.keyring
def test_rekey_into_the_keyring_and_again(ctx: AppContext, actor: Actor, paths: Paths) -> None:
    if not keys.keyring_is_secure():
        pytest.skip("needs a real Secret Service (run under dbus-run-session with gnome-keyring)")
    person_with_agreed_plan(ctx, actor, "Bowls on Tuesdays")
    ctx.close()
    first = maintenance.change_key(paths, passphrase=TEST_PASSPHRASE, new_passphrase=None)
    assert first.key_source == "keyring"
    key1 = keys.unlock(first, None)
    second = maintenance.change_key(paths, passphrase=None, new_passphrase=None)
    key2 = keys.unlock(second, None)
    assert key1 != key2
    reopened = open_context(paths)
    try:
        assert reopened.services.people.count() == 1
    finally:
        reopened.close()
    keys.forget_keyring_key(second.store_id)
