"""benchmarks/bench_server.py runs end to end on a tiny practice, so it cannot rot unnoticed.

It starts its own private cluster, seeds the same synthetic practice into a local store and a server
database, and writes its figures as JSON; this checks the figures are all there and that both back ends
hold the same practice (each searched name finds as many people on either), which the comparison relies on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from careplanner.app import open_server_context
from careplanner.config import resolve_paths
from careplanner.server.cluster import postgres_bin
from careplanner.services import plan_data as d
from careplanner.services.people import PersonInput
from tests import server_support

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_server.py"
MEASURES = (
    "search_one_word",
    "search_two_words",
    "search_nhs_number",
    "open_plan",
    "open_consultation",
    "autosave",
)


@pytest.mark.slow
def test_server_benchmark_smoke_run_reports_every_figure(tmp_path: Path) -> None:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/test.sh installs it when run as root)")
    out = tmp_path / "bench.json"
    # Under /tmp itself: when run as root the cluster belongs to `postgres`, which must reach its folder.
    work = Path(tempfile.mkdtemp(prefix="bench-server-smoke-"))
    argv = [sys.executable, str(BENCH), "--people", "30", "--repeat", "2", "--json", str(out)]
    try:
        result = subprocess.run([*argv, "--work", str(work)], capture_output=True, text=True, timeout=300)
        kept = (work / "local_seeded_30" / "careplanner.store.json").exists()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    (size,) = figures["results"]
    assert size["people"] == 30
    assert size["hits_local"] == size["hits_server"] and any(size["hits_server"].values())
    rows = {row["measure"]: row for row in size["rows"]}
    assert set(rows) == set(MEASURES)
    for name, row in rows.items():
        for side in ("local", "server"):
            assert row[side]["n"] >= 2 and 0 < row[side]["min"] <= row[side]["median"] <= row[side]["max"]
        assert row["server_vs_local"] > 0
        if name != "open_consultation":  # a write with its audit entry: no bare equivalent to replay
            assert row["floor"]["median"] > 0 and row["server_vs_floor"] > 0
    assert "search_one_word" in result.stdout and "server" in result.stdout
    assert kept  # the seeded local store is kept in --work for the next run (and the template database)


def test_an_autosave_on_the_server_loads_only_the_section_it_changes(tmp_path: Path) -> None:
    """An autosave read the whole plan first: about twenty sections, a round trip each (30 statements),
    17 ms on loopback against the 15 ms budget. It now loads what the section touches; what it writes
    is unchanged (the list it replaces leaves no old rows behind)."""
    server = server_support.test_server()
    database = server.new_database()
    paths = resolve_paths(tmp_path / "workstation")
    paths.ensure()
    ctx = open_server_context(server.address(database), None, paths)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        person = ctx.services.people.create(
            PersonInput(first_name="Ada", family_name="Savewell", date_of_birth=date(1950, 5, 5)), actor
        )
        draft = ctx.services.plans.start_draft(person.id, actor)

        def goals(*texts: str) -> d.GoalsSection:
            return d.GoalsSection(
                goals=tuple(d.GoalData(text=t, actions=(d.ActionData(what=f"{t} action"),)) for t in texts)
            )

        ctx.services.plans.save_section(draft.id, goals("walk", "sleep", "garden"), actor)
        sent: list[str] = []
        engine = ctx.store.engine

        def listener(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
            sent.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            ctx.services.plans.save_section(draft.id, goals("walk to the shop"), actor)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(sent) <= 20, f"{len(sent)} statements for one autosave"
        assert [g.text for g in ctx.services.plans.get(draft.id).content.goals.goals] == ["walk to the shop"]
        with ctx.store.sessions() as session:
            rows = session.execute(text("SELECT count(*) FROM goal WHERE plan_id = :p"), {"p": draft.id})
            assert rows.scalar() == 1
    finally:
        ctx.close()
        server.drop_database(database)
