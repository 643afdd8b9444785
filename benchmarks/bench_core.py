"""Core performance on a synthetic practice: encrypted store vs plain SQLite doing the same work.

    .venv/bin/python benchmarks/bench_core.py [--people 10000]

Prints each figure beside its floor (the same work on plain SQLite) and the target from DESIGN.md.
Numbers, not pass/fail: the tests assert behaviour, this reports speed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from careplanner.app import open_context
from careplanner.config import resolve_paths
from careplanner.services import plan_data as d
from careplanner.services.container import Services
from careplanner.services.seed import seed_people
from careplanner.store.migrate import upgrade


def _timed(fn: Callable[[], object], repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _plain_services(folder: Path) -> Services:
    engine = create_engine(f"sqlite:///{folder / 'plain.db'}")

    @event.listens_for(engine, "connect")
    def _pragmas(conn: object, _record: object) -> None:
        cur = conn.cursor()  # type: ignore[attr-defined]
        for pragma in ("foreign_keys = ON", "secure_delete = ON", "journal_mode = WAL", "synchronous = FULL"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    with engine.begin() as conn:
        upgrade(conn)
    return Services(sessionmaker(engine, expire_on_commit=False))


def measure(services: Services, people: int) -> dict[str, float]:
    actor = services.users.ensure_first_clinician()
    out: dict[str, float] = {}
    start = time.perf_counter()
    seed_people(services._sessions, count=people, seed=42, actor=actor, today=services.clock.today())
    out["seed_s"] = time.perf_counter() - start
    out["search_ms"] = statistics.median(
        _timed(lambda q=q: services.people.search(q, limit=50))
        for q in ("mar", "kowal", "999 12", "smith jo")
    )
    out["count_ms"] = _timed(lambda: services.people.count("mar"))
    someone = next(p for p in services.people.search("a", limit=200) if p.last_agreed_on and not p.has_draft)
    plan = services.plans.latest_agreed(someone.id)
    assert plan is not None
    out["open_plan_ms"] = _timed(lambda: services.plans.get(plan.id))
    draft = services.plans.start_draft(someone.id, actor)
    about = draft.content.about_me
    counter = iter(range(10_000))
    out["autosave_ms"] = _timed(
        lambda: services.plans.save_section(
            draft.id,
            d.AboutMeSection(
                about=d.AboutMeData(what_matters=f"typing {next(counter)}"), strengths=about.strengths
            ),
            actor,
        )
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = open_context(resolve_paths(folder / "enc"), passphrase=b"benchmark passphrase")
        enc = measure(ctx.services, args.people)
        ctx.close()
        plain = measure(_plain_services(folder), args.people)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    targets = {
        "seed_s": 60.0,
        "search_ms": 10.0,
        "open_plan_ms": 100.0,
        "autosave_ms": 15.0,
        "count_ms": 10.0,
    }
    print(f"Synthetic practice of {args.people:,} people")
    print(f"{'measure':<14}{'encrypted':>12}{'plain':>12}{'ratio':>8}{'target':>10}")
    for key, value in enc.items():
        ratio = value / plain[key] if plain[key] else float("nan")
        print(f"{key:<14}{value:>12.2f}{plain[key]:>12.2f}{ratio:>8.2f}{targets.get(key, 0):>10.1f}")
    print(f"peak memory (both stores in one process): {rss_mb:.0f} MB (target 250 MB)")


if __name__ == "__main__":
    main()
