"""Signing in on the command line in tests: accounts made once on a real store, then `--user` arguments.

Every command that reads or writes a person's record signs in (`--user NAME --password-file FILE`). The
accounts are made in-process on the real encrypted store with a low-cost (still Argon2id) hash, so each
command-line sign-in stays quick.
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from careplanner.app import open_context
from careplanner.clinical.enums import UserRole
from careplanner.config import Paths
from careplanner.services.auth import AuthService
from tests.conftest import TEST_PASSPHRASE

PASSWORD = "a long synthetic account password"
ADMIN = "ada"  # administrator
CLINICIAN = "nia"  # nurse
READER = "rory"  # read-only

_ACCOUNTS = (
    (CLINICIAN, "Nia Nurse-Synthetic", UserRole.NURSE),
    (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
)


def password_file(folder: Path) -> Path:
    path = folder / "account-password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def add_accounts(paths: Paths, passphrase: bytes | None = TEST_PASSPHRASE) -> None:
    """An administrator, a nurse and a read-only account on the store at `paths` (kept if already there)."""
    ctx = open_context(paths, passphrase=passphrase, create=False)
    try:
        auth = AuthService(
            ctx.store.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        if auth.needs_first_run():
            admin = auth.create_first_admin(username=ADMIN, display_name="Ada Admin", password=PASSWORD)
        else:
            found = ctx.services.users.by_username(ADMIN)
            assert found is not None, "the store has another administrator"
            admin = found
        for username, name, role in _ACCOUNTS:
            if ctx.services.users.by_username(username) is None:
                auth.add_user(username=username, display_name=name, role=role, password=PASSWORD, actor=admin)
    finally:
        ctx.close()


def as_user(user: str, folder: Path) -> list[str]:
    """The sign-in arguments for `user` (the password in a file under `folder`)."""
    return ["--user", user, "--password-file", str(password_file(folder))]


def signed_in(
    paths: Paths,
    tmp_path: Path,
    *argv: str,
    user: str = CLINICIAN,
    passphrase: bytes = TEST_PASSPHRASE,
) -> list[str]:
    """Full in-process `run()` arguments: the store, its passphrase, and `user` signed in."""
    add_accounts(paths, passphrase)
    pf = tmp_path / "store-passphrase"
    pf.write_bytes(passphrase)
    return ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), *as_user(user, tmp_path), *argv]
