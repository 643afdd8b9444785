#!/usr/bin/env python3
"""SIGKILL campaign: kill every write path at random moments, then check the store, its audit trail and
every agreed version.

    .venv/bin/python scripts/kill-campaign.py [--kills N] [--paths seed,backup,...] [--seed S]
        [--people N] [--work DIR] [--json FILE]

Write paths: seed, autosave, agree, backup, restore, rekey, audit-note (a new audit entry and the head
note after it) and first-run (making a new store and its first administrator in an empty folder).

The campaign process imports everything once, makes a synthetic practice, and for each kill forks a child
that runs the real command line (`careplanner.cli.run`) or the real services in a loop, so a kill lands in
the work rather than in Python's start-up. One unkilled run of each path first measures how long it takes;
each kill then comes at a random moment within that time (loops: within their first second). After every
kill the campaign:

- runs `careplanner check` and `careplanner audit verify` (both must exit 0: SQLCipher's page check,
  SQLite's integrity and foreign-key checks, the audit chain and its head note);
- reads every agreed or declined version and compares it with the hash taken before the kill (a version
  the killed worker agreed is added to the set once it is seen);
- for backup: the target is either absent or a complete backup that passes its check;
- for rekey: the store opens with the old or the new passphrase (whichever the kill left it with);
- for first run: the folder opens, or a first run started again succeeds.

Exit 0 when every check after every kill passed, 1 otherwise; --json writes each round's findings. The
short run in tests/faults/test_kill_campaign_short.py uses `--kills 2`; the long run is
`--kills 30 --people 400` (README, Testing). Synthetic people only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select

from careplanner.app import open_context
from careplanner.cli import run as cli_run
from careplanner.clinical.enums import PlanStatus, UserRole
from careplanner.config import Paths, resolve_paths
from careplanner.models import CarePlan
from careplanner.services import audit
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.auth import AuthService
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.plans import PlanService
from careplanner.store import keys
from careplanner.store.backup import check_backup
from careplanner.store.engine import open_store

PATHS = ("seed", "autosave", "agree", "backup", "restore", "rekey", "audit-note", "first-run")
LOOPS = ("autosave", "agree", "audit-note")
PASSPHRASES = (b"correct horse battery staple", b"another synthetic store passphrase here")
BACKUP_PASSPHRASE = b"kill campaign backup passphrase, synthetic"
PASSWORD = "a long synthetic account password"
ADMIN, NURSE = "ada", "nia"


@dataclasses.dataclass
class Practice:
    """The store under attack, what is known about it, and the files the commands need."""

    root: Path
    paths: Paths
    passphrase: bytes | None  # None: the store's key is in the OS keyring
    hashes: dict[str, str] = dataclasses.field(default_factory=dict)  # agreed/declined id -> content hash
    backup: Path | None = None

    def file(self, name: str, content: bytes) -> str:
        path = self.root / name
        path.write_bytes(content)
        return str(path)

    def argv(self, *rest: str, user: str | None = None, data_dir: Path | None = None) -> list[str]:
        args = ["--data-dir", str(data_dir or self.paths.data_dir)]
        if self.passphrase is not None:
            args += ["--passphrase-file", self.file("store-passphrase", self.passphrase)]
        if user:
            args += ["--user", user, "--password-file", self.file("password", PASSWORD.encode())]
        return [*args, *rest]


# ---- reading the store ---------------------------------------------------------------------------------


_KEYS: dict[str, bytes] = {}  # key check value -> key, so each check derives a passphrase's key once


def version_hashes(paths: Paths, passphrase: bytes | None) -> dict[str, str]:
    """A hash of everything in each agreed or declined version, read through the services."""
    info = keys.read_info(paths.store_info_file)
    key = _KEYS.get(info.key_check) or keys.unlock(info, passphrase)
    _KEYS[info.key_check] = key
    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        with store.sessions() as session:
            ids = list(
                session.scalars(
                    select(CarePlan.id).where(CarePlan.status.in_([PlanStatus.AGREED, PlanStatus.DECLINED]))
                )
            )
        plans = PlanService(store.sessions)
        out = {}
        for plan_id in ids:
            # `superseded` and `replaced_by_version` change, by design, when a later version is agreed;
            # nothing else may.
            plan = dataclasses.replace(plans.get(plan_id), superseded=False, replaced_by_version=None)
            out[plan_id] = hashlib.sha256(repr(plan).encode("utf-8")).hexdigest()
        return out
    finally:
        store.close()


def quiet_cli(argv: list[str]) -> tuple[int, str]:
    """Run the real command line in this process; its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = cli_run(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        except Exception as exc:  # a traceback is a finding, not the end of the campaign
            return 99, f"{type(exc).__name__}: {exc}"
    return code, out.getvalue()


def check_store(practice: Practice) -> list[str]:
    """`check` (the store's integrity and the same audit verification as `audit verify`: the chain, its
    head note, the versions' seals), then every agreed version against its hash; the problems found."""
    code, text = quiet_cli(practice.argv("check"))
    if code != 0:
        return [f"check exit {code}: {text.strip()[-300:]}"]
    problems = []
    now = version_hashes(practice.paths, practice.passphrase)
    for plan_id, digest in practice.hashes.items():
        if plan_id not in now:
            problems.append(f"agreed version {plan_id[:8]} is missing")
        elif now[plan_id] != digest:
            problems.append(f"agreed version {plan_id[:8]} has changed")
    practice.hashes.update({k: v for k, v in now.items() if k not in practice.hashes})
    return problems


# ---- the write paths (each runs in a forked child) -----------------------------------------------------


def _loop(practice: Practice, mode: str) -> None:
    ctx = open_context(practice.paths, passphrase=practice.passphrase, create=False)
    actor = ctx.services.users.ensure_first_clinician()
    person_id = ctx.services.people.search("")[0].id
    note = AuditHeadNote(ctx.store.sessions, practice.paths.data_dir)
    for n in count():
        if mode == "audit-note":
            with ctx.store.sessions.begin() as session:
                audit.record(session, audit.Action.LOCK, user_id=actor.id, detail="kill campaign")
            note.save()
            continue
        draft = ctx.services.plans.start_draft(person_id, actor)
        text = f"{mode} {n}: what matters to me is my garden"
        ctx.services.plans.save_section(draft.id, AboutMeSection(about=AboutMeData(what_matters=text)), actor)
        if mode == "agree":
            ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))


