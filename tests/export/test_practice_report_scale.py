"""The practice report at practice scale: counts in SQL, one page of each list, nothing loaded whole.

At 100,000 people the report used to load every overdue person (and every agreed plan's date) into
Python and lay all of them out: 4 min 46 s and 701 MB. These tests pin the behaviour that keeps it quick
and small whatever the practice's size; benchmarks/bench_scale.py measures the time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.exports import ExportService
from careplanner.services.progress import CancelledError, Watch
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text


@contextmanager
def watching(ctx: AppContext) -> Iterator[dict[str, Any]]:
    """Every SQL statement run, and how many Person and CarePlan objects the ORM built, meanwhile."""
    seen: dict[str, Any] = {"sql": [], "loaded": Counter()}

    def on_sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen["sql"].append(statement)

    def person_loaded(_target: Any, _context: Any) -> None:
        seen["loaded"]["Person"] += 1

    def plan_loaded(_target: Any, _context: Any) -> None:
        seen["loaded"]["CarePlan"] += 1

    event.listen(ctx.store.engine, "before_cursor_execute", on_sql)
    event.listen(Person, "load", person_loaded)
    event.listen(CarePlan, "load", plan_loaded)
    try:
        yield seen
    finally:
        event.remove(ctx.store.engine, "before_cursor_execute", on_sql)
        event.remove(Person, "load", person_loaded)
        event.remove(CarePlan, "load", plan_loaded)


def _practice(ctx: AppContext, actor: Actor, people: int, seed: int) -> None:
    seed_people(ctx.store.sessions, count=people, seed=seed, actor=actor, today=ctx.services.clock.today())


def _expected(ctx: AppContext) -> tuple[list[str], Counter[str], int]:
    """The overdue list and per-month counts worked out the slow way, by loading everything."""
    today = ctx.services.clock.today()
    with ctx.store.sessions() as session:
        people = list(session.scalars(select(Person)))
        agreed = list(session.scalars(select(CarePlan).where(CarePlan.status == PlanStatus.AGREED)))
        overdue = sorted(
            (p for p in people if p.review_due and p.review_due < today and not p.declined_written_plan),
            key=lambda p: (p.review_due, p.family_name, p.first_name, p.id),
        )
        months = Counter(f"{a.agreed_at:%Y-%m}" for a in agreed if a.agreed_at is not None)
        return [f"{p.first_name} {p.family_name}" for p in overdue], months, len(people)


def _overdue_nhs_numbers(ctx: AppContext) -> list[str]:
    today = ctx.services.clock.today()
    with ctx.store.sessions() as session:
        people = list(session.scalars(select(Person)))
        overdue = sorted(
            (p for p in people if p.review_due and p.review_due < today and not p.declined_written_plan),
            key=lambda p: (p.review_due, p.family_name, p.first_name, p.id),
        )
        return [str(p.nhs_number) for p in overdue]


def test_the_report_counts_in_sql_and_loads_one_page_of_people_not_everyone(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    _practice(ctx, actor, 240, seed=7)
    overdue, months, people = _expected(ctx)
    assert len(overdue) > 60, "the synthetic practice needs a long overdue list for this test"
    with watching(ctx) as seen:
        data = exports.practice_report_data(per_page=25)
    # Counts are the whole list's; the rows are its first page, in order, most overdue first.
    assert data.people_total == people
    assert data.overdue_total == len(overdue)
    assert [r.name for r in data.overdue] == overdue[:25]
    for start, n in data.agreed_per_month:
        assert n == months.get(f"{start:%Y-%m}", 0)
    # Nothing was loaded whole: no ORM objects, and every read of people or plans is counted or limited.
    assert seen["loaded"] == Counter()
    reads = [s.lower() for s in seen["sql"] if re.search(r"\bfrom (person|care_plan)\b", s.lower())]
    assert reads
    for statement in reads:
        assert "count(" in statement or "sum(" in statement or "limit" in statement, statement
    assert len(seen["sql"]) <= 8


def test_the_number_of_queries_does_not_grow_with_the_practice(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    _practice(ctx, actor, 40, seed=3)
    with watching(ctx) as small:
        exports.practice_report_data(per_page=10)
    _practice(ctx, actor, 160, seed=4)
    with watching(ctx) as large:
        data = exports.practice_report_data(per_page=10)
    assert data.people_total == 200
    assert len(large["sql"]) == len(small["sql"])
    assert len(data.overdue) == 10 and (data.overdue_total or 0) > 10


def test_later_pages_carry_on_where_the_first_stopped(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    _practice(ctx, actor, 200, seed=11)
    overdue, _months, _people = _expected(ctx)
    pages = [exports.practice_report_data(page=n, per_page=20).overdue for n in (1, 2, 3)]
    assert [r.name for page in pages for r in page] == overdue[:60]
    beyond = exports.practice_report_data(page=1000, per_page=20)
    assert beyond.overdue == () and beyond.overdue_total == len(overdue)


def test_the_printed_report_says_which_part_of_a_long_list_it_shows(
    ctx: AppContext, actor: Actor, exports: ExportService, tmp_path: Path
) -> None:
    _practice(ctx, actor, 200, seed=5)
    overdue, _months, _people = _expected(ctx)
    text = pdf_text(exports.practice_report_pdf(actor, per_page=20), tmp_path)
    assert f"Reviews overdue ({len(overdue):,})" in text
    flat = " ".join(text.split())
    assert f"Showing 1 to 20 of {len(overdue):,}, the earliest review date first." in flat
    assert "report --page 2 gives the next 20" in flat
    # The overdue section lists exactly its first 20 people (NHS numbers: names may repeat).
    section = flat[flat.index("Reviews overdue (") : flat.index("Reviews due in the next")]
    numbers = _overdue_nhs_numbers(ctx)
    assert all(format_nhs_number(n) in section for n in numbers[:20])
    assert format_nhs_number(numbers[20]) not in section


def test_progress_is_reported_in_order_and_ends_when_the_report_is_ready(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    _practice(ctx, actor, 30, seed=2)
    reports: list[tuple[float, str]] = []
    exports.practice_report_pdf(actor, progress=lambda f, s: reports.append((f, s)))
    fractions = [f for f, _s in reports]
    assert len(reports) >= 4
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert reports[-1][1] == "Report ready"


def test_a_stopped_report_records_no_print_in_the_audit_trail(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    _practice(ctx, actor, 30, seed=2)

    def stop_when_laying_out(_fraction: float, stage: str) -> None:
        if stage == "Laying out the report":
            watch.stop()

    watch = Watch(stop_when_laying_out)
    before = len(ctx.services.audit.entries(action=audit.Action.PRINTED))
    with pytest.raises(CancelledError):
        exports.practice_report_pdf(actor, progress=watch)
    # Asked to stop while laying out: it stopped at the next safe point, before anything was recorded.
    assert len(ctx.services.audit.entries(action=audit.Action.PRINTED)) == before


def test_months_are_counted_by_the_day_each_plan_was_agreed(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    today = ctx.services.clock.today()
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.agree(draft.id, actor, review_date=today + timedelta(days=200))
    data = exports.practice_report_data()
    assert data.agreed_per_month[-1] == (today.replace(day=1), 1)
    assert sum(n for _m, n in data.agreed_per_month) == 1
