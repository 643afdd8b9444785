"""One workstation of the sync fault tests, as its own process (not a test module).

    python -m tests.sync_support.workstation --home DIR --port PROXY_PORT --database DB --user NAME \
        --number N --seed S --log LOG [--shared ID,ID,…] [--skew-hours H] [--die-before-ack]

It reads the account's password from the first line of stdin (never argv), opens (or on first start
builds from the server) its own encrypted SQLCipher replica in DIR, and answers one JSON command per stdin
line with one JSON line on stdout:

    {"cmd": "work", "steps": 20}        the seeded random script (script.py) through the services
    {"cmd": "create"}                   add a person: {"person": id}
    {"cmd": "save", "person": ID, "field": "about_me"}   one save of a new marker: {"text", "plan"}
    {"cmd": "sync", "seconds": 60}      push then pull until nothing waits and nothing is left to pull,
                                        retrying through outages for up to `seconds`
    {"cmd": "push"} / {"cmd": "pull"}   one of each, errors reported, not retried
    {"cmd": "replay", "index": -2}      send a batch this workstation pushed before again, as it was
                                        (a duplicated request arriving late): the server's outcomes
    {"cmd": "snapshot", "path": P}      the replica's synced tables (compare.snapshot) to P, plus the
                                        number of changes waiting and of conflicts the replica lists
    {"cmd": "quit"}

Everything goes to the server through the test's proxy (--port), so the test can cut, hold and delay it.
--skew-hours moves this workstation's clock (the services' and the sync engine's `now`).
--die-before-ack ends the process (exit 137, no clean-up) at the moment the replica starts to record a
push the server has already committed: the workstation killed between the server's commit and its ack.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from tests.sync_support import compare
from tests.sync_support.replica import Replica, open_replica
from tests.sync_support.script import Log, Script

DIED_BEFORE_ACK = 137


def _reply(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def die_before_ack(replica: Replica) -> None:
    """Exit at once when the replica starts deleting acknowledged outbox rows: the server has committed the
    push (the engine has its answer) and the workstation has not recorded it."""

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM SYNC_OUTBOX"):
            os._exit(DIED_BEFORE_ACK)

    event.listen(replica.engine, "before_cursor_execute", before)


def waiting_count(replica: Replica) -> int:
    from careplanner.models.sync import SyncOutbox

    with replica.ctx.store.sessions() as session:
        return int(session.execute(select(func.count()).select_from(SyncOutbox)).scalar_one())


def run(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    log = Log(Path(args.log))
    replica = open_replica(
        Path(args.home),
        port=args.port,
        database=args.database,
        username=args.user,
        password=password,
        skew=timedelta(hours=args.skew_hours),
    )
    if args.die_before_ack:
        die_before_ack(replica)
    shared = [s for s in args.shared.split(",") if s]
    script = Script(
        replica.ctx.services, replica.actor, log, number=args.number, seed=args.seed, shared=shared
    )
    log.write("started", waiting=waiting_count(replica), skew_hours=args.skew_hours)
    _reply(ready=True, waiting=waiting_count(replica))
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "work": lambda c: _work(script, int(c.get("steps", 10))),
        "create": lambda c: {"person": script.create()},
        "save": lambda c: {"text": script.save(str(c["person"]), str(c["field"])), "plan": script.last_plan},
        "sync": lambda c: replica.sync_until_quiet(float(c.get("seconds", 60)), log),
        "push": lambda c: replica.once("push", log),
        "pull": lambda c: replica.once("pull", log),
        "replay": lambda c: replica.replay(int(c.get("index", -2)), log),
        "snapshot": lambda c: _snapshot(replica, Path(c["path"])),
    }
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        name = command.get("cmd")
        if name == "quit":
            break
        try:
            answer = handlers[name](command)
        except Exception as exc:  # reported to the test, which fails on it
            log.write("bug", cmd=name, error=type(exc).__name__, trace=traceback.format_exc())
            _reply(ok=False, bug=type(exc).__name__, trace=traceback.format_exc()[-3000:])
            continue
        _reply(ok=True, **answer)
    log.write("done", counts=script.counts, waiting=waiting_count(replica))
    replica.close()
    log.close()
    return 0


def _work(script: Script, steps: int) -> dict[str, Any]:
    started = time.monotonic()
    for _ in range(steps):
        script.step()
    return {"counts": script.counts, "seconds": round(time.monotonic() - started, 2)}


def _snapshot(replica: Replica, path: Path) -> dict[str, Any]:
    with replica.engine.connect() as conn:
        compare.save(compare.snapshot(conn), path)
    return {"waiting": waiting_count(replica), "conflicts": len(replica.conflicts())}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--number", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", required=True)
    parser.add_argument("--shared", default="")
    parser.add_argument("--skew-hours", type=float, default=0.0)
    parser.add_argument("--die-before-ack", action="store_true")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
