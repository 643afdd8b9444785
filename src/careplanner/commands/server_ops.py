"""`careplanner server check | backup | restore | import-store`: what a practice's IT runs on the server.

Each connects with the database account named in `--url` (the owner `server init` made, or a superuser),
its password from `--password-file FILE`, from libpq's own .pgpass / PGPASSFILE, or typed when asked.
Exit 0 when all is well, 1 with plain lines when something is wrong; connection problems keep the exit
codes of server/errors.py (40 unreachable, 41 certificate, 42 schema, 6 sign-in).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from careplanner.commands.server_cmds import as_owner, owner_address, owner_options
from careplanner.server.ops import DEFAULT_MAX_BACKUP_AGE_HOURS


def add_server_ops(server_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add check, backup, restore and import-store to the `server` command's sub-parser."""
    check = server_sub.add_parser(
        "check",
        help="report the server's version, schema, connections, last backup, triggers and audit trail",
    )
    owner_options(check)
    check.add_argument(
        "--max-backup-age",
        metavar="HOURS",
        type=float,
        default=DEFAULT_MAX_BACKUP_AGE_HOURS,
        help=f"report a last backup older than this (default {DEFAULT_MAX_BACKUP_AGE_HOURS})",
    )
    check.set_defaults(func=run_check)

    backup = server_sub.add_parser("backup", help="back up the practice database with pg_dump into DIR")
    owner_options(backup)
    backup.add_argument("--to", metavar="DIR", required=True, help="folder for the backup file")
    backup.set_defaults(func=run_backup)

    restore = server_sub.add_parser(
        "restore",
        help="restore a `server backup` file into an empty database of the backed-up database's name, "
        "give its grants again, then check it",
    )
    owner_options(restore)
    restore.add_argument("file", metavar="FILE", help="the .dump file made by `careplanner server backup`")
    restore.add_argument(
        "--test-copy",
        action="store_true",
        help="restore into a database of another name, only to test the backup (nobody can sign in to it)",
    )
    restore.set_defaults(func=run_restore)

    secret = server_sub.add_parser(
        "set-password",
        help="give an account a password on this server (as the database owner: e.g. after a restore onto "
        "a new server, when no administrator can sign in)",
    )
    owner_options(secret)
    secret.add_argument("username", metavar="NAME", help="the account's user name in the app")
    secret.add_argument(
        "--new-password-file", metavar="FILE", help="the account's new password (else asked twice)"
    )
    secret.set_defaults(func=run_set_password)

    move = server_sub.add_parser(
        "import-store",
        help="move this workstation's store onto a new, empty practice database (the store is unchanged)",
    )
    owner_options(move)
    move.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="the workstation store's folder"
    )
    move.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="the store's passphrase (when it is not kept in this computer's keyring)",
    )
    move.set_defaults(func=run_import_store)


def run_check(args: argparse.Namespace) -> int:
    from careplanner.server.ops import server_check

    address = owner_address(args)
    report = as_owner(
        args, address, lambda pw: server_check(address, pw, max_backup_age_hours=args.max_backup_age)
    )
    for line in report.lines:
        print(line)
    for problem in report.problems:
        print(f"PROBLEM: {problem}")
    print("Server check: ok" if report.ok else f"Server check FAILED: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    from careplanner.server.backup import backup

    address = owner_address(args)
    result = as_owner(args, address, lambda pw: backup(address, pw, Path(args.to)))
    print(f"Backup written: {result.path} ({result.size_bytes} bytes, readable by this account only)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from careplanner.server.ops import server_check
    from careplanner.server.restore import restore

    address = owner_address(args)

    def both(pw: str | None) -> int:
        result = restore(address, pw, Path(args.file), test_copy=args.test_copy)
        if result.test_copy:
            print(
                f"Restored a copy of {result.source} into {address.database}, to test the backup only: "
                f"nobody can sign in to it. Check it, then remove it (dropdb {address.database})."
            )
        else:
            print(
                f"Restored into {address.database}; its groups and grants were given as `server init` does."
            )
        print("Checking it:")
        report = server_check(address, pw, max_backup_age_hours=float("inf"))
        for line in report.lines:
            print(line)
        wrong = [p for p in report.problems if not p.startswith("No backup")]
        for problem in wrong:
            print(f"PROBLEM: {problem}")
        if result.without_login:
            print(
                f"Accounts that cannot sign in on this server yet ({len(result.without_login)}): "
                f"{', '.join(result.without_login)}. Give each a password: an administrator who can sign "
                "in uses Users, Set password in the app; otherwise, as the database owner: careplanner "
                f"server set-password --url URL NAME (first for an administrator)."
            )
        print("Restore check: ok" if not wrong else "Restore check FAILED")
        return 0 if not wrong else 1

    return as_owner(args, address, both)


def run_set_password(args: argparse.Namespace) -> int:
    from careplanner.commands.common import read_secret
    from careplanner.server.owner_password import set_password_as_owner
    from careplanner.services.auth import check_password_rules

    address = owner_address(args)
    new = read_secret(args.new_password_file, f"New password for {args.username}", confirm=True).decode(
        "utf-8", errors="replace"
    )
    check_password_rules(new)  # before the server is asked anything
    as_owner(args, address, lambda pw: set_password_as_owner(address, pw, args.username, new))
    print(f"{args.username} can now sign in on this server with the new password.")
    return 0


def run_import_store(args: argparse.Namespace) -> int:
    from careplanner.app import open_context, paths_for, read_passphrase_file
    from careplanner.server.import_store import move_store
    from careplanner.server.ops import ServerOpsError
    from careplanner.services.store_verify import verify_store
    from careplanner.store.errors import StoreError

    address = owner_address(args)
    paths = paths_for(getattr(args, "data_dir", None))
    if not paths.store_info_file.exists():
        raise StoreError("There is no store in this data folder.")
    phrase_file = getattr(args, "passphrase_file", None)
    passphrase = read_passphrase_file(phrase_file) if phrase_file else None
    ctx = open_context(paths, passphrase=passphrase, create=False)
    try:
        trust = verify_store(ctx.store.sessions, paths.data_dir)
        if not trust.ok:
            raise ServerOpsError(
                "The store shows changes made outside the app (run `careplanner check`): it was not moved."
            )
        with ctx.store.engine.connect() as local:
            result = as_owner(args, address, lambda pw: move_store(local, address, pw))
    finally:
        ctx.close()
    moved = sum(result.rows.values())
    print(f"Moved {moved} records ({result.rows.get('person', 0)} people) onto {address.database}.")
    print(
        f"Audit trail on the server: intact ({result.audit_entries} entries); "
        f"agreed or declined versions verified: {result.versions}."
    )
    if result.accounts:
        print(
            f"Accounts moved ({len(result.accounts)}): {', '.join(result.accounts)}. Passwords stay on this "
            "computer: an administrator gives each account a server password (Users, Set password) before "
            "it can sign in there."
        )
    print("This computer's store was not changed. Next, join the workstations (`careplanner join`).")
    return 0
