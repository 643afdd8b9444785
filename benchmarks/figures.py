"""In-process figures beside their floors: search, open, autosave, the person's copy, bytes per person.

A floor is the same work without Care Planner: the SQL statements the service sent, captured and replayed
on the plain copy of the store with Python's sqlite3 (no SQLAlchemy, no encryption); one raw UPDATE in a
transaction; bare reportlab setting the same words.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from benchmarks.stores import BenchStore


@dataclass(frozen=True)
class Timed:
    """Milliseconds (or another unit, named by the figure) over repeated runs."""

    median: float
    low: float
    high: float
    runs: int

    @staticmethod
    def of(values: list[float]) -> Timed:
        return Timed(statistics.median(values), min(values), max(values), len(values))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def timed_ms(fn: Callable[[], object], repeat: int, *, warm: bool = True) -> Timed:
    if warm:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return Timed.of(times)


@contextmanager
def capturing(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its parameters) the engine sends while the block runs."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def replay(conn: sqlite3.Connection, statements: list[tuple[str, Any]]) -> None:
    for statement, parameters in statements:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            conn.execute(statement, parameters).fetchall()


def _queries(plain: sqlite3.Connection) -> dict[str, str]:
    """Search texts a nurse would type, taken from the practice itself (so they find someone): the
    commonest one-word family name (the most rows a name search returns), a rarer one, an NHS number's
    first six digits and a date of birth."""
    family, first, nhs, born = plain.execute(
        "SELECT family_name, first_name, nhs_number, date_of_birth FROM person "
        "WHERE nhs_number IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    names = plain.execute("SELECT family_name, count(*) FROM person GROUP BY family_name ORDER BY 2 DESC")
    plain_names = (name for name, _n in names if name.isascii() and name.isalpha() and len(name) >= 5)
    common = next(plain_names, family)
    first_of_common = plain.execute(
        "SELECT first_name FROM person WHERE family_name = ? ORDER BY id LIMIT 1", (common,)
    ).fetchone()[0]
    dob = date.fromisoformat(str(born)[:10])
    return {
        "search: one word": common[:4].lower(),
        "search: two words": f"{common.lower()} {first_of_common[:2].lower()}",
        "search: NHS number": str(nhs)[:6],
        "search: date of birth": dob.strftime("%d/%m/%Y"),
        "search: one word (rarer)": (family if family.isascii() else first)[:5].lower(),
    }


def _someone(plain: sqlite3.Connection) -> tuple[str, str | None]:
    """A person with an agreed plan and an NHS number (the same one every run), and their NHS number."""
    row = plain.execute(
        "SELECT id, nhs_number FROM person WHERE last_agreed_on IS NOT NULL AND nhs_number IS NOT NULL "
        "ORDER BY id LIMIT 1"
    ).fetchone()
    return str(row[0]), row[1]


def measure_store(bench: BenchStore, repeat: int) -> dict[str, dict[str, Any]]:
    """The service figures on the encrypted store, each beside its floor on the plain copy."""
    from benchmarks.stores import PASSPHRASE, plain_current

    from careplanner.app import open_context
    from careplanner.config import resolve_paths
    from careplanner.services import plan_data as d
    from careplanner.ui.patient_model import PAGE

    ctx = open_context(resolve_paths(bench.data_dir), passphrase=PASSPHRASE, create=False)
    revision = ctx.store.schema_revision()
    ctx.close()  # (opening it brought it up to this release's schema; the plain copy follows)
    plain_current(bench, revision)
    plain = sqlite3.connect(bench.plain_file)
    plain.execute("PRAGMA journal_mode = WAL")
    plain.execute("PRAGMA synchronous = FULL")
    out: dict[str, dict[str, Any]] = {}
    ctx = open_context(resolve_paths(bench.data_dir), passphrase=PASSPHRASE, create=False)
    try:
        services, engine = ctx.services, ctx.store.engine
        people = services.people
        for name, text in _queries(plain).items():

            def search(text: str = text) -> object:  # what the list asks for on a keystroke
                rows = people.search(text, limit=PAGE)
                return rows if len(rows) < PAGE else people.count(text)

            with capturing(engine) as sql:
                found = people.search(text, limit=PAGE)
                if len(found) >= PAGE:
                    people.count(text)

            def floor(sql: list[tuple[str, Any]] = sql) -> None:
                replay(plain, sql)

            out[name] = figure(timed_ms(search, repeat), timed_ms(floor, repeat), text=text)
        person_id, _nhs = _someone(plain)
        plan = services.plans.latest_agreed(person_id)
        assert plan is not None
        with capturing(engine) as sql:
            services.plans.get(plan.id)
        out["open a full plan"] = figure(
            timed_ms(lambda: services.plans.get(plan.id), repeat),
            timed_ms(lambda: replay(plain, sql), repeat),
            statements=len(sql),
        )
        admin = services.users.ensure_first_clinician()  # a clinician: only they change plans
        draft = services.plans.start_draft(person_id, admin)
        counter = iter(range(1_000_000))

        def autosave() -> None:
            about = d.AboutMeData(what_matters=f"Walking the dog again, typed {next(counter)}")
            services.plans.save_section(draft.id, d.AboutMeSection(about=about), admin)

        def raw_update() -> None:  # one row really changed, committed (WAL, synchronous FULL)
            with plain:
                changed = plain.execute(
                    "UPDATE person SET other_contact_information = ? WHERE id = ?",
                    (f"Walking the dog again, typed {time.time()}", person_id),
                ).rowcount
            assert changed == 1

        out["autosave a section"] = figure(timed_ms(autosave, repeat), timed_ms(raw_update, repeat))
    finally:
        ctx.close()
        plain.close()
    out["bytes per person"] = bytes_per_person(bench)
    return out


def figure(measured: Timed, floor: Timed | None, **notes: object) -> dict[str, Any]:
    ratio = measured.median / floor.median if floor and floor.median else None
    return {
        "value": measured.as_dict(),
        "floor": floor.as_dict() if floor else None,
        "ratio": ratio,
        **notes,
    }


def bytes_per_person(bench: BenchStore) -> dict[str, Any]:
    """Store bytes per person, encrypted and plain, and where the plain bytes go (SQLite's dbstat)."""
    encrypted = sum(
        f.stat().st_size for f in bench.data_dir.glob("careplanner.db*") if f.name != "careplanner.db-shm"
    )
    plain_size = bench.plain_file.stat().st_size
    conn = sqlite3.connect(bench.plain_file)
    try:
        versions = conn.execute("SELECT count(*) FROM care_plan").fetchone()[0]
        by_table = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 10"
        ).fetchall()
        free = (
            conn.execute("PRAGMA freelist_count").fetchone()[0]
            * conn.execute("PRAGMA page_size").fetchone()[0]
        )
    finally:
        conn.close()
    value = Timed(encrypted / bench.people, encrypted / bench.people, encrypted / bench.people, 1)
    floor = Timed(plain_size / bench.people, plain_size / bench.people, plain_size / bench.people, 1)
    return {
        **figure(value, floor),
        "unit": "bytes",
        "plan_versions": versions,
        "bytes_per_plan_version_plain": plain_size / versions if versions else None,
        "free_bytes_plain": free,
        "largest_plain": {name: size for name, size in by_table},
    }


def measure_pdf(repeat: int) -> dict[str, Any]:
    """The person's copy of a full plan beside bare reportlab setting about the same words."""
    from benchmarks.bench_pdf import _floor

    from careplanner.export.person_copy import render_person_copy
    from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan

    person, plan = sample_person(), sample_plan()
    return figure(
        timed_ms(lambda: render_person_copy(person, plan, SAMPLE_PRACTICE), repeat),
        timed_ms(_floor, repeat),
    )
