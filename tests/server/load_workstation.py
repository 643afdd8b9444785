"""One workstation of the load and outage tests, as its own process (not a test module).

    python load_workstation.py HOST PORT DATABASE USERNAME LOG [--seed N] [--seconds S] [--hot ID,ID,…]

It reads the account's password from the first line of stdin, signs in to the practice server the way the
app does (`server/workstation.open_signed_in`: the account's own database login role, then the app's
sign-in), prints "ready" and waits for "go" on stdin; then, until "stop" arrives on stdin (or S seconds
pass), it does what a person at a workstation does through the same service calls the app makes: search as
they type (one word, two words, an NHS number), open someone for a consultation (reopening or starting the
draft), autosave sections through the editor's `DraftCopy`, and now and then agree the plan.

Every outcome is one JSON line in LOG, written only after the call returned: an `ack` names the plan,
section, unique text and revision of a save the server acknowledged, so the test can check that each one is
there afterwards. A save the server could not take is kept and saved again when it is back (`pending`);
the error it met must be a plain, typed one (ServerUnreachableError via server/store.py `classify`) and is
logged as `unreachable`. Anything else is logged as `bug` with its traceback and makes the exit code 1.
Only synthetic people; the log holds ids and generated text, nothing else.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import threading
import time
import traceback
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from careplanner.app import AppContext
from careplanner.config import resolve_paths
from careplanner.server.accounts import connected_role
from careplanner.server.connection import ServerAddress
from careplanner.server.errors import ServerBusyError, ServerUnreachableError
from careplanner.server.store import classify
from careplanner.server.workstation import open_signed_in
from careplanner.services.draft_copy import DraftCopy, StaleCopyError
from careplanner.services.errors import NotADraftError
from careplanner.services.plan_data import PlanContent, Section
from careplanner.services.users import Actor

WORDS = ("smi", "jo", "mar", "pat", "ali", "wil", "bro", "ann", "dav", "kha", "eva", "tho", "ro", "ja")


class Log:
    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    def write(self, ev: str, **fields: Any) -> None:
        self._file.write(json.dumps({"ev": ev, "t": time.time(), **fields}) + "\n")
        self._file.flush()


class Commands(threading.Thread):
    """Reads "go" and "stop" from stdin (the test's orders) without blocking the work."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.go = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        for line in sys.stdin:
            word = line.strip()
            if word == "go":
                self.go.set()
            elif word == "stop":
                self.stop.set()
        self.go.set()
        self.stop.set()


def section_with(content: PlanContent, key: str, marker: str) -> Section:
    """The section as the editor would send it after the person typed `marker` into one of its fields."""
    if key == "about_me":
        about = content.about_me
        return dataclasses.replace(about, about=dataclasses.replace(about.about, what_matters=marker))
    holistic = content.holistic
    return dataclasses.replace(holistic, review=dataclasses.replace(holistic.review, social_context=marker))


class Workstation:
    def __init__(self, ctx: AppContext, actor: Actor, log: Log, rng: random.Random, hot: list[str]) -> None:
        self.ctx = ctx
        self.services = ctx.services
        self.actor = actor
        self.log = log
        self.rng = rng
        self.hot = hot
        self.name = actor.username
        self.copy: DraftCopy | None = None
        self.content: PlanContent | None = None
        self.person_id: str | None = None
        # A save the server did not acknowledge: (section key, text, the Section), kept until it is.
        self.pending: tuple[str, str, Section] | None = None
        self.saves = 0
        self.counts = {"search": 0, "open": 0, "ack": 0, "agreed": 0, "refused": 0, "unreachable": 0}

    # ---- one step of the person's work, chosen at random ------------------------------------------------

    def step(self) -> None:
        if self.pending is not None:
            self.save(*self.pending)
            return
        if self.copy is None or self.rng.random() < 0.1:
            self.search_and_open()
        elif self.rng.random() < 0.06:
            self.agree()
        else:
            self.saves += 1
            key = self.rng.choice(("about_me", "holistic"))
            marker = f"{self.name} save {self.saves} {self.rng.getrandbits(48):012x}"
            assert self.content is not None
            self.save(key, marker, section_with(self.content, key, marker))

    def search_and_open(self) -> None:
        word = self.rng.choice(WORDS)
        # As the person types: each prefix of the word, then a second word, as the list updates.
        found = []
        for end in range(1, len(word) + 1):
            found = self.services.people.search(word[:end], limit=50)
            self.counts["search"] += 1
        if found and self.rng.random() < 0.3:
            self.services.people.search(f"{word} {found[0].family_name[:2]}", limit=50)
            self.counts["search"] += 1
        if found and self.rng.random() < 0.3 and found[0].nhs_number:
            self.services.people.search(found[0].nhs_number[:6], limit=50)
            self.counts["search"] += 1
        if self.hot and (not found or self.rng.random() < 0.4):
            person_id = self.rng.choice(self.hot)  # people every workstation opens: the races
        elif found:
            person_id = self.rng.choice(found).id
        else:
            return
        opened = self.services.consultation.open_for_consultation(person_id, self.actor)
        self.counts["open"] += 1
        assert opened.editable and opened.plan is not None
        plan = opened.plan
        self.person_id = person_id
        self.content = plan.content
        self.copy = DraftCopy(self.services.plans, plan.id, plan.revision, plan.content)
        self.log.write("opened", person=person_id, plan=plan.id, revision=plan.revision)

    def save(self, key: str, marker: str, section: Section) -> None:
        assert self.copy is not None
        self.pending = (key, marker, section)
        self.log.write("attempt", plan=self.copy.plan_id, section=key, text=marker)
        try:
            result = self.copy.save(section, self.actor)
        except (StaleCopyError, NotADraftError) as exc:
            # Someone else changed this section, or agreed the plan: the editor would say so and reload.
            self.pending = None
            self.counts["refused"] += 1
            self.log.write(
                "refused", plan=self.copy.plan_id, section=key, text=marker, kind=type(exc).__name__
            )
            self.copy = None
            return
        self.pending = None
        self.counts["ack"] += 1
        self.log.write("ack", plan=result.plan_id, section=key, text=marker, revision=result.revision)

    def agree(self) -> None:
        assert self.copy is not None
        plan_id = self.copy.plan_id
        try:
            version = self.services.plans.agree(
                plan_id, self.actor, review_date=date.today() + timedelta(days=180)
            )
        except (StaleCopyError, NotADraftError) as exc:
            self.counts["refused"] += 1
            self.log.write("refused", plan=plan_id, kind=type(exc).__name__)
        else:
            self.counts["agreed"] += 1
            self.log.write("agreed", plan=plan_id, person=version.person_id, version=version.version_number)
        self.copy = None


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="workstation-") as home:
        return work(args, Path(home))


