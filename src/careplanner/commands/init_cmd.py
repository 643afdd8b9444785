"""`careplanner init`: a new, empty encrypted store on this computer, with its first administrator.

    careplanner [--data-dir DIR] [--passphrase-file FILE] init --admin NAME --name "Full name"
        [--registration N] [--new-password-file FILE]

So a practice can be set up, and a record imported into a new store, from the command line alone. Every
input is read and checked before anything is made: a missing password file, a password that is too easy
to guess, a bad user name, a folder that already holds a store (or is on a network drive) each stop the
command with nothing written. The password comes from a file or is typed without echo, never from argv.
A practice server is set up with `careplanner server init` instead.
"""

from __future__ import annotations

import argparse

from careplanner.app import open_context, paths_for, read_passphrase_file, refuse_shared_folder, setup_logging
from careplanner.commands.common import read_secret, server_url_from_args
from careplanner.services.auth import check_password_rules
from careplanner.services.errors import ServiceError
from careplanner.services.usernames import clean_display_name, clean_username
from careplanner.store.strength import check_passphrase

# `init` on a folder that already holds a store (or part of one): nothing was changed.
INIT_EXISTS_EXIT_CODE = 12


class StoreExistsError(ServiceError):
    """`init` was asked for where a store already is (or its key file, or a half-made one)."""

    exit_code = INIT_EXISTS_EXIT_CODE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = sub.add_parser(
        "init", help="make a new, empty encrypted store with its first administrator (nothing else in it)"
    )
    init.add_argument("--admin", required=True, metavar="NAME", help="the administrator's user name")
    init.add_argument("--name", required=True, help="the administrator's name as shown in the app")
    init.add_argument("--registration", default="", help="professional registration number")
    init.add_argument(
        "--new-password-file", metavar="FILE", help="the administrator's password (else you are asked twice)"
    )
    init.set_defaults(func=run_init)


def run_init(args: argparse.Namespace) -> int:
    if getattr(args, "server", None):
        raise ServiceError(
            "init makes a store on this computer; set up a practice server with `server init`."
        )
    paths = paths_for(args.data_dir)
    refuse_shared_folder(paths)
    held = [p for p in (paths.store_file, paths.store_info_file) if p.exists()]
    if held or server_url_from_args(args) is not None:
        raise StoreExistsError(
            "This data folder already has a store (or this computer has joined a practice server): "
            "nothing was changed."
        )
    # Everything the store needs is read and checked first, so a refusal leaves no file behind.
    username = clean_username(args.admin)
    display_name = clean_display_name(args.name)
    store_passphrase = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
    if store_passphrase is not None:
        check_passphrase(store_passphrase)
    password = read_secret(args.new_password_file, "Password for the administrator", confirm=True).decode()
    check_password_rules(password)
    ctx = open_context(paths, passphrase=store_passphrase, create=True)
    try:
        setup_logging(paths, verbose=getattr(args, "verbose", False))
        made = ctx.services.auth.create_first_admin(
            username=username,
            display_name=display_name,
            password=password,
            registration_number=args.registration,
        )
    finally:
        ctx.close()
    print(
        f"Made a new, empty store in {paths.data_dir} with its administrator {made.username}. "
        "Add the practice's clinicians with `careplanner users add NAME --name ... --role nurse "
        f"--user {made.username}`."
    )
    return 0
