"""`careplanner sync` (send what waits, fetch what changed), `sync status` and `sync --rebuild`, on a
workstation joined in replica mode (`careplanner join --replica`).

Output names counts and kinds of record, never a person: a scheduled `careplanner sync` may keep its output
in a file. The app's Sync window lists who waits and who needs a merge.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from careplanner.commands import sync_details
from careplanner.commands.common import add_sign_in_options, open_from_args, sign_in
from careplanner.services.auth import Permission
from careplanner.services.errors import ServiceError

if TYPE_CHECKING:
    from careplanner.sync.engine import SyncEngine

NOT_A_REPLICA = (
    "This computer does not keep its own copy of the practice server's records: join in replica mode "
    "first (careplanner join --replica --url …)."
)


class NotAReplicaError(ServiceError):
    exit_code = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = sub.add_parser(
        "sync",
        help="send this computer's changes to the practice server and fetch everyone else's",
        description=(
            "On a workstation joined with `careplanner join --replica`: send the changes made on this "
            "computer to the practice server, then fetch the changes made elsewhere. `sync status` says "
            "what waits and what needs a merge; `sync --rebuild` replaces this computer's copy with the "
            "server's (after sending what waits)."
        ),
    )
    sync.add_argument(
        "what",
        nargs="?",
        choices=["status", "details", "choose"],
        help="status: only say where things stand; details / choose: a person's details changed here and "
        "on the server (sync_details.py)",
    )
    sync.add_argument(
        "--rebuild", action="store_true", help="replace this computer's copy with the practice server's"
    )
    sync_details.add_options(sync)
    add_sign_in_options(sync)
    sync.set_defaults(func=run_sync)


def _when(value: object) -> str:
    from datetime import datetime

    return value.astimezone().strftime("%d %b %Y %H:%M") if isinstance(value, datetime) else "never"


def run_sync(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        if ctx.replica is None:
            raise NotAReplicaError(NOT_A_REPLICA)
        if args.what in ("details", "choose"):
            actor = sign_in(args, ctx, Permission.EDIT_PLANS if args.what == "choose" else Permission.VIEW)
            return sync_details.run(args, ctx, actor)
        sign_in(args, ctx, Permission.VIEW)
        engine = ctx.replica.engine()
        if args.what == "status":
            return _status(ctx.replica.online, engine)
        if args.rebuild:
            engine.rebuild()
            counts = ctx.store.counts()
            print(
                f"This computer's copy was rebuilt from the practice server: {counts.get('people', 0)} "
                f"people, {counts.get('plans', 0)} plan versions."
            )
            return _status(True, engine, quiet=True)
        report = engine.cycle()
        if not report.connected:
            from careplanner.server.errors import ServerUnreachableError

            waiting = engine.status().waiting
            raise ServerUnreachableError(
                "The practice server cannot be reached. "
                f"{waiting} record(s) with changes wait on this computer and are sent when it can be; "
                "nothing typed is lost."
            )
        if report.problem:
            from careplanner.server.errors import ServerSchemaError

            raise ServerSchemaError(report.problem)
        if report.history_changed:
            print(
                "The practice server's history had changed (restored from a backup?): this computer sent "
                "again what the server lacked and fetched what differed."
            )
        if report.push is not None and report.push.sent:
            push = report.push
            print(
                f"Sent {push.sent} change(s): {push.applied} saved on the server, {push.duplicates} already "
                f"there, {push.branched - len(push.not_taken)} plan(s) kept beside the server's copy for a "
                "merge."
            )
        if report.push is not None and report.push.not_taken:
            from careplanner.sync.status import KIND_WORDS

            kinds = ", ".join(sorted({KIND_WORDS.get(k, k) for k in report.push.not_taken}))
            print(
                f"{len(report.push.not_taken)} record(s) changed here ({kinds}) had been changed on the "
                "practice server meanwhile: what did not clash was merged; where both changed the same "
                "detail of a person, both values are kept: `careplanner sync details` shows them and "
                "`careplanner sync choose` keeps one. Other records kept the server's version: check them."
            )
        if report.pull is not None:
            print(f"Fetched {report.pull.written} changed record(s) from the practice server.")
        code = _status(True, engine, quiet=True)
        if report.push is not None and report.push.refused:
            from careplanner.sync.reports import SyncStoppedError

            raise SyncStoppedError(
                "The practice server did not take some changes: they wait on this computer as needing "
                f"attention (the rest was sent): {'; '.join(dict.fromkeys(report.push.refused))}."
            )
        return code
    finally:
        ctx.close()


def _status(online: bool, engine: SyncEngine, *, quiet: bool = False) -> int:
    status = engine.status()
    if not quiet:
        if online:
            print("Connected to the practice server.")
        else:
            since = status.offline_since
            print(
                f"Offline since {_when(since)}."
                if since
                else "Offline: the practice server cannot be reached."
            )
        print(f"Last synced: {_when(status.last_sync)}.")
    if status.waiting:
        print(f"{status.waiting} record(s) with changes wait to be sent.")
    if status.attention:
        from careplanner.sync.status import SyncService

        print(f"{status.attention} record(s) need attention: the practice server did not take them.")
        for item in SyncService(engine.replica).waiting():
            if item.attention:
                print(f"  {item.what}: {item.attention}")
    if not status.waiting and not quiet:
        print("Nothing waits to be sent.")
    if status.conflicts:
        from careplanner.sync.status import SyncService

        details = sum(1 for c in SyncService(engine.replica).conflicts() if not c.plan_a_id)
        if status.conflicts - details:
            print(f"{status.conflicts - details} plan(s) need a merge: open Sync in the app.")
        if details:
            print(
                f"{details} person's details changed here and on the server: both values are kept; "
                "`careplanner sync details` shows them and `careplanner sync choose` keeps one."
            )
    if status.problem:
        print(f"careplanner: {status.problem}", file=sys.stderr)
        return 42
    return 0