def other_passphrase(passphrase: bytes | None) -> bytes | None:
    if passphrase is None:
        return None
    return PASSPHRASES[1] if passphrase == PASSPHRASES[0] else PASSPHRASES[0]


def command_for(practice: Practice, path: str, rng: random.Random, spare: Path) -> Callable[[], int] | None:
    """What the child runs for `path` (None: a loop, run by _loop)."""
    if path in LOOPS:
        return None
    if path == "seed":
        argv = practice.argv("seed", "--patients", "25", "--seed", str(rng.randint(1, 10**6)), user=NURSE)
    elif path == "backup":
        argv = practice.argv(
            "backup",
            str(practice.root / "kill.cpbackup"),
            "--backup-passphrase-file",
            practice.file("backup-passphrase", BACKUP_PASSPHRASE),
            user=NURSE,
        )
    elif path == "restore":
        assert practice.backup is not None
        argv = practice.argv(
            "restore",
            str(practice.backup),
            "--backup-passphrase-file",
            practice.file("backup-passphrase", BACKUP_PASSPHRASE),
            user=ADMIN,
        )
    elif path == "rekey" and practice.passphrase is None:
        argv = practice.argv("rekey", user=ADMIN)  # a new random key, in the keyring
    elif path == "rekey":
        new = practice.file("new-passphrase", other_passphrase(practice.passphrase))
        argv = practice.argv("rekey", "--new-passphrase-file", new, user=ADMIN)
    else:  # first-run: a new store and its first administrator, in an empty folder
        argv = practice.argv(
            "users",
            "add",
            "first-admin",
            "--name",
            "First Admin-Synthetic",
            "--role",
            "admin",
            "--new-password-file",
            practice.file("password", PASSWORD.encode()),
            data_dir=spare,
        )
    return lambda: quiet_cli(argv)[0]


def fork_and_kill(
    practice: Practice, path: str, delay: float | None, rng: random.Random, spare: Path
) -> float:
    """Run `path` in a child; SIGKILL it after `delay` seconds (None: let it finish). Returns the time."""
    command = command_for(practice, path, rng, spare)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the campaign
        code = 1
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            if command is None:
                _loop(practice, path)
            else:
                code = command()
        finally:
            os._exit(code)
    if delay is None:
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{path}: the unkilled run failed (exit {os.waitstatus_to_exitcode(status)})")
        return time.perf_counter() - started
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return time.perf_counter() - started


# ---- after a kill --------------------------------------------------------------------------------------


def settle_passphrase(practice: Practice) -> str | None:
    """After a rekey kill the store opens with the old or the new passphrase; find which."""
    for candidate in (practice.passphrase, other_passphrase(practice.passphrase)):
        try:
            ctx = open_context(practice.paths, passphrase=candidate, create=False)
        except Exception:
            continue
        ctx.close()
        practice.passphrase = candidate
        return None
    return "the store opens with neither the old nor the new key"


def after_backup(practice: Practice) -> list[str]:
    target = practice.root / "kill.cpbackup"
    if not target.exists():
        return []
    try:
        check_backup(target, BACKUP_PASSPHRASE)
    except Exception as exc:
        return [f"a file under the backup's name does not pass its check ({type(exc).__name__})"]
    finally:
        target.unlink(missing_ok=True)
    return []


