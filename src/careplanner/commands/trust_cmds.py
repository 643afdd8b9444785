"""`backup`, `restore`, `rekey`, `audit verify|export` and `users add|list`.

Passphrases come from files (`--backup-passphrase-file`, `--new-passphrase-file`, `--password-file`)
for scheduled jobs, or are asked for on the terminal without echo. They are never command-line
arguments, which other users of the computer could read from the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from careplanner.app import paths_for, read_passphrase_file, setup_logging
from careplanner.clinical.enums import UserRole
from careplanner.commands.common import open_from_args, parse_date_arg
from careplanner.services import maintenance, trust_settings
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import AuthService
from careplanner.services.backups import BackupService
from careplanner.services.errors import ValidationError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser("backup", help="write an encrypted backup of the store to FILE")
    b.add_argument("file", nargs="?", metavar="FILE", help="the backup file (with --scheduled: a folder)")
    b.add_argument("--backup-passphrase-file", metavar="FILE")
    b.add_argument("--scheduled", action="store_true", help="today's dated copy in the backup folder")
    b.add_argument("--keep", type=int, metavar="N", help="with --scheduled: copies to keep")
    b.set_defaults(func=run_backup)

    r = sub.add_parser("restore", help="replace the store with a backup (the current one is kept aside)")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--backup-passphrase-file", metavar="FILE")
    r.set_defaults(func=run_restore)

    k = sub.add_parser("rekey", help="change the store's key (a new keyring key, or a new passphrase)")
    k.add_argument("--new-passphrase-file", metavar="FILE", help="protect the store with this passphrase")
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
    e.set_defaults(func=run_audit_export)

    u = sub.add_parser("users", help="add or list the people who use the app")
    usub = u.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add an account (the first administrator needs no --admin)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name as shown in the app")
    add.add_argument("--role", required=True, choices=[r.value for r in UserRole])
    add.add_argument("--registration", default="", help="professional registration number")
    add.add_argument("--password-file", metavar="FILE", help="the new account's password")
    add.add_argument("--admin", metavar="USERNAME", help="an administrator account that authorises this")
    add.add_argument("--admin-password-file", metavar="FILE")
    add.set_defaults(func=run_users_add)
    lst = usub.add_parser("list", help="list the accounts")
    lst.set_defaults(func=run_users_list)


def _secret(path: str | None, prompt: str, *, confirm: bool = False) -> bytes:
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


def _store_passphrase(args: argparse.Namespace) -> bytes | None:
    return read_passphrase_file(args.passphrase_file) if args.passphrase_file else None


def _show_progress(fraction: float, stage: str) -> None:
    print(f"  {int(fraction * 100):3d}%  {stage}", file=sys.stderr)


def run_backup(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        service = BackupService(ctx.store.sessions, now=ctx.services.clock.now)
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
            passphrase = _secret(args.backup_passphrase_file, "Backup passphrase")
            result = service.scheduled_backup(Path(folder), passphrase, keep=keep)
            print(f"{'Backed up to' if result.made else 'Already backed up today:'} {result.path}")
            if result.removed:
                print(f"Removed {len(result.removed)} old copies.")
        else:
            if not args.file:
                raise ValidationError({"file": "Name the backup file."})
            passphrase = _secret(args.backup_passphrase_file, "Choose a backup passphrase", confirm=True)
            service.backup(Path(args.file), passphrase, actor=None, progress=_show_progress)
            print(
                f"Backed up to {args.file}. Keep the backup passphrase safe: "
                "without it the backup cannot be restored."
            )
        AuditHeadNote(ctx.store.sessions, ctx.paths.data_dir).save()
        return 0
    finally:
        ctx.close()


def run_restore(args: argparse.Namespace) -> int:
    paths = paths_for(args.data_dir)
    paths.ensure()
    setup_logging(paths, verbose=args.verbose)
    backup_passphrase = _secret(args.backup_passphrase_file, "Backup passphrase")
    result = maintenance.restore(
        paths,
        Path(args.file),
        backup_passphrase,
        passphrase=_store_passphrase(args),
        progress=_show_progress,
    )
    print(f"Restored: {result.people} people, {result.plans} plan versions.")
    if result.kept_aside is not None:
        print(f"The store as it was before is kept at {result.kept_aside}")
    return 0


def run_rekey(args: argparse.Namespace) -> int:
    paths = paths_for(args.data_dir)
    if paths.log_dir.parent.exists():
        setup_logging(paths, verbose=args.verbose)
    new = read_passphrase_file(args.new_passphrase_file) if args.new_passphrase_file else None
    info = maintenance.change_key(paths, passphrase=_store_passphrase(args), new_passphrase=new)
    where = "the OS keyring" if info.key_source == "keyring" else "the new passphrase"
    print(f"The store key was changed; it is now kept in {where}.")
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        report = ctx.services.audit.verify()
        head_problem = AuditHeadNote(ctx.store.sessions, ctx.paths.data_dir).check()
        if not report.ok:
            print(f"Audit trail BROKEN: {report.problem} ({report.checked} entries checked).")
            return 1
        if head_problem:
            print(f"Audit trail BROKEN: {head_problem} ({report.checked} entries checked).")
            return 1
        print(f"Audit trail intact: {report.checked} entries checked.")
        return 0
    finally:
        ctx.close()


def run_audit_export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, time, timedelta

    since = parse_date_arg(args.since, "since") if args.since else None
    until = parse_date_arg(args.until, "until") if args.until else None
    ctx = open_from_args(args, create=False)
    try:
        entries = ctx.services.audit.entries(
            person_id=args.person_id,
            user_id=args.user_id,
            action=args.action,
            since=datetime.combine(since, time(), UTC) if since else None,
            until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
            limit=args.limit,
        )
        Path(args.csv).write_text(ctx.services.audit.to_csv(entries), encoding="utf-8", newline="")
        print(f"Wrote {len(entries)} audit entries to {args.csv}")
        return 0
    finally:
        ctx.close()


def run_users_add(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        auth = AuthService(ctx.store.sessions, now=ctx.services.clock.now)
        password = _secret(args.password_file, "Password for the new account", confirm=True).decode()
        role = UserRole(args.role)
        if auth.needs_first_run() and role is UserRole.ADMIN and not args.admin:
            made = auth.create_first_admin(
                username=args.username,
                display_name=args.name,
                password=password,
                registration_number=args.registration,
            )
        else:
            if not args.admin:
                raise ValidationError({"admin": "Name an administrator with --admin USERNAME."})
            admin_password = _secret(args.admin_password_file, f"Password for {args.admin}").decode()
            admin = auth.sign_in(args.admin, admin_password)
            made = auth.add_user(
                username=args.username,
                display_name=args.name,
                role=role,
                password=password,
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
        for user in ctx.services.users.list():
            print(f"{user.username}\t{user.role.value}\t{user.display_name}")
        return 0
    finally:
        ctx.close()
