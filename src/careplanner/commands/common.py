"""Helpers shared by commands: opening the store the way the global options say, and signing in.

Every command that reads or writes a person's record signs in first, as the app does: `--user NAME` with the
password from `--password-file FILE` (for scheduled jobs) or typed at a prompt without echo. The signed-in
account's role decides what the command may do, and the audit trail names that account. Only the demo store
(synthetic people, marked inside its encrypted file) is used without signing in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date

from careplanner.app import (
    AppContext,
    open_context,
    paths_for,
    read_passphrase_file,
    refuse_shared_folder,
    setup_logging,
)
from careplanner.clinical.enums import UserRole
from careplanner.commands.options import add_sign_in_options as add_sign_in_options
from careplanner.services.auth import Permission, SignInError, require
from careplanner.services.errors import NotAllowedError, ValidationError
from careplanner.services.users import Actor
from careplanner.store.errors import StoreError

SIGN_IN_NEEDED = (
    "This command needs you to sign in: add --user NAME (and --password-file FILE, or type the password "
    "when asked)."
)


def server_url_from_args(args: argparse.Namespace) -> str | None:
    """The practice server to open: `--server URL` (the one place commands read it), else the server this
    workstation joined (`careplanner join`), else None: this computer's own store."""
    url = getattr(args, "server", None)
    return str(url) if url else joined_server_url(args)


def open_server_from_args(args: argparse.Namespace, url: str) -> AppContext:
    """The practice server, connected as the person in --user: their own login role, with their password
    (read now, from --password-file or typed), so the server enforces their role. A wrong password is the
    same plain refusal as on a workstation (exit 6)."""
    from careplanner.app import open_server_context
    from careplanner.server.accounts import login_address
    from careplanner.server.connection import ServerAddress

    address = ServerAddress.parse(url)
    username, password = password_from_args(args)
    paths = paths_for(args.data_dir)
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=getattr(args, "verbose", False))
    return open_server_context(login_address(address, username), password, paths)


def open_from_args(args: argparse.Namespace, *, create: bool = True) -> AppContext:
    if not getattr(args, "server", None):
        replica = open_replica_from_args(args)
        if replica is not None:  # joined in replica mode: this computer's own copy of the practice
            return replica
    url = server_url_from_args(args)
    if url is not None:
        return open_server_from_args(args, url)
    paths = paths_for(args.data_dir)
    passphrase = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
    refuse_shared_folder(paths)
    if not create and not paths.store_info_file.exists() and not paths.store_file.exists():
        # Said before anything is made: a command on the wrong folder leaves no log or lock file in it.
        raise StoreError("There is no store in this data folder yet.")
    if create:
        paths.ensure()
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=getattr(args, "verbose", False))
    ctx = open_context(paths, passphrase=passphrase, create=create)
    for notice in ctx.notices:  # what the start settled from an earlier crash, in plain words
        print(f"careplanner: {notice}", file=sys.stderr)
    return ctx


def open_replica_from_args(args: argparse.Namespace) -> AppContext | None:
    """This computer's own store as its copy of the practice server's records, when it joined in replica
    mode (`careplanner join --replica`); None otherwise (the keyring is not asked if it never joined)."""
    paths = paths_for(getattr(args, "data_dir", None))
    from careplanner.server.joined import is_joined

    if not is_joined(paths):
        return None
    from careplanner.app import open_replica_context
    from careplanner.sync.replica_open import replica_settings

    saved = replica_settings(paths)
    if saved is None:
        return None
    passphrase = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=getattr(args, "verbose", False))
    return open_replica_context(paths, saved, passphrase=passphrase)


def joined_server_url(args: argparse.Namespace) -> str | None:
    """The practice server this installation joined (`careplanner join`), as a URL ready to connect (its CA
    written where the driver reads it), or None for a workstation that never joined (nothing is asked of
    the keyring then). Raises a plain StoreError when it joined but the keyring has lost the settings."""
    from careplanner.server.joined import saved_url

    return saved_url(paths_for(getattr(args, "data_dir", None)))


def read_secret(path: str | None, prompt: str, *, confirm: bool = False) -> bytes:
    """A secret from a file, or typed at the terminal without echo; never a command-line argument."""
    if path:
        return read_passphrase_file(path)
    if not sys.stdin.isatty():
        raise ValidationError({"passphrase": f"{prompt}: give it with a file option (see --help)."})
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass("Again, to check: ") != first:
        raise ValidationError({"passphrase": "The two entries were different. Nothing was done."})
    if not first:
        raise ValidationError({"passphrase": "Nothing was entered. Nothing was done."})
    return first.encode("utf-8")


def password_from_args(args: argparse.Namespace) -> tuple[str, str]:
    """The user name and password asked for with --user (read before the store is opened)."""
    username = getattr(args, "user", None)
    if not username:
        raise SignInError(SIGN_IN_NEEDED)
    cached = getattr(args, "_password_read", None)
    if cached is not None:  # asked once per command (a server connects with it, then signs in)
        return username, str(cached)
    path = getattr(args, "password_file", None)
    try:
        secret = read_secret(path, f"Password for {username}")
    except StoreError as exc:  # the account's password file, not the store's passphrase: a usage error
        what = str(exc).removeprefix("The passphrase file ").rstrip(".")
        raise ValidationError(
            {"password_file": f"The account's password file (--password-file) {what}."}
        ) from exc
    password = secret.decode("utf-8", errors="replace")
    args._password_read = password
    return username, password


def sign_in(
    args: argparse.Namespace,
    ctx: AppContext,
    permission: Permission,
    *,
    admin: bool = False,
) -> Actor:
    """Sign in as --user and check the role may do this; the demo store needs no sign-in."""
    if ctx.demo:
        return ctx.services.users.ensure_first_clinician()
    username, password = password_from_args(args)
    if ctx.replica is not None:  # online through the practice server, or offline on this computer's copy
        return authorise(ctx.replica.sign_in(username, password), permission, admin=admin)
    return authorise(ctx.services.auth.sign_in(username, password), permission, admin=admin)


def authorise(actor: Actor, permission: Permission, *, admin: bool = False) -> Actor:
    require(actor, permission)
    if admin and actor.role is not UserRole.ADMIN:
        raise NotAllowedError("Only an administrator can do this.")
    return actor


def parse_date_arg(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: f"'{text}' is not a date: use YYYY-MM-DD."}) from None
