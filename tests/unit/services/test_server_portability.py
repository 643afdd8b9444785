"""Faults that only the practice server showed: the same services on PostgreSQL must answer as the local
store does. Tests that take `ctx` run on both back ends (conftest.py), so the local behaviour is pinned
too; the collation tests build a server database the way a practice's IT would get one."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from careplanner.app import AppContext, open_context, open_server_context
from careplanner.clinical.nhs_number import make_valid_nhs_number
from careplanner.config import resolve_paths
from careplanner.services import audit
from careplanner.services.audit_head import HEAD_FILENAME, AuditHeadNote
from careplanner.services.people import AddressData, PersonSummary
from careplanner.services.plan_data import MedicalSection, MedicineData
from careplanner.services.store_verify import verify_store
from careplanner.services.users import Actor
from careplanner.store.guards import expected_triggers
from careplanner.store.migrate import upgrade
from tests import server_support
from tests.conftest import TEST_PASSPHRASE, make_person

# Names whose order differs between code-point order (SQLite) and a linguistic collation (en-GB):
# lower-case particles, apostrophes, accents, and a family name that is a prefix of another.
NAMES = (
    ("Dixon", "Amy"),
    ("de Souza", "Ben"),
    ("O'Brien", "Cat"),
    ("Obi", "Dan"),
    ("Zoë", "Eve"),
    ("Zoe", "Fay"),
    ("Ábel", "Gus"),
    ("Abel", "Hal"),
    ("Smith", "Ian"),
    ("Smith-Jones", "Jo"),
    ("Smithson", "Kit"),
    ("van Dyke", "Lee"),
)


@pytest.fixture
def linguistic_server(tmp_path: Path) -> Iterator[AppContext]:
    """A practice database created with an English linguistic collation (as `createdb` on a machine whose
    locale is en_GB gives), migrated by the app's own migrations."""
    server = server_support.test_server()
    name = f"t{os.getpid()}_en_gb"
    admin = server.admin_engine()
    with admin.connect() as conn:
        if not conn.execute(text("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")).scalar():
            pytest.skip("this PostgreSQL has no ICU collations")
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(
            text(
                f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'en-GB' LOCALE 'C.UTF-8' "
                "TEMPLATE template0"
            )
        )
    admin.dispose()
    engine = create_engine(server_support.sa_url(server.cluster.url(name)))
    with engine.begin() as conn:
        # The database really is linguistic: without the migration's fix, this is what the services met.
        assert not conn.execute(text("SELECT '9434765919' < '943:'")).scalar()
        upgrade(conn)
    engine.dispose()
    paths = resolve_paths(tmp_path / "workstation")
    paths.ensure()
    context = open_server_context(server.address(name), None, paths)
    try:
        yield context
    finally:
        context.close()
        server.drop_database(name)


