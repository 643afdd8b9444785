"""Search, open and autosave on the practice server (PostgreSQL over loopback), beside the local store and
beside the floor: the same statements sent by raw psycopg, with no ORM in between.

    .venv/bin/python benchmarks/bench_server.py [--people 1000 10000] [--repeat 30] [--json out.json]
                                                [--work DIR]

For each size the same synthetic practice (same seed) is put in an encrypted local store and in a database
on a private PostgreSQL cluster (server/cluster.py, on a loopback port, fsync on). With --work the seeded
copies are kept there and reused: a seeded database is a template (`seeded_<n>`) that each run copies with
CREATE DATABASE … TEMPLATE, and the seeded local store is a folder copied likewise, so every run measures a
fresh copy and seeding (minutes at 10,000 people) happens once.

Measures, each as median / min / max in milliseconds over --repeat calls:
- search as you type: one word (each keystroke of it), two words, an NHS number (typed prefixes);
- open a full plan (PlanService.get) and open a person for the consultation (the audit entry and draft);
- autosave one section of a draft.
The floor for a read is the statements the service sent (captured from the engine) replayed through a bare
psycopg connection; for autosave it is the same durable work written by hand (the section's row, the
plan's revision, one audit entry under the chain's lock), committed. Numbers, not pass/fail: tests
assert behaviour, this reports speed.
Synthetic people only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from careplanner.app import AppContext, open_context, open_server_context
from careplanner.config import resolve_paths
from careplanner.server.cluster import SUPERUSER, LocalCluster, free_port, make_cluster, postgres_bin
from careplanner.server.connection import ServerAddress
from careplanner.services import plan_data as d
from careplanner.services.seed import seed_people
from careplanner.store.migrate import upgrade

PASSPHRASE = b"benchmark passphrase, synthetic people only"
SEED = 2026
TARGETS_MS = {"search": 10.0, "open_plan": 100.0, "open_consultation": 100.0, "autosave": 15.0}
ONE_WORD = ("mar", "kha", "smi", "tho")
TWO_WORDS = ("smith j", "patel m", "jones d", "khan a")

Timed = dict[str, float]


def stats(times: list[float]) -> Timed:
    ms = [t * 1000 for t in times]
    return {"median": statistics.median(ms), "min": min(ms), "max": max(ms), "n": len(ms)}


def timed(calls: list[Callable[[], object]], repeat: int) -> Timed:
    """Each call in turn, `repeat` rounds; one timing per call."""
    times: list[float] = []
    for _ in range(repeat):
        for call in calls:
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    return stats(times)


@contextmanager
def capturing(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) the engine sends to the server meanwhile."""
    sent: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def replay(raw: psycopg.Connection[Any], statements: list[tuple[str, Any]]) -> None:
    with raw.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params or None)
            if cur.description is not None:
                cur.fetchall()
    raw.rollback()


# ---- the practice, seeded once ----------------------------------------------------------------------------


def server_database(cluster: LocalCluster, people: int) -> str:
    """A fresh copy of the seeded database for `people` (seeded into its template on first use)."""
    admin = create_engine(
        cluster.url().replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    template, name = f"seeded_{people}", f"bench_{people}"
    with admin.connect() as conn:
        have = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template}).scalar()
        if not have:
            conn.execute(text(f"CREATE DATABASE {template}_making"))
    if not have:
        url = cluster.url(f"{template}_making").replace("postgresql://", "postgresql+psycopg://", 1)
        making = create_engine(url)
        with making.begin() as conn:
            upgrade(conn)
        making.dispose()
        address = ServerAddress("127.0.0.1", f"{template}_making", cluster.port, SUPERUSER, "disable")
        paths = resolve_paths(Path(tempfile.mkdtemp(prefix="bench-seed-")))
        paths.ensure()
        ctx = open_server_context(address, None, paths)
        seed(ctx, people)
        ctx.close()
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {template}_making RENAME TO {template}"))
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    admin.dispose()
    return name


