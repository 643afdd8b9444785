"""Signing in on a replica: online the practice server checks the password (the person's own login role)
and this computer keeps a verifier; offline that verifier lets the same person in, nobody else; a password
the server no longer accepts stops working offline too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from careplanner.app import AppContext, open_replica_context
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.server.errors import ServerSignInError
from careplanner.server.joined import JoinedServer
from careplanner.services.auth import SignInError
from careplanner.sync.documents import Document, read_document
from tests import server_support
from tests.conftest import TEST_PASSPHRASE
from tests.server_provisioned import ProvisionedDatabase
from tests.sync_support.proxy import Proxy

NEW_PASSWORD = "a different long synthetic password"


@pytest.fixture
def db() -> Iterator[ProvisionedDatabase]:
    made = server_support.provisioned_database(accounts=[("nia", "Nia Nurse-Synthetic", UserRole.NURSE)])
    yield made
    made.server.drop_database(made.database)


@pytest.fixture
def proxy(db: ProvisionedDatabase) -> Iterator[Proxy]:
    with Proxy(("127.0.0.1", db.server.cluster.port)) as made:
        yield made


@pytest.fixture
def replica(db: ProvisionedDatabase, proxy: Proxy, tmp_path: Path) -> Iterator[AppContext]:
    saved = JoinedServer(
        address=replace(db.address(None), port=proxy.port),
        ca_pem=None,
        joined_at="2026-11-30",
        mode="replica",
    )
    ctx = open_replica_context(resolve_paths(tmp_path / "replica"), saved, passphrase=TEST_PASSPHRASE)
    yield ctx
    ctx.close()


def test_offline_sign_in_only_for_people_seen_online_and_never_with_a_password_the_server_dropped(
    db: ProvisionedDatabase, proxy: Proxy, replica: AppContext, tmp_path: Path
) -> None:
    link = replica.replica
    assert link is not None
    # Offline before anyone signed in here: nobody can sign in.
    proxy.offline()
    with pytest.raises(SignInError, match="cannot be reached"):
        link.sign_in("nia", db.password)
    # Online: the server checks the password, and the new copy is filled from the server.
    proxy.online()
    nia = link.sign_in("nia", db.password)
    assert link.online and replica.services.users.by_username("nia") == nia
    # The copy's accounts (administrators included) came from the server without password hashes: that
    # is not a new practice needing its first administrator.
    assert not replica.services.auth.needs_first_run()
    assert link.engine().status().waiting == 0
    # Keeping this computer's verifier moved nothing sync compares (app_user.updated_at stayed the server's).
    link.engine().cycle()
    assert _user_here(replica, nia.id) == _user_on_server(db, nia.id)
    # Offline: the same person and password get in; a wrong password and another account do not.
    proxy.offline()
    assert link.sign_in("nia", db.password).id == nia.id and not link.online
    with pytest.raises(SignInError):
        link.sign_in("nia", "not the right password at all")
    with pytest.raises(SignInError):
        link.sign_in(db.admin, db.password)  # never signed in on this computer
    assert link.engine().status().waiting == 0  # a failed attempt's count stays here: nothing to send
    # The password is changed on the server: the old one is refused there, and then here offline too.
    proxy.online()
    admin_ctx, admin = db.open_as(db.admin, resolve_paths(tmp_path / "admin"))
    try:
        admin_ctx.services.auth.set_password(nia.id, NEW_PASSWORD, admin)
    finally:
        admin_ctx.close()
    with pytest.raises(ServerSignInError):
        link.sign_in("nia", db.password)
    proxy.offline()
    with pytest.raises(SignInError):
        link.sign_in("nia", db.password)
    proxy.online()
    assert link.sign_in("nia", NEW_PASSWORD).id == nia.id and link.online
    # The failed attempts counted here changed nothing the server's copy of the account must match.
    link.engine().cycle()
    assert _user_here(replica, nia.id) == _user_on_server(db, nia.id)
    proxy.offline()
    assert link.sign_in("nia", NEW_PASSWORD).id == nia.id


def _user_on_server(db: ProvisionedDatabase, user_id: str) -> Document:
    owner = db.owner_engine()
    try:
        with owner.connect() as conn:
            return read_document(conn, "user", user_id)
    finally:
        owner.dispose()


def _user_here(replica: AppContext, user_id: str) -> Document:
    with replica.store.sessions() as session:
        return read_document(session.connection(), "user", user_id)
