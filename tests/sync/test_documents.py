"""Documents, the unit sync moves: read from one back end and written into the other they read back the
same; a plan written into a replica passes the guards the way a save does; every service write is seen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError

from careplanner.app import AppContext, open_context
from careplanner.config import resolve_paths
from careplanner.services.store_verify import trigger_problems
from careplanner.services.users import Actor
from careplanner.sync.documents import (
    Document,
    UnknownDocumentError,
    all_document_keys,
    dumps,
    loads,
    read_document,
    revision_of,
    write_document,
)
from tests import backends
from tests.conftest import TEST_PASSPHRASE
from tests.sync.fill import fill_practice


@pytest.fixture(params=backends.both())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def other_store(backend: str, tmp_path: Path) -> Iterator[Connection]:
    """One transaction on an empty store of the other back end."""
    if backend == "server":
        ctx = open_context(resolve_paths(tmp_path / "other"), passphrase=TEST_PASSPHRASE)
        try:
            with ctx.store.sessions.begin() as session:
                yield session.connection()
        finally:
            ctx.close()
        return
    from tests.server_support import sa_url, test_server

    server = test_server()
    database = server.new_database()
    engine = create_engine(sa_url(server.cluster.url(database)))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()
        server.drop_database(database)


def _write_order(keys: list[tuple[str, str]], docs: dict[tuple[str, str], Document]) -> list[Document]:
    """Users and reference rows, then people, then plans (agreed and declined versions before drafts)."""
    rank = {"user": 0, "person": 2, "plan": 3}

    def key(k: tuple[str, str]) -> tuple[int, int, str]:
        doc = docs[k]
        root = doc.root() or {}
        return (rank.get(k[0], 1), 1 if root.get("status") == "draft" else 0, k[1])

    return [docs[k] for k in sorted(keys, key=key)]


def test_documents_read_back_identical_on_the_other_back_end(
    ctx: AppContext, actor: Actor, backend: str, tmp_path: Path
) -> None:
    filled = fill_practice(ctx, actor)
    with ctx.store.sessions() as session:
        conn = session.connection()
        keys = all_document_keys(conn)
        source = {k: read_document(conn, *k) for k in keys}
    kinds = {k for k, _ in keys}
    assert {"plan", "person", "user", "practice", "directory_service", "directory_leaflet"} <= kinds
    assert {"contingency_template"} <= kinds
    agreed = source[("plan", filled.agreed_id)]
    assert agreed.rows["medicine"] and agreed.rows["contingency_contact"] and agreed.rows["goal_action"]
    assert source[("person", filled.person_id)].rows["person_name_token"]
    assert "password_hash" not in source[("user", actor.id)].rows["app_user"][0]
    with other_store(backend, tmp_path) as conn:
        assert all_document_keys(conn) == []
        for doc in _write_order(keys, source):
            write_document(conn, loads(dumps(doc)))  # through the text the outbox and the wire carry
        assert sorted(all_document_keys(conn)) == sorted(keys)
        for k in keys:
            assert read_document(conn, *k) == source[k], k
        # Written again unchanged: nothing to do, and the guards are not tripped by an agreed version.
        write_document(conn, source[("plan", filled.agreed_id)])
    assert revision_of(agreed) == agreed.root()["revision"]  # type: ignore[index]
    person = source[("person", filled.person_id)]
    assert revision_of(person) == person.root()["row_version"]  # type: ignore[index]


@pytest.mark.parametrize("backend", ["local"])
def test_a_plan_written_into_a_replica_passes_the_guards_and_they_still_hold(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    filled = fill_practice(ctx, actor)
    with ctx.store.sessions() as session:
        conn = session.connection()
        docs = [read_document(conn, *k) for k in all_document_keys(conn)]
    replica = open_context(resolve_paths(tmp_path / "replica"), passphrase=TEST_PASSPHRASE)
    try:
        with replica.store.sessions.begin() as session:
            for doc in _write_order([(d.kind, d.id) for d in docs], {(d.kind, d.id): d for d in docs}):
                write_document(session.connection(), doc)
        with replica.store.sessions() as session:
            conn = session.connection()
            assert trigger_problems(conn) == []  # every guard still in place, none altered
            agreed = read_document(conn, "plan", filled.agreed_id)
            assert agreed.root()["status"] == "agreed"  # type: ignore[index]
        # The guards still refuse a change to the agreed version, also through write_document.
        changed_rows = dict(agreed.rows)
        changed_rows["goal"] = [{**r, "text": "changed later"} for r in agreed.rows["goal"]]
        assert changed_rows["goal"]
        with pytest.raises(DatabaseError), replica.store.sessions.begin() as session:
            write_document(session.connection(), Document("plan", agreed.id, changed_rows))
        with replica.store.sessions() as session:
            assert read_document(session.connection(), "plan", filled.agreed_id) == agreed
        # A draft can be replaced, and removed.
        with replica.store.sessions() as session:
            draft = read_document(session.connection(), "plan", filled.draft_id)
        edited = dict(draft.rows)
        edited["care_plan"] = [{**draft.rows["care_plan"][0], "revision": 7, "title": "Edited elsewhere"}]
        edited["goal_action"] = []
        with replica.store.sessions.begin() as session:
            write_document(session.connection(), Document("plan", draft.id, edited))
        with replica.store.sessions() as session:
            assert read_document(session.connection(), "plan", draft.id) == Document("plan", draft.id, edited)
        with replica.store.sessions.begin() as session:
            write_document(session.connection(), Document("plan", draft.id, {}))
        with replica.store.sessions() as session:
            assert read_document(session.connection(), "plan", draft.id).absent
    finally:
        replica.close()


def test_dumps_and_loads_keep_unicode_and_refuse_other_text() -> None:
    doc = Document(
        "person", "p1", {"person": [{"id": "p1", "first_name": "Siobhán Nguyễn", "row_version": 2}]}
    )
    assert loads(dumps(doc)) == doc
    assert revision_of(doc) == 2
    assert Document("plan", "x").absent and revision_of(Document("plan", "x")) is None
    with pytest.raises(UnknownDocumentError, match="not a kind of document"):
        loads('{"kind": "audit_event", "id": "a", "rows": {}}')
    with pytest.raises(UnknownDocumentError, match="not a sync document"):
        loads("[]")


def _listen(ctx: AppContext) -> set[tuple[str, str]]:
    """Every document the store's sessions touch, as the outbox sees it (after each flush, and for
    statements run outside the unit of work)."""
    from careplanner.sync.documents import documents_touched, forget_touched, note_execute

    seen: set[tuple[str, str]] = set()

    def after_flush(session, _context):  # type: ignore[no-untyped-def]
        seen.update(documents_touched(session))
        forget_touched(session)

    event.listen(ctx.store.sessions, "after_flush", after_flush)
    event.listen(ctx.store.sessions, "do_orm_execute", note_execute)
    return seen


def _snapshot(ctx: AppContext) -> dict[tuple[str, str], Document]:
    with ctx.store.sessions() as session:
        conn = session.connection()
        return {k: read_document(conn, *k) for k in all_document_keys(conn)}


@pytest.mark.parametrize("backend", ["local"])
def test_documents_touched_catches_every_service_write(ctx: AppContext, tmp_path: Path) -> None:
    """Walk every service that writes synced tables: each document a step changed is one the outbox saw
    (after each flush, or from a statement run outside the unit of work: the seed's bulk inserts)."""
    import dataclasses
    from datetime import date

    from careplanner.clinical.contingency_templates import load_default_templates
    from careplanner.clinical.directory import Leaflet, Service, services_to_csv
    from careplanner.clinical.enums import UserRole
    from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person
    from careplanner.services.demo_practice import ensure_demo_practice
    from careplanner.services.fhir_import import FhirImportService
    from careplanner.services.plan_data import SECTION_TYPES, PlanContent
    from careplanner.services.seed import seed_people
    from tests.conftest import make_person

    seen = _listen(ctx)
    s = ctx.services
    state: dict[str, str] = {}
    people: dict[str, object] = {}

    def first_users() -> None:
        people["actor"] = s.users.ensure_first_clinician()
        people["admin"] = s.users.create(
            username="walk-admin", display_name="Synthetic Admin", role=UserRole.ADMIN, actor=None
        )

    def actor() -> Actor:
        return people["actor"]  # type: ignore[return-value]

    def admin() -> Actor:
        return people["admin"]  # type: ignore[return-value]

    def add_and_edit_user() -> None:
        added = s.auth.add_user(
            username="walk-nurse",
            display_name="Synthetic Nurse",
            role=UserRole.NURSE,
            password="a long synthetic password 42",
            actor=admin(),
        )
        s.auth.update_user(added.id, admin(), display_name="Synthetic Nurse Two", active=False)

    def directory() -> None:
        entry = s.directory.save_service(Service("Synthetic Walking Group"), actor())
        s.directory.save_service(
            Service("Synthetic Walking Group", phone="0113 496 0999"), actor(), entry_id=entry.id
        )
        leaflet = s.directory.save_leaflet(Leaflet("Synthetic leaflet"), actor())
        s.directory.remove_service(entry.id, actor())
        s.directory.remove_leaflet(leaflet.id, actor())
        csv = services_to_csv([Service("Synthetic Imported Service"), Service("Synthetic Second Import")])
        s.directory.apply_import(s.directory.preview_import(csv), actor())

    def templates() -> None:
        first = load_default_templates()[0]
        s.templates.save(dataclasses.replace(first, name=first.name + " (ours)"), actor())
        s.templates.reset(first.key, actor())
        s.templates.save(dataclasses.replace(first, name=first.name + " (ours again)"), actor())

    def person() -> None:
        made = s.people.create(sample_person().details, actor())
        state["person"] = made.id
        s.people.update(
            made.id,
            dataclasses.replace(made.details, first_name="Siobhan", addresses=(), telecoms=()),
            actor(),
        )

    def draft_every_section() -> None:
        opened = s.consultation.open_for_consultation(state["person"], actor())
        assert opened.plan is not None
        state["draft"] = opened.plan.id
        content = sample_content()
        for key in SECTION_TYPES:
            s.plans.save_section(state["draft"], content.section(key), actor())

    def empty_every_section() -> None:  # every item removed again: deletes of orphaned rows
        empty = PlanContent()
        for key in SECTION_TYPES:
            s.plans.save_section(state["draft"], empty.section(key), actor())
        content = sample_content()
        for key in SECTION_TYPES:
            s.plans.save_section(state["draft"], content.section(key), actor())

    def agree() -> None:
        s.plans.agree(state["draft"], actor(), review_date=date(2027, 6, 1))

    def review_and_discard() -> None:
        draft = s.plans.start_draft(state["person"], actor())
        s.plans.discard_draft(draft.id, actor())

    def decline() -> None:
        other = s.people.create(make_person(first_name="Walk", family_name="Synthetic"), actor())
        draft = s.plans.start_draft(other.id, actor())
        s.plans.decline(draft.id, actor(), reason="Not today")

    def fhir_import() -> None:
        bundle = s.exports.fhir_bundle(state["person"], actor(), with_pdf=False)
        # Without the plans, so the record goes into a draft (the plan itself is already held: no write).
        bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "CarePlan"]
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor())

    def seed() -> None:  # bulk inserts and an UPDATE statement, outside the unit of work
        seed_people(ctx.store.sessions, count=3, seed=7, actor=actor(), today=date(2026, 11, 30))

    def demo_practice() -> None:
        s.practice.update(SAMPLE_PRACTICE, admin())
        ensure_demo_practice(ctx.store.sessions, s.clock.now)

    steps = [
        first_users,
        add_and_edit_user,
        directory,
        templates,
        person,
        draft_every_section,
        empty_every_section,
        agree,
        review_and_discard,
        decline,
        fhir_import,
        seed,
        demo_practice,
    ]
    for step in steps:
        before = _snapshot(ctx)
        seen.clear()
        step()
        after = _snapshot(ctx)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed, f"{step.__name__} changed nothing: the walk no longer exercises it"
        missed = changed - seen
        assert not missed, f"{step.__name__}: {sorted(missed)} changed but the outbox would not see them"
