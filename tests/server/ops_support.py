"""For the operations tests: a seeded workstation store (agreed, declined and draft versions), a way to run
`careplanner server …` in-process, and a whole-database snapshot to compare two databases row by row."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from careplanner.app import AppContext, open_context
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.models import Base, CarePlan, Person
from careplanner.services.seed import seed_people
from tests.conftest import TEST_PASSPHRASE

TODAY = date(2026, 11, 30)


def seed_context(ctx: AppContext, people: int = 12) -> dict[str, int]:
    """Seeded people (agreed versions and some drafts), plus one declined version and one more draft made
    through the services; returns how many versions of each status."""
    actor = ctx.services.users.ensure_first_clinician()
    seed_people(ctx.store.sessions, count=people, seed=14, actor=actor, today=TODAY)
    with ctx.store.sessions() as session:
        without = session.scalars(
            select(Person.id).where(~Person.id.in_(select(CarePlan.person_id))).order_by(Person.id)
        ).all()
        with_agreed = session.scalars(
            select(CarePlan.person_id).where(CarePlan.status == "agreed").order_by(CarePlan.id)
        ).first()
    assert without and with_agreed, "the seed made no person without a plan, or none agreed"
    draft = ctx.services.plans.start_draft(without[0], actor)
    ctx.services.plans.decline(draft.id, actor, reason="Prefers to talk it through", review_date=TODAY)
    ctx.services.plans.start_draft(with_agreed, actor)
    with ctx.store.sessions() as session:
        statuses = [str(s) for s in session.scalars(select(CarePlan.status))]
    return {s: statuses.count(s) for s in set(statuses)}


def seed_store(paths: Paths, people: int = 12) -> dict[str, int]:
    """A workstation store at `paths`, seeded as `seed_context` does."""
    ctx = open_context(paths, passphrase=TEST_PASSPHRASE)
    try:
        return seed_context(ctx, people)
    finally:
        ctx.close()


# Bookkeeping that is not records: the server's backups, and offline sync's change log, epoch and
# workstations (the server's own) and outbox and state (a replica's own).
NOT_RECORDS = frozenset(
    {"server_backup_log", "sync_change", "sync_epoch", "sync_client", "sync_outbox", "sync_state", "sync_doc"}
)


def snapshot(conn: Connection, skip: frozenset[str] = NOT_RECORDS) -> dict[str, Any]:
    """Every table's rows, as a sorted list of tuples of every column's value."""
    out: dict[str, Any] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows = [tuple(r) for r in conn.execute(select(table))]
        out[table.name] = sorted(rows, key=repr)
    return out


def server_cli(*argv: str) -> int:
    """`careplanner server …` in-process."""
    return run(["server", *argv])
