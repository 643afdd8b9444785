"""`careplanner join` (point this workstation at the practice server), `join --show` and `leave`.

The address (without any password) and the practice CA certificate are kept in the OS keyring
(server/joined.py). No password is kept: each clinician types their own when they sign in.
"""

from __future__ import annotations

import argparse
import sys

from careplanner.app import paths_for, setup_logging
from careplanner.commands.common import add_sign_in_options, password_from_args
from careplanner.config import Paths
from careplanner.server import joined, workstation
from careplanner.services.auth import SignInError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    join = sub.add_parser(
        "join",
        help="use the practice server from this computer (checks you can sign in there first)",
        description=(
            "Join this computer to the practice server: every command and the app then use the server. "
            "The address and the practice CA certificate are kept in this computer's keyring; no password "
            "is kept (each person signs in with their own)."
        ),
    )
    join.add_argument("--url", metavar="URL", help="postgresql://HOST:PORT/DATABASE?sslmode=verify-full")
    join.add_argument(
        "--ca-file", metavar="FILE", help="the practice CA certificate (PEM) from the practice's IT"
    )
    join.add_argument("--show", action="store_true", help="print the saved server address and exit")
    join.add_argument(
        "--replica",
        action="store_true",
        help="keep an encrypted copy of the practice's records on this computer and work on it, so work "
        "goes on when the server or the network is down (changes are synced: careplanner sync)",
    )
    add_sign_in_options(join)
    join.set_defaults(func=run_join)
    leave = sub.add_parser("leave", help="stop using the practice server: this computer's own store again")
    leave.add_argument(
        "--force",
        action="store_true",
        help="leave even though changes made on this computer (replica mode) have not reached the server",
    )
    leave.set_defaults(func=run_leave)


def _paths(args: argparse.Namespace) -> Paths:
    paths = paths_for(args.data_dir)
    paths.ensure()
    setup_logging(paths, verbose=getattr(args, "verbose", False))
    return paths


def run_join(args: argparse.Namespace) -> int:
    paths = _paths(args)
    if args.show:
        return _show(paths)
    if not args.url:
        print(
            "careplanner: give the server's address with --url postgresql://HOST:PORT/DATABASE",
            file=sys.stderr,
        )
        return 2
    if not getattr(args, "user", None):
        raise SignInError(
            "Joining checks that you can sign in on the server: add --user NAME (and --password-file FILE, "
            "or type the password when asked)."
        )
    username, password = password_from_args(args)
    if getattr(args, "replica", False):
        from careplanner.sync.replica_open import join_replica

        saved = join_replica(args.url, args.ca_file, username, password, paths)
        print(
            f"This computer now keeps its own encrypted copy of the practice server "
            f"{joined.describe(saved.address)}'s records, and works on it even when the server cannot be "
            "reached. Changes are sent and fetched by the app, or with `careplanner sync`."
        )
    else:
        saved = workstation.join(args.url, args.ca_file, username, password, paths)
        print(f"This computer now uses the practice server {joined.describe(saved.address)}.")
    if saved.ca_fingerprint:
        print(f"Practice CA certificate (SHA-256): {saved.ca_fingerprint}")
    print("Each person signs in with their own user name and password; no password is kept here.")
    note = None if saved.mode == "replica" else joined.local_store_note(paths)
    if note:
        print(f"careplanner: {note}", file=sys.stderr)
    return 0


def _show(paths: Paths) -> int:
    saved = joined.load(paths)
    if saved is None:
        print("This computer has not joined a practice server: it uses its own store.")
        return 0
    print(saved.shown())
    if saved.ca_fingerprint:
        print(f"Practice CA certificate (SHA-256): {saved.ca_fingerprint}")
    return 0


def run_leave(args: argparse.Namespace) -> int:
    paths = _paths(args)
    if not getattr(args, "force", False):
        from careplanner.sync.replica_open import waiting_here

        waiting = waiting_here(paths, args.passphrase_file)
        if waiting:
            print(
                f"careplanner: {waiting} record(s) changed on this computer have not reached the practice "
                "server yet: run `careplanner sync` first (or `leave --force` to keep them here only). "
                "Nothing was changed.",
                file=sys.stderr,
            )
            return 47
    if joined.forget(paths):
        print("This computer has left the practice server: it uses its own store again.")
    else:
        print("This computer had not joined a practice server: nothing was changed.")
    return 0
