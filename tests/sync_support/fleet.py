"""The test's side of the sync fault tests: a practice on the test PostgreSQL, ten workstation processes
(workstation.py), each behind its own proxy (proxy.py), and the checks made after the faults.

    with Fleet(practice, tmp_path, count=10, seed=seed) as fleet:
        fleet.start_all()
        fleet.all({"cmd": "work", "steps": 10})
        fleet.stations[0].proxy.offline()
        ...
        fleet.converge()
        fleet.check()        # replicas equal to the server, nothing lost, nothing doubled, conflicts listed
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.engine import Engine

from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.services.people import PersonInput
from tests import server_support
from tests.server_provisioned import ProvisionedDatabase
from tests.sync_support import compare
from tests.sync_support.proxy import Proxy
from tests.sync_support.script import read_log

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SyncPractice:
    db: ProvisionedDatabase
    shared: list[str]  # people every workstation works on
    usernames: list[str]

    @property
    def database(self) -> str:
        return self.db.database

    def superuser_engine(self) -> Engine:
        engine: Engine = server_support.test_server().admin_engine(self.db.database)
        return engine

    def snapshot(self) -> compare.Snapshot:
        engine = self.superuser_engine()
        try:
            with engine.connect() as conn:
                return compare.snapshot(conn)
        finally:
            engine.dispose()


def make_practice(folder: Path, stations: int, shared: int = 4) -> SyncPractice:
    """A practice database set up as `server init` does, a nurse account per workstation, and `shared`
    synthetic people (one with an agreed plan and a draft) every workstation will work on."""
    accounts = [(f"ws{i}", f"Synthetic Nurse {i}", UserRole.NURSE) for i in range(stations)]
    db: ProvisionedDatabase = server_support.provisioned_database(accounts=accounts)  # type: ignore[no-untyped-call]
    paths = resolve_paths(folder / "seeder")
    paths.ensure()
    ctx, actor = db.open_as("ws0", paths)
    try:
        people = []
        for i in range(shared):
            person = ctx.services.people.create(
                PersonInput(first_name="Shared", family_name=f"Hotperson{chr(65 + i)}",
                            date_of_birth=date(1948, 3, 1 + i)),
                actor,
            )  # fmt: skip
            people.append(person.id)
        draft = ctx.services.plans.start_draft(people[0], actor)
        ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
        ctx.services.plans.start_draft(people[0], actor)
    finally:
        ctx.close()
    return SyncPractice(db, people, [name for name, _, _ in accounts])


@dataclass
class Station:
    number: int
    home: Path
    log: Path
    proxy: Proxy
    proc: subprocess.Popen[str] | None = None
    replies: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    stderr: list[str] = field(default_factory=list)
    exits: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"ws{self.number}"

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict[str, Any]:
        try:
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.name} gave no answer in {timeout} s: {self.tail()}") from None
        if reply.get("ended"):
            raise AssertionError(f"{self.name} ended (exit {reply['code']}): {self.tail()}")
        assert reply.get("ok", True), f"{self.name}: {reply.get('trace', reply)}"
        return reply

    def call(self, command: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
        self.send(command)
        return self.receive(timeout)

    def events(self) -> list[dict[str, Any]]:
        return read_log(self.log)

    def tail(self) -> str:
        return "".join(self.stderr)[-3000:]


class Fleet:
    def __init__(self, practice: SyncPractice, folder: Path, *, count: int = 10, seed: int = 1) -> None:
        self.practice = practice
        self.folder = folder
        self.seed = seed
        cluster = server_support.test_server().cluster
        self.stations = [
            Station(i, folder / f"ws{i}", folder / f"ws{i}.jsonl", Proxy(("127.0.0.1", cluster.port)).start())
            for i in range(count)
        ]

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- processes ------------------------------------------------------------------------------------

    def start(
        self, station: Station, *, skew_hours: float = 0.0, die_before_ack: bool = False, wait: bool = True
    ) -> dict[str, Any]:
        """Start the workstation's process (its replica built from the server on first start); its "ready"
        answer (how many changes wait in its outbox), or {} when not `wait`ing for it."""
        seed = self.seed * 100 + 10 * len(station.exits) + station.number
        argv = [
            sys.executable, "-m", "tests.sync_support.workstation",
            "--home", str(station.home), "--port", str(station.proxy.port),
            "--database", self.practice.database, "--user", station.name,
            "--number", str(station.number), "--seed", str(seed),
            "--log", str(station.log), "--shared", ",".join(self.practice.shared),
            "--skew-hours", str(skew_hours),
        ]  # fmt: skip
        if die_before_ack:
            argv.append("--die-before-ack")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        station.proc = proc
        station.replies = queue.Queue()
        threading.Thread(target=_read_replies, args=(station, proc), daemon=True).start()
        threading.Thread(target=_drain, args=(proc, station.stderr), daemon=True).start()
        assert proc.stdin is not None
        proc.stdin.write(self.practice.db.password + "\n")  # the account's password, on its own pipe
        proc.stdin.flush()
        return station.receive(timeout=240) if wait else {}

    def start_all(self, **options: Any) -> None:
        """Start every workstation at once; each builds its replica from the server."""
        for station in self.stations:
            self.start(station, wait=False, **options)
        for station in self.stations:
            station.receive(timeout=240)

    def wait_exit(self, station: Station, timeout: float = 120) -> int:
        assert station.proc is not None
        code = station.proc.wait(timeout=timeout)
        station.exits.append(code)
        for pipe in (station.proc.stdin, station.proc.stdout, station.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        station.proc = None
        return code

    def all(self, command: dict[str, Any], timeout: float = 180) -> list[dict[str, Any]]:
        """Send `command` to every running workstation at once; their answers, in station order."""
        running = [s for s in self.stations if s.proc is not None]
        for station in running:
            station.send(command)
        return [station.receive(timeout) for station in running]

    def close(self) -> None:
        for station in self.stations:
            if station.proc is not None:
                with contextlib.suppress(Exception):
                    station.send({"cmd": "quit"})
        for station in self.stations:
            if station.proc is not None:
                try:
                    self.wait_exit(station, timeout=60)
                except subprocess.TimeoutExpired:
                    station.proc.kill()
                    self.wait_exit(station, timeout=30)
            station.proxy.close()

    # ---- the end state ----------------------------------------------------------------------------------

    def converge(self, seconds: float = 120) -> None:
        """Every workstation pushes what waits and pulls everything, twice (so each sees the others' last
        pushes), with the network whole."""
        for station in self.stations:
            station.proxy.online()
        for _ in range(2):
            answers = self.all({"cmd": "sync", "seconds": seconds}, timeout=seconds + 60)
            for station, answer in zip(self.stations, answers, strict=True):
                assert answer["quiet"], f"{station.name} could not finish syncing: {answer}"

    def snapshots(self) -> list[compare.Snapshot]:
        out = []
        for station in self.stations:
            path = self.folder / f"{station.name}.snapshot.json"
            answer = station.call({"cmd": "snapshot", "path": str(path)})
            assert answer["waiting"] == 0, f"{station.name} still has {answer['waiting']} changes waiting"
            snap = compare.load(path)
            snap["_listed_conflicts"] = {"count": {"n": answer["conflicts"]}}
            out.append(snap)
        return out

    def events(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for station in self.stations:
            found.extend({**e, "station": station.name} for e in station.events())
        return found


def _read_replies(station: Station, proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("{"):
            station.replies.put(json.loads(line))
    station.replies.put({"ended": True, "code": proc.wait()})


def _drain(proc: subprocess.Popen[str], into: list[str]) -> None:
    assert proc.stderr is not None
    into.extend(proc.stderr)