@pytest.fixture
def local(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(resolve_paths(tmp_path / "local"), passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


def _add_people(ctx: AppContext) -> list[str]:
    actor = ctx.services.users.ensure_first_clinician()
    rng = random.Random(14)
    numbers = []
    for family, first in NAMES:
        nhs = make_valid_nhs_number(rng)
        numbers.append(nhs)
        ctx.services.people.create(
            make_person(family_name=family, first_name=first, nhs_number=nhs, date_of_birth=date(1950, 1, 2)),
            actor,
        )
    return numbers


def _names(rows: list[PersonSummary]) -> list[tuple[str, str]]:
    return [(r.family_name, r.first_name) for r in rows]


def test_the_patient_list_is_in_the_same_order_on_the_server_as_on_the_local_store(
    linguistic_server: AppContext, local: AppContext
) -> None:
    _add_people(linguistic_server)
    _add_people(local)
    for query in ("", "s", "smith", "zoe", "o", "smith j", "1950-01-02"):
        on_server = _names(linguistic_server.services.people.search(query))
        assert on_server == _names(local.services.people.search(query)), query
        assert linguistic_server.services.people.count(query) == local.services.people.count(query)
    # Code-point order: capitals before small letters, unaccented before accented.
    everyone = _names(linguistic_server.services.people.search(""))
    assert everyone == sorted(NAMES)
    assert everyone.index(("Dixon", "Amy")) < everyone.index(("de Souza", "Ben"))


def test_a_search_by_the_start_of_an_nhs_number_finds_the_person_on_the_server(
    linguistic_server: AppContext,
) -> None:
    numbers = _add_people(linguistic_server)
    people = linguistic_server.services.people
    for nhs, (family, first) in zip(numbers, NAMES, strict=True):
        found = _names(people.search(nhs[:4]))
        assert (family, first) in found, "a search by the first digits found nobody"
        assert _names(people.search(f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}")) == [(family, first)]


def _cut_trail(ctx: AppContext, keep: int) -> None:
    """Switch the trail's guard off, cut the newest entries, and switch it back on exactly as it was."""
    with ctx.store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_fixed"))
            conn.execute(text("DELETE FROM audit_event WHERE seq > :keep"), {"keep": keep})
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_fixed"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(text("DELETE FROM audit_event WHERE seq > :keep"), {"keep": keep})
            conn.execute(text(expected_triggers()["audit_event_no_delete"]))


def test_the_mark_inside_the_store_catches_a_cut_trail_and_a_server_needs_no_note_beside_it(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(), actor)
    for _ in range(3):
        ctx.services.people.open(person.id, actor)
    note = AuditHeadNote(ctx.store.sessions, ctx.paths.data_dir)
    note.save()  # as sign-in, lock, backup and close do
    head = note.current()
    assert head is not None and note.mark() == head
    on_server = ctx.store.engine.dialect.name == "postgresql"
    # The server keeps no note in a workstation's folder: each would have its own, and one that never
    # wrote a note reported it "missing" on a server whose trail was whole.
    assert (ctx.paths.data_dir / HEAD_FILENAME).exists() is not on_server
    assert verify_store(ctx.store.sessions, ctx.paths.data_dir).ok
    if on_server:
        assert verify_store(ctx.store.sessions, tmp_path / "another-workstation").ok
    _cut_trail(ctx, head.seq - 2)
    # What is left is still a whole chain: only the mark (and, locally, the note) show the cut.
    assert ctx.services.audit.verify().ok
    problems = verify_store(ctx.store.sessions, ctx.paths.data_dir).problems
    assert any(f"the trail ends before entry {head.seq}" in p and "inside the store" in p for p in problems)


class AbandonedError(Exception):
    pass


def _open_then_abandon(ctx: AppContext, actor: Actor, person_id: str) -> None:
    """A change whose audit line is written and which then fails (e.g. a save refused after it): the
    whole transaction, audit line included, rolls back."""
    with ctx.store.sessions.begin() as session:
        audit.record(session, audit.Action.PERSON_OPENED, user_id=actor.id, person_id=person_id)
        raise AbandonedError


def test_an_abandoned_change_leaves_no_gap_in_the_audit_trail(ctx: AppContext, actor: Actor) -> None:
    # A PostgreSQL sequence hands out numbers that a rolled-back transaction never uses: the next entry
    # then skipped a number and `audit verify` reported an entry removed from a trail nobody touched.
    person = ctx.services.people.create(make_person(), actor)
    with pytest.raises(AbandonedError):
        _open_then_abandon(ctx, actor, person.id)
    ctx.services.people.open(person.id, actor)
    report = ctx.services.audit.verify()
    assert report.ok, report.problem
    seqs = sorted(e.seq for e in ctx.services.audit.entries())
    assert seqs == list(range(1, len(seqs) + 1))


def test_the_recall_list_puts_people_due_the_same_day_in_list_order(ctx: AppContext, actor: Actor) -> None:
    due = ctx.services.clock.today() + timedelta(days=10)
    made = {
        family: ctx.services.people.create(
            make_person(family_name=family, first_name=first, nhs_number=None), actor
        ).id
        for family, first in (("Young", "Zed"), ("Able", "Amy"), ("Baker", "Bob"))
    }
    for family in ("Baker", "Young", "Able"):
        draft = ctx.services.plans.start_draft(made[family], actor)
        ctx.services.plans.agree(draft.id, actor, review_date=due)
    # A later change to one person moves their row on the server's disk (PostgreSQL writes a new row).
    young = ctx.services.people.get(made["Young"]).details
    ctx.services.people.update(made["Young"], replace(young, preferred_name="Zee"), actor)
    recall = ctx.services.people.reviews_due(within_days=30)
    assert [p.family_name for p in recall] == ["Able", "Baker", "Young"]


def test_text_longer_than_a_column_declares_is_kept_on_both_back_ends(ctx: AppContext, actor: Actor) -> None:
    # SQLite never enforces VARCHAR(n); PostgreSQL refused the same save with "value too long", so what
    # was typed on a workstation joined to the server was not saved (and such a store could not be moved
    # onto the server).
    title = "The Reverend Canon Doctor of Divinity (retd)"  # 44 characters; title is declared VARCHAR(40)
    postcode = "AB12 3CD (rear door)"  # postcode is declared VARCHAR(10)
    medicine = "Salbutamol " + "100 micrograms/dose pressurised inhaler, " * 8  # name is VARCHAR(300)
    person = ctx.services.people.create(
        make_person(title=title, addresses=(AddressData(line1="1 Synthetic Row", postcode=postcode),)), actor
    )
    draft = ctx.services.plans.start_draft(person.id, actor)
    medical = MedicalSection(medicines=(MedicineData(name=medicine, purpose="to ease breathlessness"),))
    ctx.services.plans.save_section(draft.id, medical, actor)
    details = ctx.services.people.get(person.id).details
    assert details.title == title and details.addresses[0].postcode == postcode
    assert len(medicine) > 300
    assert ctx.services.plans.get(draft.id).content.medical.medicines[0].name == medicine
