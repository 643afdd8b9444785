"""Round trips (SQL statements sent to the practice server) and time per pushed plan operation (issue 15).

    .venv/bin/python benchmarks/sync_push_round_trips.py [--ops 20]

A practice database on the test run's private PostgreSQL (tests/server_support.py), a person with a full
plan (every section filled, the sample content), and then `--ops` pushes of one draft edit each, as the
nurse's own login role, exactly as a workstation sends them (server_side.push, one operation per push).
Statements are counted on the connection (SQLAlchemy's before_cursor_execute: each is one round trip);
the figures are median / min / max per push. Numbers, not pass/fail. Synthetic people only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sync.server_side_support import NURSE, Online, edited, new_practice, nhs, read

from careplanner.export.sample import sample_content
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.sync import server_side
from careplanner.sync.server_side import Op


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20)
    args = parser.parse_args()
    db = new_practice()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            online = Online(db, NURSE, Path(tmp))
            try:
                _person, plan_id = online.person_with_draft(nhs(), "Growing tomatoes")
                content = sample_content()
                for key in SECTION_TYPES:
                    online.ctx.services.plans.save_section(plan_id, content.section(key), online.actor)
                nurse = online.actor
            finally:
                online.close()
        engine = db.engine_as(NURSE)
        counted = [0]

        def count(*_args: Any) -> None:
            counted[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        statements: list[int] = []
        seconds: list[float] = []
        ws = str(uuid.uuid4())
        try:
            with engine.connect() as conn:
                for n in range(1, args.ops + 1):
                    seen = read(db, "plan", plan_id)
                    base = int(str(seen.root()["revision"]))  # type: ignore[index]
                    op = Op(n, str(uuid.uuid4()), edited(seen, f"Growing tomatoes {n}", base + 1), base)
                    counted[0] = 0
                    started = time.perf_counter()
                    result = server_side.push(conn, ws, [op], nurse)
                    seconds.append(time.perf_counter() - started)
                    statements.append(counted[0])
                    assert [o.result for o in result.outcomes] == ["applied"], result.outcomes
        finally:
            engine.dispose()
        doc = read(db, "plan", plan_id)
        rows = sum(len(r) for r in doc.rows.values())
        print(f"plan document: {len(doc.rows)} tables, {rows} rows; {args.ops} pushes of one draft edit each")
        print(
            f"statements per push: median {statistics.median(statements):.0f} "
            f"(min {min(statements)}, max {max(statements)})"
        )
        ms = [s * 1000 for s in seconds]
        print(f"time per push: median {statistics.median(ms):.1f} ms (min {min(ms):.1f}, max {max(ms):.1f})")
    finally:
        db.server.drop_database(db.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
