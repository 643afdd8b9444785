"""Helpers for the tests of the practice server's half of offline sync (tests/sync/test_server_side*.py):
a practice database with a nurse, a GP and a reader; the app's services as one of them (`Online`); a push
as a person's own login role; documents read as the owner."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import text

from careplanner.clinical.enums import UserRole
from careplanner.clinical.nhs_number import make_valid_nhs_number
from careplanner.config import resolve_paths
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.users import Actor
from careplanner.sync import server_side
from careplanner.sync.documents import Document, read_document
from careplanner.sync.server_rules import with_root
from careplanner.sync.server_side import Op
from tests import server_support
from tests.conftest import make_person
from tests.server_provisioned import ProvisionedDatabase

NURSE, GP, READER = "nia", "gus", "rory"
CHAIN_LOCK = "SELECT pg_advisory_xact_lock(4346500001)"
_NUMBERS = random.Random(15)


def nhs() -> str:
    """A fresh valid (synthetic) NHS number: each person here needs their own."""
    return make_valid_nhs_number(_NUMBERS)


def new_practice() -> ProvisionedDatabase:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[
            (NURSE, "Nia Nurse-Synthetic", UserRole.NURSE),
            (GP, "Gus GP-Synthetic", UserRole.GP),
            (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
        ]
    )
    return made


class Online:
    """The app's services on the server as one person (what an online workstation does)."""

    def __init__(self, db: ProvisionedDatabase, username: str, tmp_path: Path) -> None:
        self.ctx, self.actor = db.open_as(username, resolve_paths(tmp_path / f"ws-{username}"))

    def person_with_draft(self, number: str, what_matters: str) -> tuple[str, str]:
        person = self.ctx.services.people.create(make_person(nhs_number=number), self.actor)
        draft = self.ctx.services.plans.start_draft(person.id, self.actor)
        self.save(draft.id, what_matters)
        return person.id, draft.id

    def save(self, plan_id: str, what_matters: str) -> None:
        about = AboutMeSection(about=AboutMeData(what_matters=what_matters))
        self.ctx.services.plans.save_section(plan_id, about, self.actor)

    def close(self) -> None:
        self.ctx.close()


def push(
    db: ProvisionedDatabase, username: str, actor: Actor, ops: list[Op], ws: str
) -> server_side.PushResult:
    """Push `ops` from the workstation `ws` as `username`'s login role, signed in as `actor`."""
    engine = db.engine_as(username)
    try:
        with engine.connect() as conn:
            return server_side.push(conn, ws, ops, actor)
    finally:
        engine.dispose()


def read(db: ProvisionedDatabase, kind: str, doc_id: str) -> Document:
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            return read_document(conn, kind, doc_id)
    finally:
        engine.dispose()


def what_matters(doc: Document) -> str:
    return str(doc.rows["about_me"][0]["what_matters"])


def edited(doc: Document, words: str, revision: int) -> Document:
    """The plan as a workstation holds it after typing `words` offline (its revision moved on)."""
    rows = dict(doc.rows)
    rows["about_me"] = [{**doc.rows["about_me"][0], "what_matters": words}]
    return with_root(Document(doc.kind, doc.id, rows), revision=revision)


def owner_scalar(db: ProvisionedDatabase, sql: str, **params: object) -> object:
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()
