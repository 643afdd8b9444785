"""A store made by the previous release (0007) is upgraded to 0008: the new guards are in place, every
agreed version gets its content seal recorded (one audit entry each, the chain still whole), and a head note
beside the store becomes the store's own mark."""

from __future__ import annotations

import json
import secrets
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from careplanner.config import Paths
from careplanner.services import audit
from careplanner.services.audit_head import HEAD_FILENAME, AuditHeadNote
from careplanner.services.container import Services
from careplanner.services.plan_data import ConditionData, MedicalSection
from careplanner.services.store_verify import verify_store
from careplanner.store import guards
from careplanner.store.engine import make_engine, open_store
from careplanner.store.migrate import head_revision, upgrade
from careplanner.store.version_seal import ADDED_SINCE
from tests.conftest import make_person


def _added_since_0008() -> list[tuple[str, tuple[str, ...]]]:
    """Plan-content columns later revisions added to existing tables (whole new tables need nothing)."""
    return [(t, cols) for tables in ADDED_SINCE.values() for t, cols in tables.items() if cols]


def _store_of_release_0007(paths: Paths, key: bytes) -> str:
    """People, a version agreed as 0007 did it (no seal in its entry), and a draft; returns the agreed id."""
    paths.ensure()
    engine = make_engine(paths.store_file, key)
    with engine.begin() as conn:
        upgrade(conn, "0007")
        # Today's ORM reads and writes columns added since (version_seal.ADDED_SINCE): they are added for
        # the writing below and dropped again after it, so the store is 0007's.
        for table, columns in _added_since_0008():
            for column in columns:
                # (nullable: some are, such as who imported a version and when, 0018)
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR DEFAULT ''"))
    sessions = sessionmaker(engine, expire_on_commit=False)
    services = Services(sessions)
    actor = services.users.ensure_first_clinician()
    person = services.people.create(make_person(), actor)
    draft = services.plans.start_draft(person.id, actor)
    services.plans.save_section(draft.id, MedicalSection(conditions=(ConditionData(term="Asthma"),)), actor)
    with sessions.begin() as session:  # agreeing as release 0007 did: no content seal in the entry
        session.execute(
            text(
                "UPDATE care_plan SET status = 'agreed', version_number = 1, review_date = '2027-06-01' "
                "WHERE id = :id"
            ),
            {"id": draft.id},
        )
        audit.record(
            session,
            audit.Action.PLAN_AGREED,
            user_id=actor.id,
            person_id=person.id,
            plan_id=draft.id,
            detail="version=1",
        )
    other = services.people.create(make_person(nhs_number="999 993 9082", first_name="Ada"), actor)
    services.plans.start_draft(other.id, actor)
    with engine.begin() as conn:
        for table, columns in _added_since_0008():
            for column in columns:
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    with engine.connect() as conn:
        seq, digest = conn.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
    (paths.data_dir / HEAD_FILENAME).write_text(json.dumps({"seq": seq, "hash": digest}), encoding="utf-8")
    engine.dispose()
    return draft.id


def test_upgrade_seals_existing_versions_and_keeps_the_chain(paths: Paths) -> None:
    key = secrets.token_bytes(32)
    agreed_id = _store_of_release_0007(paths, key)
    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        assert store.schema_revision() == head_revision()
        report = verify_store(store.sessions, paths.data_dir)
        assert report.ok, report.problems
        assert report.versions == 1
        recorded = Services(store.sessions).audit.entries(action=audit.Action.CONTENT_RECORDED)
        assert [(e.plan_id, e.detail.split(" content=")[0]) for e in recorded] == [
            (agreed_id, "version=1 recorded at upgrade")
        ]
        note = AuditHeadNote(store.sessions, paths.data_dir)
        assert note.mark() == note.read()  # the note beside the store became the store's own mark
        with store.engine.connect() as conn:
            found = dict(
                conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
            )
        assert guards.trigger_problems(found) == []
        # From here on, a change to what was agreed before the upgrade is found.
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER condition_frozen_update")
            conn.exec_driver_sql(f"UPDATE condition SET term = 'Fabricated' WHERE plan_id = '{agreed_id}'")
        problems = verify_store(store.sessions, paths.data_dir).problems
        assert any(f"(first: {agreed_id}) no longer hold what was agreed" in p for p in problems)
    finally:
        store.close()


def test_new_versions_are_sealed_when_agreed(paths: Paths) -> None:
    key = secrets.token_bytes(32)
    _store_of_release_0007(paths, key)
    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        services = Services(store.sessions)
        actor = services.users.ensure_first_clinician()
        person = services.people.search("ada")[0]
        draft = services.plans.draft_of(person.id)
        assert draft is not None
        services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
        agreed = services.audit.entries(action=audit.Action.PLAN_AGREED, limit=1)[0]
        assert (
            agreed.plan_id == draft.id
            and " content=" in agreed.detail
            and agreed.detail.endswith(f"@{head_revision()}")
        )
        assert verify_store(store.sessions, paths.data_dir).ok
    finally:
        store.close()


def test_every_plan_content_column_is_covered_by_the_seal(paths: Paths) -> None:
    """A later migration that adds plan content must list it in version_seal.ADDED_SINCE (and a new table in
    guards.PLAN_CONTENT_TABLES), or seals made before it would no longer match."""
    from careplanner.models import Base
    from careplanner.store import version_seal

    paths.ensure()
    engine = make_engine(paths.store_file, secrets.token_bytes(32))
    with engine.begin() as conn:
        upgrade(conn, version_seal.BASELINE)
    with engine.connect() as conn:
        at_baseline = {
            t: {str(r[1]) for r in conn.exec_driver_sql(f"PRAGMA table_info({t})")}
            for t in ("care_plan", *guards.PLAN_CONTENT_TABLES)
        }
    engine.dispose()
    added: dict[str, set[str]] = {}
    for tables in version_seal.ADDED_SINCE.values():
        for table, columns in tables.items():
            added.setdefault(table, set()).update(columns)
    content = {
        table.name
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name == "care_plan" for fk in table.foreign_keys) and "plan_id" in table.c
    }
    assert content == set(guards.PLAN_CONTENT_TABLES)
    for name in ("care_plan", *guards.PLAN_CONTENT_TABLES):
        now = {c.name for c in Base.metadata.tables[name].columns}
        assert now - at_baseline.get(name, set()) <= added.get(name, set()), name
