"""The replica's outbox on a real encrypted store: a change and its outbox row are saved together or not
at all; saves of one document fold into one waiting operation until a push may have sent it; what sync
itself writes is not sent back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from careplanner.app import AppContext, open_context
from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.models.sync import SyncOutbox
from careplanner.services.draft_copy import StaleCopyError
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.users import Actor
from careplanner.sync import outbox
from careplanner.sync.documents import loads, read_document
from tests.conftest import TEST_PASSPHRASE, make_person


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(resolve_paths(tmp_path / "replica"), passphrase=TEST_PASSPHRASE)
    outbox.install(ctx.store.sessions, ctx.services.clock.now)
    yield ctx
    ctx.close()


@pytest.fixture
def nurse(replica: AppContext) -> Actor:
    return replica.services.users.create(
        username="jo", display_name="Jo Brennan", role=UserRole.NURSE, actor=None
    )


def _ops(ctx: AppContext) -> list[tuple[int, str, str, str]]:
    with ctx.store.sessions() as session:
        rows = session.execute(
            select(SyncOutbox.op_seq, SyncOutbox.kind, SyncOutbox.doc_id, SyncOutbox.payload).order_by(
                SyncOutbox.op_seq
            )
        ).all()
    return [(int(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def _take(ctx: AppContext) -> list[tuple[int, str, int | None, str]]:
    with ctx.store.sessions.begin() as session:
        return outbox.take_batch(session.connection(), 100)


def _about(words: str) -> AboutMeSection:
    return AboutMeSection(AboutMeData(what_matters=words))


def test_each_save_writes_the_documents_it_touched_into_the_outbox_in_the_same_transaction(
    replica: AppContext, nurse: Actor
) -> None:
    before = {(k, d) for _, k, d, _ in _ops(replica)}
    assert ("user", nurse.id) in before
    person = replica.services.people.create(make_person(), nurse)
    draft = replica.services.plans.start_draft(person.id, nurse)
    saved = replica.services.plans.save_section(draft.id, _about("My garden"), nurse)
    ops = _ops(replica)
    plan_ops = [op for op in ops if op[1] == "plan"]
    assert [op[2] for op in plan_ops] == [draft.id]  # three saves of the plan wait as one operation
    # A push takes it with the plan as it is now (every save in it).
    taken = _take(replica)
    with replica.store.sessions() as session:
        now = read_document(session.connection(), "plan", draft.id)
    assert [loads(payload) for seq, *_rest, payload in taken if seq == plan_ops[0][0]] == [now]
    ops = _ops(replica)
    # A save the services refuse (the draft moved on since this copy read it) leaves no outbox change.
    with pytest.raises(StaleCopyError):
        replica.services.plans.save_section(
            draft.id,
            _about("Typed on a stale copy"),
            nurse,
            seen_revision=saved.revision - 1,
            seen_section=_about("something else"),
        )
    assert _ops(replica) == ops


def test_an_operation_a_push_may_have_sent_is_never_changed_afterwards(
    replica: AppContext, nurse: Actor
) -> None:
    person = replica.services.people.create(make_person(), nurse)
    draft = replica.services.plans.start_draft(person.id, nurse)
    _take(replica)  # a push takes what waits, and sends it
    first = [op for op in _ops(replica) if op[1] == "plan"]
    replica.services.plans.save_section(draft.id, _about("After the push began"), nurse)
    after = [op for op in _ops(replica) if op[1] == "plan"]
    assert after[0] == first[0]  # the operation that may be on the server is as it was sent
    assert "After the push began" not in after[0][3]
    assert len(after) == 2 and after[1][0] > first[0][0]
    sent = [payload for seq, *_rest, payload in _take(replica) if seq == after[1][0]]
    assert len(sent) == 1 and "After the push began" in sent[0]


def test_what_sync_itself_writes_is_not_queued_to_be_sent_back(replica: AppContext, nurse: Actor) -> None:
    ops = _ops(replica)
    with replica.store.sessions.begin() as session:
        session.info[outbox.APPLYING] = True
        session.execute(text("UPDATE practice SET name = 'x' WHERE 0"))
        from careplanner.models import Practice

        session.add(Practice(name="Synthetic Surgery from the server"))
    assert _ops(replica) == ops
