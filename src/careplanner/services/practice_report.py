"""What the practice report needs, counted and listed in SQL so it stays quick at any list size.

A practice of 100,000 people may have tens of thousands of reviews overdue. Loading every person (or
every plan) to count them took minutes and hundreds of megabytes, and printed a report nobody can use.
So the counts come from SQL aggregates (plans agreed per month is one GROUP BY), and each list of people
is one page of at most `per_page` rows, most overdue first, with the list's full count beside it. Only
the columns the report prints are read (never whole rows), so memory stays the same whatever the size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, extract, func, literal, select, union_all
from sqlalchemy.orm import Session

from careplanner.clinical.enums import PlanStatus
from careplanner.export.practice_report import ReportRow
from careplanner.models import CarePlan, Person

# The most rows one list of the report shows on one page (a page of the list, not of the paper).
DEFAULT_PER_PAGE = 200
MAX_PER_PAGE = 1000
# The last page anyone may ask for: far past any practice's list (an empty page), and small enough that the
# row offset, (page - 1) * per_page, always fits the databases' 64-bit integers.
MAX_PAGE = 1_000_000

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _stage: str) -> None:
    return None


@dataclass(frozen=True)
class PeoplePage:
    """One page of a list of people: its rows, the list's full count, and the rank of the first row."""

    rows: tuple[ReportRow, ...]
    total: int
    first: int  # 1 for the first page; 0 when the page is empty


def month_starts(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, ending with this month."""
    starts = [today.replace(day=1)]
    for _ in range(months - 1):
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    starts.reverse()
    return starts


def agreed_per_month(session: Session, starts: list[date]) -> tuple[tuple[date, int], ...]:
    """Plans agreed in each month (by the UTC date they were agreed), counted by the database, not in Python.

    EXTRACT, not strftime: SQLAlchemy writes it for each back end (SQLite's strftime, PostgreSQL's
    EXTRACT), and the stored times are naive UTC on both, so no time zone shifts a plan into another month.
    """
    since = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    year = extract("year", CarePlan.agreed_at)
    month = extract("month", CarePlan.agreed_at)
    stmt = (
        select(year, month, func.count())
        .where(CarePlan.status == PlanStatus.AGREED, CarePlan.agreed_at >= since)
        .group_by(year, month)
    )
    counted = {(int(y), int(m)): int(n) for y, m, n in session.execute(stmt) if y is not None}
    return tuple((start, counted.get((start.year, start.month), 0)) for start in starts)


def _page(session: Session, where: ColumnElement[bool], total: int, page: int, per_page: int) -> PeoplePage:
    stmt = (
        select(Person.first_name, Person.family_name, Person.nhs_number, Person.review_due)
        .where(where)
        .order_by(Person.review_due, Person.family_name, Person.first_name, Person.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = tuple(
        ReportRow(f"{first} {family}", nhs, due) for first, family, nhs, due in session.execute(stmt)
    )
    return PeoplePage(rows=rows, total=total, first=(page - 1) * per_page + 1 if rows else 0)


def report_lists(
    session: Session,
    today: date,
    due_within_days: int,
    *,
    page: int,
    per_page: int,
    progress: Progress = _quiet,
) -> tuple[PeoplePage, PeoplePage, PeoplePage, int]:
    """The overdue, due-soon and declined lists (one page each) and the number of people on the list."""
    horizon = today + timedelta(days=due_within_days)
    overdue = and_(Person.review_due < today, Person.declined_written_plan.is_(False))
    due_soon = and_(Person.review_due >= today, Person.review_due <= horizon)
    declined = Person.declined_written_plan.is_(True)

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    progress(0.3, "Counting reviews due and overdue")
    counts = session.execute(
        select(func.count(Person.id), tally(overdue), tally(due_soon), tally(declined))
    ).one()
    people, n_overdue, n_due, n_declined = (int(n) for n in counts)
    progress(0.5, "Listing reviews overdue")
    overdue_page = _page(session, overdue, n_overdue, page, per_page)
    progress(0.6, "Listing reviews due soon")
    due_page = _page(session, due_soon, n_due, page, per_page)
    progress(0.7, "Listing people who declined a plan")
    declined_page = _page(session, declined, n_declined, page, per_page)
    return overdue_page, due_page, declined_page, people


def plan_gap_lists(session: Session, *, page: int, per_page: int) -> tuple[PeoplePage, PeoplePage]:
    """People with no plan at all (none agreed, no draft, no decline), and people whose only plan is a
    draft never agreed (not on the review lists: they have no review date); one page each, by name, with
    their dates of birth and full counts.
    Two statements: both counts in one, both pages in one (UNION ALL of two limited selects)."""
    no_plan = and_(
        Person.last_agreed_on.is_(None),
        Person.has_draft.is_(False),
        Person.declined_written_plan.is_(False),
    )
    drafts = and_(Person.has_draft.is_(True), Person.last_agreed_on.is_(None))

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    n_no_plan, n_drafts = (int(n) for n in session.execute(select(tally(no_plan), tally(drafts))).one())
    parts = [
        select(
            literal(which).label("which"),
            Person.first_name,
            Person.family_name,
            Person.nhs_number,
            Person.date_of_birth,
        )
        .where(where)
        .order_by(Person.family_name, Person.first_name, Person.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery()
        for which, where in ((0, no_plan), (1, drafts))
    ]
    found: tuple[list[ReportRow], list[ReportRow]] = ([], [])
    for which, first, family, nhs, when in session.execute(union_all(*(select(p) for p in parts))):
        found[int(which)].append(ReportRow(f"{first} {family}", nhs, when))
    return tuple(  # type: ignore[return-value]
        PeoplePage(rows=tuple(rows), total=total, first=(page - 1) * per_page + 1 if rows else 0)
        for rows, total in zip(found, (n_no_plan, n_drafts), strict=True)
    )