def after_first_run(practice: Practice, spare: Path) -> list[str]:
    """The folder must open, or a first run started again must succeed; then it must check clean."""
    again = Practice(practice.root, resolve_paths(spare), practice.passphrase)
    code, text = quiet_cli(
        again.argv(
            "users",
            "add",
            "first-admin",
            "--name",
            "First Admin-Synthetic",
            "--role",
            "admin",
            "--new-password-file",
            again.file("password", PASSWORD.encode()),
        )
    )
    problems = []
    if code not in (0, 2, 4, 6):  # 0: made now; otherwise the first run had finished and asks to sign in
        problems.append(f"first run again: exit {code}: {text.strip()[-200:]}")
    else:
        code, text = quiet_cli(again.argv("check"))
        if code != 0:
            problems.append(f"check after first run: exit {code}: {text.strip()[-200:]}")
    shutil.rmtree(spare, ignore_errors=True)
    return problems


# ---- the campaign --------------------------------------------------------------------------------------


def make_practice(root: Path, people: int, *, keyring: bool) -> Practice:
    practice = Practice(root, resolve_paths(root / "store"), None if keyring else PASSPHRASES[0])
    practice.paths.ensure()
    ctx = open_context(practice.paths, passphrase=practice.passphrase)
    try:
        # Low-cost (still Argon2id) hashes keep each sign-in quick; the accounts are synthetic.
        auth = AuthService(
            ctx.store.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        admin = auth.create_first_admin(username=ADMIN, display_name="Ada Admin-Synthetic", password=PASSWORD)
        auth.add_user(
            username=NURSE,
            display_name="Nia Nurse-Synthetic",
            role=UserRole.NURSE,
            password=PASSWORD,
            actor=admin,
        )
    finally:
        ctx.close()
    code, text = quiet_cli(practice.argv("seed", "--patients", str(people), "--seed", "1", user=NURSE))
    if code != 0:
        raise SystemExit(f"seeding the practice failed: {text}")
    practice.hashes = version_hashes(practice.paths, practice.passphrase)
    return practice


def fresh_backup(practice: Practice) -> None:
    """A backup of the store as it is now, for the restore kills (so restoring it loses no version)."""
    practice.backup = practice.root / "for-restore.cpbackup"
    practice.backup.unlink(missing_ok=True)
    code, text = quiet_cli(
        practice.argv(
            "backup",
            str(practice.backup),
            "--backup-passphrase-file",
            practice.file("backup-passphrase", BACKUP_PASSPHRASE),
            user=NURSE,
        )
    )
    if code != 0:
        raise SystemExit(f"the backup for the restore kills failed: {text}")


def campaign(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    root = Path(args.work or tempfile.mkdtemp(prefix="kill-campaign-"))
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    practice = make_practice(root, args.people, keyring=args.keyring)
    results_setup = round(time.perf_counter() - started, 3)
    spare = root / "first-run"
    results: dict[str, Any] = {"rounds": [], "durations": {}, "setup_seconds": results_setup}
    for path in args.paths:
        if path == "restore":
            fresh_backup(practice)
        if path in LOOPS:
            duration = 1.0
        else:
            duration = fork_and_kill(practice, path, None, rng, spare)  # unkilled: how long it takes
            if path == "rekey":
                practice.passphrase = (
                    PASSPHRASES[1] if practice.passphrase == PASSPHRASES[0] else PASSPHRASES[0]
                )
            if path == "first-run":
                shutil.rmtree(spare, ignore_errors=True)
            problems = check_store(practice)
            if problems:
                results["rounds"].append({"path": path, "kill_after": None, "problems": problems})
        results["durations"][path] = round(duration, 3)
        for _ in range(args.kills):
            delay = rng.uniform(0.02, duration)
            fork_and_kill(practice, path, delay, rng, spare)
            checked_from = time.perf_counter()
            problems: list[str] = []
            if path == "rekey" and (found := settle_passphrase(practice)):
                problems.append(found)
            if path == "backup":
                problems += after_backup(practice)
            if path == "first-run":
                problems += after_first_run(practice, spare)
            if not problems:
                problems += check_store(practice)
            results["rounds"].append(
                {
                    "path": path,
                    "kill_after": round(delay, 3),
                    "check_seconds": round(time.perf_counter() - checked_from, 3),
                    "problems": problems,
                }
            )
            print(
                f"{path:11s} killed at {delay:6.3f} s: {'ok' if not problems else '; '.join(problems)}",
                flush=True,
            )
    results["kills"] = sum(1 for r in results["rounds"] if r["kill_after"] is not None)
    results["failed"] = [r for r in results["rounds"] if r["problems"]]
    results["versions_checked"] = len(practice.hashes)
    if not args.work:
        shutil.rmtree(root, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30, help="kills per write path (default 30)")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated; default all")
    parser.add_argument("--people", type=int, default=60, help="synthetic people in the store")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (kill moments, seeds)")
    parser.add_argument("--work", help="keep the stores in this folder (default: a temporary one)")
    parser.add_argument("--json", help="write every round's findings here")
    parser.add_argument(
        "--keyring", action="store_true", help="keep the store's key in the OS keyring, not a passphrase"
    )
    args = parser.parse_args(argv)
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    unknown = set(args.paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}")
    results = campaign(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(
        f"{results['kills']} kills, {len(results['failed'])} rounds with problems, "
        f"{results['versions_checked']} agreed versions checked after every kill."
    )
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
