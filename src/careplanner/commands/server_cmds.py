"""`careplanner server init | upgrade` (and, from other modules, the rest of `careplanner server …`).

Run by the practice's IT as the account that owns the practice database (named in --url, e.g.
postgresql://careplanner_owner@HOST/careplanner?sslmode=verify-full&sslrootcert=ca.pem), with that account's
password from --password-file FILE, from libpq's own .pgpass / PGPASSFILE, or typed when asked. `init` also
makes the practice's first administrator, whose password comes from --admin-password-file FILE (or is typed
twice). No password is ever a command-line argument.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from careplanner.commands.common import read_secret
from careplanner.server.connection import ServerAddress

T = TypeVar("T")

URL_HELP = "the practice database as its owner, e.g. postgresql://careplanner_owner@HOST/careplanner"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    server = sub.add_parser("server", help="set up, upgrade and look after the practice server (IT)")
    ssub = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    init = ssub.add_parser(
        "init", help="set up an empty practice database: its schema, roles and first administrator"
    )
    owner_options(init)
    init.add_argument("--admin", required=True, metavar="NAME", help="the first administrator's user name")
    init.add_argument("--display-name", metavar="NAME", help="their name as shown in the app")
    init.add_argument(
        "--admin-password-file", metavar="FILE", help="the first administrator's password (else asked twice)"
    )
    init.set_defaults(func=run_init)

    up = ssub.add_parser("upgrade", help="upgrade the practice database to this release, and its grants")
    owner_options(up)
    up.set_defaults(func=run_upgrade)

    add_server_subcommands(ssub)


def add_server_subcommands(ssub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Further `server` actions registered by other command modules (check, backup, restore, import-store)."""
    from careplanner.commands.server_ops import add_server_ops

    add_server_ops(ssub)


def owner_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", metavar="URL", required=True, help=URL_HELP)
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="the password of the database owner in --url (else .pgpass, else you are asked)",
    )


def owner_address(args: argparse.Namespace) -> ServerAddress:
    address = ServerAddress.parse(args.url)
    if not address.user:
        from careplanner.server.errors import ServerSignInError

        raise ServerSignInError(
            "Name the database owner in the address (postgresql://OWNER@HOST/DATABASE). Nothing was changed."
        )
    return address


def _as_owner(args: argparse.Namespace, address: ServerAddress, work: Callable[[str | None], T]) -> T:
    """Run `work(password)`: from --password-file, else libpq's own sources, else asked at the terminal."""
    from careplanner.server.ops import PasswordNeededError

    path = getattr(args, "password_file", None)
    if path:
        return work(read_secret(path, "Owner password").decode("utf-8", errors="replace"))
    try:
        return work(None)
    except PasswordNeededError:
        if not sys.stdin.isatty():
            raise
    return work(getpass.getpass(f"Password for {address.user} on {address.host}: "))


def run_init(args: argparse.Namespace) -> int:
    from careplanner.server.ops import owner_engine
    from careplanner.server.provision import init_server
    from careplanner.services.auth import check_password_rules

    address = owner_address(args)
    admin_password = read_secret(
        args.admin_password_file, f"Password for the administrator {args.admin}", confirm=True
    ).decode("utf-8", errors="replace")
    check_password_rules(admin_password)  # before the server is asked anything

    def work(password: str | None) -> str:
        engine = owner_engine(address, password)
        try:
            made = init_server(engine, args.admin, args.display_name or args.admin, admin_password)
        finally:
            engine.dispose()
        return made.username

    username = _as_owner(args, address, work)
    bare = replace(address, user=None).url()
    print(
        f"The practice database {address.database} is set up, with the administrator {username}. "
        f"Workstations connect with: careplanner --server '{bare}' --user NAME …"
    )
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    from careplanner.server.ops import owner_engine
    from careplanner.server.provision import upgrade_server

    address = owner_address(args)

    def work(password: str | None) -> tuple[str | None, str]:
        engine = owner_engine(address, password)
        try:
            return upgrade_server(engine)
        finally:
            engine.dispose()

    before, after = _as_owner(args, address, work)
    if before == after:
        print(f"The practice database is already at schema {after}; its grants were given again.")
    else:
        print(
            f"The practice database was upgraded from schema {before} to {after}, and its grants given again."
        )
    return 0