def seed(ctx: AppContext, people: int) -> None:
    actor = ctx.services.users.ensure_first_clinician()
    seed_people(ctx.store.sessions, count=people, seed=SEED, actor=actor, today=ctx.services.clock.today())


def local_store(work: Path, people: int) -> Path:
    """A fresh copy of the seeded local store for `people` (seeded on first use)."""
    seeded, copy = work / f"local_seeded_{people}", work / f"local_{people}"
    if not (seeded / "careplanner.store.json").exists():
        shutil.rmtree(seeded, ignore_errors=True)
        ctx = open_context(resolve_paths(seeded), passphrase=PASSPHRASE)
        seed(ctx, people)
        ctx.close()
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(seeded, copy, ignore=shutil.ignore_patterns("*.lock", "*-wal", "*-shm"))
    return copy


# ---- one back end, measured -------------------------------------------------------------------------------


@dataclass
class Measured:
    timings: dict[str, Timed]
    reads: dict[str, list[Callable[[], object]]]  # the read calls, for the floor to capture
    draft_id: str  # the draft autosave wrote to
    hits: dict[str, int]  # how many people each searched name finds (the same practice on both)


def measure(ctx: AppContext, repeat: int) -> Measured:
    services = ctx.services
    actor = services.users.ensure_first_clinician()
    someone = next(p for p in services.people.search("a", limit=200) if p.last_agreed_on and not p.has_draft)
    agreed = services.plans.latest_agreed(someone.id)
    assert agreed is not None
    nhs = (someone.nhs_number or "").replace(" ", "")
    reads: dict[str, list[Callable[[], object]]] = {
        "search_one_word": [
            lambda q=w[:end]: services.people.search(q, limit=50) for w in ONE_WORD for end in range(1, 4)
        ],
        "search_two_words": [lambda q=q: services.people.search(q, limit=50) for q in TWO_WORDS],
        "search_nhs_number": [lambda q=nhs[:end]: services.people.search(q, limit=50) for end in (3, 6, 10)],
        "open_plan": [lambda: services.plans.get(agreed.id)],
    }
    out = {name: timed(calls, repeat) for name, calls in reads.items()}
    out["open_consultation"] = timed(
        [lambda: services.consultation.open_for_consultation(someone.id, actor)], repeat
    )
    draft = services.plans.draft_of(someone.id)
    assert draft is not None
    strengths = draft.content.about_me.strengths
    counter = iter(range(1_000_000))

    def autosave() -> None:
        section = d.AboutMeSection(
            about=d.AboutMeData(what_matters=f"typing {next(counter)}"), strengths=strengths
        )
        services.plans.save_section(draft.id, section, actor)

    out["autosave"] = timed([autosave], repeat)
    hits = {q: services.people.count(q) for q in (*ONE_WORD, *TWO_WORDS)}
    return Measured(out, reads, draft.id, hits)


def floor(engine: Engine, address: ServerAddress, measured: Measured, repeat: int) -> dict[str, Timed]:
    """The same reads as raw psycopg, and the bare write of one section."""
    raw = psycopg.connect(host=address.host, port=address.port, dbname=address.database, user=address.user)
    out: dict[str, Timed] = {}
    try:
        for name, calls in measured.reads.items():
            batches = []
            for call in calls:
                with capturing(engine) as sent:
                    call()
                batches.append(list(sent))
            out[name] = timed([lambda b=b: replay(raw, b) for b in batches], repeat)
        counter = iter(range(1_000_000))

        def bare_save() -> None:
            """The same durable work by hand: the section's row, the plan's revision, one audit entry."""
            marker = f"floor {next(counter)}"
            with raw.cursor() as cur:
                cur.execute(
                    "UPDATE about_me SET what_matters = %s, row_version = row_version + 1 WHERE plan_id = %s",
                    (marker, measured.draft_id),
                )
                cur.execute(
                    "UPDATE care_plan SET revision = revision + 1, last_updated = now(), "
                    "row_version = row_version + 1 WHERE id = %s",
                    (measured.draft_id,),
                )
                cur.execute("SELECT pg_advisory_xact_lock(4346500001)")
                cur.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
                seq, prev = cur.fetchone() or (0, "0" * 64)
                cur.execute(
                    "INSERT INTO audit_event (seq, id, at, action, plan_id, detail, prev_hash, hash) "
                    "VALUES (%s, %s, now(), 'plan_changed', %s, 'section=about_me', %s, %s)",
                    (
                        seq + 1,
                        str(uuid.uuid4()),
                        measured.draft_id,
                        prev,
                        sha256(marker.encode()).hexdigest(),
                    ),
                )
            raw.commit()

        out["autosave"] = timed([bare_save], repeat)
    finally:
        raw.close()
    return out


