"""`backup`, `restore`, `rekey`, `audit verify|export` and `users add|list`.

Passphrases come from files (`--backup-passphrase-file`, `--new-passphrase-file`, `--password-file`)
for scheduled jobs, or are asked for on the terminal without echo. They are never command-line
arguments, which other users of the computer could read from the process list.

Each command here signs in (`--user NAME`): `backup` needs an account that may back up (a clinician or an
administrator); `restore`, `rekey`, `audit export` and `users` need an administrator - except the first
administrator of a new store, which `users add` makes without one. `audit verify` (like `check`) reads no
one's record and prints only counts, so it needs only the store's key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from careplanner.app import AppContext, open_for_backup, paths_for, read_passphrase_file, setup_logging
from careplanner.clinical.enums import UserRole
from careplanner.commands.common import (
    add_sign_in_options,
    authorise,
    open_from_args,
    parse_date_arg,
    password_from_args,
    read_secret,
    sign_in,
)
from careplanner.commands.progress import add_progress_option, watched
from careplanner.services import maintenance, trust_settings
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import AuthService, Permission
from careplanner.services.backups import BackupService
from careplanner.services.errors import ValidationError
from careplanner.services.output_guard import check_output_folder, check_output_path, write_output
from careplanner.services.store_verify import verify_store
from careplanner.services.users import Actor


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser("backup", help="write an encrypted backup of the store to FILE")
    b.add_argument("file", nargs="?", metavar="FILE", help="the backup file (with --scheduled: a folder)")
    b.add_argument("--backup-passphrase-file", metavar="FILE")
    b.add_argument("--scheduled", action="store_true", help="today's dated copy in the backup folder")
    b.add_argument("--keep", type=int, metavar="N", help="with --scheduled: copies to keep")
    add_sign_in_options(b)
    add_progress_option(b)
    b.set_defaults(func=run_backup)

    r = sub.add_parser("restore", help="replace the store with a backup (the current one is kept aside)")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--backup-passphrase-file", metavar="FILE")
    add_sign_in_options(r)
    add_progress_option(r)
    r.set_defaults(func=run_restore)

    k = sub.add_parser("rekey", help="change the store's key (a new keyring key, or a new passphrase)")
    k.add_argument("--new-passphrase-file", metavar="FILE", help="protect the store with this passphrase")
    add_sign_in_options(k)
    k.set_defaults(func=run_rekey)

    a = sub.add_parser("audit", help="check or export the audit trail")
    asub = a.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check the audit trail's hash chain; exit 1 when it is broken")
    v.set_defaults(func=run_audit_verify)
    e = asub.add_parser("export", help="write audit entries to a CSV file")
    e.add_argument("--csv", required=True, metavar="FILE")
    e.add_argument("--person-id", metavar="ID")
    e.add_argument("--user-id", metavar="ID")
    e.add_argument("--action", metavar="ACTION")
    e.add_argument("--since", metavar="YYYY-MM-DD")
    e.add_argument("--until", metavar="YYYY-MM-DD")
    e.add_argument("--limit", type=int, default=1_000_000)
    add_sign_in_options(e)
    e.set_defaults(func=run_audit_export)

    u = sub.add_parser("users", help="add or list the people who use the app")
    usub = u.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = usub.add_parser(
        "add", help="add an account (an administrator signs in with --user; the first administrator need not)"
    )
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name as shown in the app")
    add.add_argument("--role", required=True, choices=[r.value for r in UserRole])
    add.add_argument("--registration", default="", help="professional registration number")
    add.add_argument("--new-password-file", metavar="FILE", help="the new account's password")
    add_sign_in_options(add)
    add.set_defaults(func=run_users_add)
    lst = usub.add_parser("list", help="list the accounts (an administrator signs in with --user)")
    add_sign_in_options(lst)
    lst.set_defaults(func=run_users_list)


def _store_passphrase(args: argparse.Namespace) -> bytes | None:
    return read_passphrase_file(args.passphrase_file) if args.passphrase_file else None


def run_backup(args: argparse.Namespace) -> int:
    if args.file:
        # Before any passphrase is asked for: never over the store, its key file or into its data folder.
        guard = check_output_folder if args.scheduled else check_output_path
        guard(args.file, paths_for(args.data_dir))
    # A scheduled backup runs beside the app when the app has the store open (see store/backup_reader.py).
    ctx = _open_for_backup(args) if args.scheduled else open_from_args(args, create=False)
    try:
        actor = sign_in(args, ctx, Permission.BACKUP)
        service = BackupService(ctx.store.sessions, now=ctx.services.clock.now, copy=ctx.backup_copy)
        if args.scheduled:
            settings = trust_settings.load(ctx.paths.data_dir)
            folder = args.file or settings.backup_folder
            if not folder:
                raise ValidationError(
                    {"file": "Name the backup folder, or choose one in the app's settings."}
                )
            keep = args.keep if args.keep is not None else settings.backup_copies
            if not 1 <= keep <= trust_settings.MAX_COPIES:
                raise ValidationError({"keep": f"--keep must be between 1 and {trust_settings.MAX_COPIES}."})
            passphrase = read_secret(args.backup_passphrase_file, "Backup passphrase")
            result = service.scheduled_backup(Path(folder), passphrase, keep=keep, actor=actor)
            if result.replaced:
                print(f"Today's file was not a usable backup of this store ({result.replaced}); replaced.")
            if result.made:
                print(f"Backed up to {result.path}")
            else:
                print(f"Already backed up today (checked: a backup of this store): {result.path}")
            if result.removed:
                print(f"Removed {len(result.removed)} old copies.")
        else:
            if not args.file:
                raise ValidationError({"file": "Name the backup file."})
            passphrase = read_secret(args.backup_passphrase_file, "Choose a backup passphrase", confirm=True)
            with watched(args, "Backing up") as watch:  # Ctrl+C: no file is left, exit 130
                service.backup(Path(args.file), passphrase, actor=actor, progress=watch)
            print(
                f"Backed up to {args.file}. Keep the backup passphrase safe: "
                "without it the backup cannot be restored."
            )
        AuditHeadNote(ctx.store.sessions, ctx.paths.data_dir).save()
        return 0
    finally:
        ctx.close()


def _open_for_backup(args: argparse.Namespace) -> AppContext:
    paths = paths_for(args.data_dir)
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=args.verbose)
    return open_for_backup(paths, passphrase=_store_passphrase(args))


def _administrator(args: argparse.Namespace) -> maintenance.Authorise:
    """Sign in as --user (password read now, before the store is touched); only an administrator passes."""
    username, password = password_from_args(args)

    def check(auth: AuthService) -> Actor:
        return authorise(auth.sign_in(username, password), Permission.MANAGE_USERS, admin=True)

    return check


def run_restore(args: argparse.Namespace) -> int:
    paths = paths_for(args.data_dir)
    paths.ensure()
    setup_logging(paths, verbose=args.verbose)
    # Replacing a practice's store needs its administrator; a new computer (no store yet) has no accounts.
    admin = _administrator(args) if paths.store_file.exists() else None
    backup_passphrase = read_secret(args.backup_passphrase_file, "Backup passphrase")
    with watched(args, "Restoring") as watch:  # Ctrl+C before the swap: nothing changes, exit 130
        result = maintenance.restore(
            paths,
            Path(args.file),
            backup_passphrase,
            passphrase=_store_passphrase(args),
            progress=watch,
            authorise=admin,
        )
    for notice in result.notices:  # what the restore's start settled from an earlier crash
        print(f"careplanner: {notice}", file=sys.stderr)
    print(f"Restored: {result.people} people, {result.plans} plan versions.")
    if result.kept_aside is not None:
        print(f"The store as it was before is kept at {result.kept_aside}")
    return 0


def run_rekey(args: argparse.Namespace) -> int:
    paths = paths_for(args.data_dir)
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=args.verbose)
    admin = _administrator(args)
    new = read_passphrase_file(args.new_passphrase_file) if args.new_passphrase_file else None
    info = maintenance.change_key(
        paths, passphrase=_store_passphrase(args), new_passphrase=new, authorise=admin
    )
    where = "the OS keyring" if info.key_source == "keyring" else "the new passphrase"
    print(f"The store key was changed; it is now kept in {where}.")
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        # The same verification as `check` (services/store_verify.py).
        report = verify_store(ctx.store.sessions, ctx.paths.data_dir)
        for problem in report.problems:
            print(f"Audit trail BROKEN: {problem} ({report.entries} entries checked).")
        if not report.ok:
            return 1
        print(
            f"Audit trail intact: {report.entries} entries checked; "
            f"{report.versions} agreed or declined versions match what was agreed."
        )
        return 0
    finally:
        ctx.close()


def run_audit_export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, time, timedelta

    since = parse_date_arg(args.since, "since") if args.since else None
    until = parse_date_arg(args.until, "until") if args.until else None
    check_output_path(args.csv, paths_for(args.data_dir))
    ctx = open_from_args(args, create=False)
    try:
        sign_in(args, ctx, Permission.VIEW_AUDIT)
        entries = ctx.services.audit.entries(
            person_id=args.person_id,
            user_id=args.user_id,
            action=args.action,
            since=datetime.combine(since, time(), UTC) if since else None,
            until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
            limit=args.limit,
        )
        write_output(args.csv, ctx.services.audit.to_csv(entries).encode("utf-8"), ctx.paths)
        print(f"Wrote {len(entries)} audit entries to {args.csv}")
        return 0
    finally:
        ctx.close()


def run_users_add(args: argparse.Namespace) -> int:
    role = UserRole(args.role)
    # The first administrator may be made in an empty folder: that makes the store (as the app's first run).
    ctx = open_from_args(args, create=role is UserRole.ADMIN)
    try:
        auth = ctx.services.auth
        if auth.needs_first_run() and role is UserRole.ADMIN and not getattr(args, "user", None):
            password = read_secret(args.new_password_file, "Password for the new account", confirm=True)
            made = auth.create_first_admin(
                username=args.username,
                display_name=args.name,
                password=password.decode(),
                registration_number=args.registration,
            )
        else:
            admin = sign_in(args, ctx, Permission.MANAGE_USERS)
            password = read_secret(args.new_password_file, "Password for the new account", confirm=True)
            made = auth.add_user(
                username=args.username,
                display_name=args.name,
                role=role,
                password=password.decode(),
                actor=admin,
                registration_number=args.registration,
            )
        print(f"Added {made.username} ({made.role.value}).")
        return 0
    finally:
        ctx.close()


def run_users_list(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        sign_in(args, ctx, Permission.MANAGE_USERS)
        for user in ctx.services.users.list():
            print(f"{user.username}\t{user.role.value}\t{user.display_name}")
        return 0
    finally:
        ctx.close()