def work(args: argparse.Namespace, home: Path) -> int:
    log = Log(Path(args.log))
    address = ServerAddress(host=args.host, port=args.port, database=args.database, sslmode="disable")
    paths = resolve_paths(home)  # this computer's own folder: settings and log, no patient data
    paths.ensure()
    password = sys.stdin.readline().rstrip("\n")  # the first line; never in argv
    # As the app signs in: the account's own database login role, then the app's sign-in.
    ctx, actor = open_signed_in(address, args.username, password, paths)
    with ctx.store.sessions() as session:
        log.write("signed_in", role=connected_role(session))
    station = Workstation(ctx, actor, log, random.Random(args.seed), [h for h in args.hot.split(",") if h])
    commands = Commands()
    commands.start()
    print("ready", flush=True)
    commands.go.wait()
    deadline = time.monotonic() + args.seconds
    failed = False

    # Work until told to stop; a save still pending then is tried until it is acknowledged (or 60 s). A
    # station that has not yet opened a person and written once keeps going past the stop (same 60 s cap): on
    # a loaded machine ten processes on two cores can take the whole run to get that far, and a run where a
    # station did nothing proves nothing.
    def started() -> bool:
        wrote = station.counts["ack"] + station.counts["agreed"] + station.counts["refused"]
        return station.counts["open"] > 0 and wrote > 0

    while (
        not (commands.stop.is_set() or time.monotonic() > deadline)
        or station.pending is not None
        or not started()
    ):
        if time.monotonic() > deadline + 60:
            break
        try:
            station.step()
        except DBAPIError as exc:
            known = classify(exc)
            if isinstance(known, ServerBusyError):
                # A lock held longer than the database's lock_timeout (ten processes on two shared cores can
                # wait that long): a plain, typed answer; the pending save is kept and tried again.
                station.counts["busy"] = station.counts.get("busy", 0) + 1
                log.write("busy", error=type(known).__name__, pending=bool(station.pending))
                time.sleep(0.2)
                continue
            if not isinstance(known, ServerUnreachableError):
                failed = True
                log.write("bug", error=type(exc).__name__, trace=traceback.format_exc())
                break
            station.counts["unreachable"] += 1
            log.write(
                "unreachable", error=type(known).__name__, message=str(known), pending=bool(station.pending)
            )
            time.sleep(0.2)
        except Exception as exc:  # anything untyped is what this test looks for
            failed = True
            log.write("bug", error=type(exc).__name__, trace=traceback.format_exc())
            break
    log.write("done", counts=station.counts, pending=station.pending is not None)
    ctx.close()
    return 1 if failed or station.pending is not None else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("database")
    parser.add_argument("username")
    parser.add_argument("log")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--hot", default="")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