# ---- the run ----------------------------------------------------------------------------------------------


def run_size(cluster: LocalCluster, work: Path, people: int, repeat: int) -> dict[str, Any]:
    print(f"{people:,} people: preparing (seeded once, then copied)...", file=sys.stderr, flush=True)
    database = server_database(cluster, people)
    local_dir = local_store(work, people)
    local = open_context(resolve_paths(local_dir), passphrase=PASSPHRASE, create=False)
    try:
        on_local = measure(local, repeat)
    finally:
        local.close()
    address = ServerAddress("127.0.0.1", database, cluster.port, SUPERUSER, "disable")
    paths = resolve_paths(work / "workstation")
    paths.ensure()
    server = open_server_context(address, None, paths)
    try:
        on_server = measure(server, repeat)
        on_floor = floor(server.store.engine, address, on_server, repeat)
    finally:
        server.close()
    rows = []
    for name, timing in on_server.timings.items():
        base = on_floor.get(name)
        rows.append(
            {
                "measure": name,
                "local": on_local.timings[name],
                "server": timing,
                "floor": base,
                "server_vs_local": timing["median"] / on_local.timings[name]["median"],
                "server_vs_floor": timing["median"] / base["median"] if base else None,
                "target_ms": TARGETS_MS.get(name.split("_")[0], TARGETS_MS.get(name)),
            }
        )
    return {"people": people, "rows": rows, "hits_local": on_local.hits, "hits_server": on_server.hits}


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{result['people']:,} synthetic people (median ms, [min-max]; ratios of medians)")
    print(f"{'measure':<19}{'local':>20}{'server':>20}{'floor':>20}{'srv/loc':>8}{'srv/flr':>8}{'target':>7}")

    def cell(t: Timed | None) -> str:
        return f"{t['median']:.2f} [{t['min']:.1f}-{t['max']:.1f}]" if t else "-"

    for row in result["rows"]:
        vs_floor = f"{row['server_vs_floor']:.2f}" if row["server_vs_floor"] else "-"
        target = f"{row['target_ms']:.0f}" if row["target_ms"] else ""
        print(
            f"{row['measure']:<19}{cell(row['local']):>20}{cell(row['server']):>20}{cell(row['floor']):>20}"
            f"{row['server_vs_local']:>8.2f}{vs_floor:>8}{target:>7}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument("--work", help="folder kept between runs (the seeded copies and the cluster)")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-server-"))
    work.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        work.chmod(0o711)  # the cluster runs as `postgres`, which must reach its folder inside
    cluster = _cluster(work / "pg")
    try:
        results = [run_size(cluster, work, n, args.repeat) for n in args.people]
    finally:
        cluster.stop()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    for result in results:
        print_table(result)
    if args.json:
        meta = {"repeat": args.repeat, "postgresql": str(cluster.bin), "loopback": True, "fsync": True}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    return 0


def _cluster(folder: Path) -> LocalCluster:
    """The cluster kept in `folder` (initdb on first use), started on a free loopback port."""
    pg = postgres_bin()
    if pg is not None and (folder / "data" / "PG_VERSION").exists():
        cluster = LocalCluster(folder=folder, port=free_port(), bin=pg, _as_postgres=os.geteuid() == 0)
    else:
        cluster = make_cluster(folder)
    cluster.start()
    return cluster


if __name__ == "__main__":
    sys.exit(main())
