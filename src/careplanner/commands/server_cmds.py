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
from typing import TypeVar

from careplanner.commands.common import read_secret
from careplanner.server.connection import ServerAddress
from careplanner.store.errors import StoreError

T = TypeVar("T")

URL_HELP = (
    "the practice database as its owner, e.g. "
    "'postgresql://careplanner_owner@127.0.0.1/careplanner?sslmode=disable' on the server itself, or "
    "'postgresql://careplanner_owner@cp-server.practice.local/careplanner?sslmode=verify-full"
    "&sslrootcert=practice-ca.pem' from another computer"
)
ADMIN_HELP = (
    "the first server administrator's user name; when a workstation's store will be moved onto this "
    "server (server import-store), choose a name that store does not use (e.g. it-admin)"
)
# What a workstation should use: the server's own name, TLS verified against the practice CA.
WORKSTATION_HOST = "SERVER-NAME"
CA_FILE = "practice-ca.pem"


class PasswordFileError(StoreError):
    """The password file named on the command line cannot be read (a usage problem, not the store's)."""

    exit_code = 2


def read_password_file(path: str) -> str:
    """The database account's password from --password-file; a plain message when it cannot be read."""
    from careplanner.app import read_passphrase_file

    try:
        return read_passphrase_file(path).decode("utf-8", errors="replace")
    except StoreError as exc:
        reason = str(exc).split("(", 1)[1].rstrip(").") if "(" in str(exc) else "unreadable"
        raise PasswordFileError(f"The password file could not be read ({reason}).") from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    server = sub.add_parser("server", help="set up, upgrade and look after the practice server (IT)")
    ssub = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    init = ssub.add_parser(
        "init",
        help="set up an empty practice database: its schema, roles and first administrator",
        description="Set up an empty practice database: its schema, roles and first administrator. Example "
        "(on the server): careplanner server init --url "
        "'postgresql://careplanner_owner@127.0.0.1/careplanner?sslmode=disable' --admin it-admin. "
        "If a workstation's store will be moved onto this server (server import-store), give the first "
        "administrator a user name that store does not use.",
    )
    owner_options(init)
    init.add_argument("--admin", required=True, metavar="NAME", help=ADMIN_HELP)
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


def as_owner(args: argparse.Namespace, address: ServerAddress, work: Callable[[str | None], T]) -> T:
    """Run `work(password)`: from --password-file, else libpq's own sources, else asked at the terminal."""
    from careplanner.server.ops import PasswordNeededError

    path = getattr(args, "password_file", None)
    if path:
        return work(read_password_file(path))
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

    username = as_owner(args, address, work)
    print(f"The practice database {address.database} is set up, with the administrator {username}.")
    print(workstation_lines(address, username))
    return 0


def workstation_lines(address: ServerAddress, admin: str) -> str:
    """What a workstation joins with: the server's name (not loopback), verify-full and the CA file."""
    loopback = address.host in ("127.0.0.1", "::1", "localhost") or address.host.startswith("/")
    host = WORKSTATION_HOST if loopback else address.host
    ca = CA_FILE if loopback or not address.sslrootcert else address.sslrootcert
    port = "" if address.port == 5432 else f":{address.port}"
    url = f"postgresql://{host}{port}/{address.database}?sslmode=verify-full"
    return (
        f"On each workstation (with the practice CA certificate {ca}"
        + (f"; {WORKSTATION_HOST} is this server's name in its TLS certificate" if loopback else "")
        + f"):\n  careplanner join --url '{url}' --ca-file {ca} --user NAME\n"
        "Add the staff accounts as the administrator: careplanner --server "
        f"'{url}&sslrootcert={ca}' --user {admin} users add NAME --name 'Their name' --role nurse"
    )


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

    before, after = as_owner(args, address, work)
    if before == after:
        print(f"The practice database is already at schema {after}; its grants were given again.")
    else:
        print(
            f"The practice database was upgraded from schema {before} to {after}, and its grants given again."
        )
    return 0
