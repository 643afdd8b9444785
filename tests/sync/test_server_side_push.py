"""Pushes to the practice server against the real PostgreSQL, as each person's own login role: a batch sent
twice is applied once; a draft pushed from a stale base is kept as a second draft with a conflict; agreed
versions pushed are numbered on the server and sealed; an agreement made offline by another account waits
for them; a discarded draft goes only if unchanged; a stale person edit keeps the server's details.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from careplanner.clinical.enums import AgreedWith
from careplanner.config import resolve_paths
from careplanner.sync.documents import Document
from careplanner.sync.server_rules import branch_id, rekeyed, with_root
from careplanner.sync.server_side import Op
from tests.server_provisioned import ProvisionedDatabase
from tests.sync.server_side_support import (
    GP,
    NURSE,
    Online,
    edited,
    new_practice,
    nhs,
    owner_scalar,
    push,
    read,
    what_matters,
)


@pytest.fixture(scope="module")
def db() -> Iterator[ProvisionedDatabase]:
    made = new_practice()
    yield made
    made.server.drop_database(made.database)


# ---- pushes --------------------------------------------------------------------------------------------


def test_a_batch_sent_twice_is_applied_once(db: ProvisionedDatabase, tmp_path: Path) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        person_id, draft_id = online.person_with_draft(nhs(), "Singing in the choir")
        nurse = online.actor
    finally:
        online.close()
    server = read(db, "plan", draft_id)
    base = int(str(server.root()["revision"]))  # type: ignore[index]
    ops = [
        Op(1, str(uuid.uuid4()), edited(server, "Singing in the choir again", base + 1), base),
        Op(2, str(uuid.uuid4()), edited(server, "Singing and the allotment", base + 2), base),
    ]
    first = push(db, NURSE, nurse, ops, ws)
    assert [o.result for o in first.outcomes] == ["applied", "applied"] and first.last_op_seq == 2
    again = push(db, NURSE, nurse, ops, ws)  # the reply was lost: the workstation sends the batch again
    assert [o.result for o in again.outcomes] == ["duplicate", "duplicate"] and again.last_op_seq == 2
    assert what_matters(read(db, "plan", draft_id)) == "Singing and the allotment"
    saves = owner_scalar(
        db,
        "SELECT count(*) FROM audit_event WHERE plan_id = :p AND action = 'plan_changed' AND detail LIKE :d",
        p=draft_id,
        d="%source=sync ws=" + ws[:8],
    )
    assert saves == 2  # one audited save per operation, none for the replay
    drafts = owner_scalar(db, "SELECT count(*) FROM care_plan WHERE person_id = :p", p=person_id)
    assert drafts == 1


def test_a_draft_pushed_from_a_stale_base_is_kept_beside_the_servers_with_a_conflict(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        person_id, draft_id = online.person_with_draft(nhs(), "Fishing on Sundays")
        seen = read(db, "plan", draft_id)  # what the offline workstation last pulled
        base = int(str(seen.root()["revision"]))  # type: ignore[index]
        online.save(draft_id, "Fishing and the bowls club")  # changed on the server meanwhile
        nurse = online.actor
    finally:
        online.close()
    op = Op(1, str(uuid.uuid4()), edited(seen, "Fishing with my brother", base + 1), base)
    result = push(db, NURSE, nurse, [op], ws)
    assert [o.result for o in result.outcomes] == ["branched"]
    kept = read(db, "plan", draft_id)
    copy = read(db, "plan", branch_id(op.op_id))
    assert what_matters(kept) == "Fishing and the bowls club"  # the server's draft untouched
    assert what_matters(copy) == "Fishing with my brother"  # nothing typed offline lost
    assert copy.root()["status"] == "draft"  # type: ignore[index]
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            conflicts = conn.execute(
                text(
                    "SELECT plan_a_id, plan_b_id, reason, resolved_at FROM sync_conflict WHERE person_id = :p"
                ),
                {"p": person_id},
            ).all()
    finally:
        engine.dispose()
    assert [(c[0], c[1], c[3]) for c in conflicts] == [(draft_id, branch_id(op.op_id), None)]
    assert "offline" in conflicts[0][2]


def test_agreed_versions_pushed_are_numbered_on_the_server_and_sealed(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, GP, tmp_path)
    try:
        person_id, first_id = online.person_with_draft(nhs(), "Cooking for my family")
        online.ctx.services.plans.agree(
            first_id, online.actor, agreed_with=AgreedWith.PERSON, review_date=date(2027, 6, 1)
        )
        second_id = online.ctx.services.plans.start_draft(person_id, online.actor).id
        gp = online.actor
    finally:
        online.close()
    seen = read(db, "plan", second_id)
    base = int(str(seen.root()["revision"]))  # type: ignore[index]
    # Agreed offline on the workstation (its own clock, its own idea of the number).
    agreed = with_root(
        edited(seen, "Cooking and walking", base + 1),
        status="agreed",
        agreed_by_id=gp.id,
        agreed_at="2026-11-30T08:00:00+00:00",
        agreed_with="person",
        version_number=1,
        review_date="2027-09-01",
    )
    result = push(db, GP, gp, [Op(1, str(uuid.uuid4()), agreed, base)], ws)
    assert [o.result for o in result.outcomes] == ["applied"]
    version = read(db, "plan", second_id).root()
    assert version is not None
    assert version["status"] == "agreed" and version["version_number"] == 2
    assert version["replaces_id"] == first_id and version["agreed_by_id"] == gp.id
    ctx, _ = db.open_as(GP, resolve_paths(tmp_path / "checking"))
    try:
        assert ctx.services.audit.verify().ok
        sealed = ctx.services.audit.entries(person_id=person_id, action="plan_agreed")
        assert any(e.plan_id == second_id and "content=" in e.detail for e in sealed)
        person = ctx.services.people.get(person_id)
        assert person.summary.review_due == date(2027, 9, 1) and not person.summary.has_draft
    finally:
        ctx.close()


def test_an_agreement_made_offline_by_another_account_waits_for_them(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        _person_id, draft_id = online.person_with_draft(nhs(), "Painting")
        nurse = online.actor
    finally:
        online.close()
    seen = read(db, "plan", draft_id)
    base = int(str(seen.root()["revision"]))  # type: ignore[index]
    agreed = with_root(seen, status="agreed", agreed_by_id=nurse.id, review_date="2027-09-01")
    ops = [Op(1, str(uuid.uuid4()), agreed, base)]
    gp = Online(db, GP, tmp_path)
    gp.close()
    result = push(db, GP, gp.actor, ops, ws)  # the GP signed in on the nurse's workstation
    # Answered (the workstation parks it as needing attention, and nothing behind it waits), not applied.
    assert [o.result for o in result.outcomes] == ["refused"] and result.last_op_seq == 1
    assert read(db, "plan", draft_id).root()["status"] == "draft"  # type: ignore[index]
    again = [Op(2, str(uuid.uuid4()), agreed, base)]  # sent again when the nurse pushes from there
    later = push(db, NURSE, nurse, again, ws)
    assert [o.result for o in later.outcomes] == ["applied"] and later.last_op_seq == 2


def test_later_saves_from_one_workstation_follow_its_earlier_push_but_not_anothers_save(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        _person_id, draft_id = online.person_with_draft(nhs(), "Knitting")
        seen = read(db, "plan", draft_id)
        base = int(str(seen.root()["revision"]))  # type: ignore[index]
        nurse = online.actor
        # Offline, three saves: each carries the revision the workstation last pulled (base).
        first = push(
            db, NURSE, nurse, [Op(1, str(uuid.uuid4()), edited(seen, "Knitting socks", base + 1), base)], ws
        )
        second = push(
            db, NURSE, nurse, [Op(2, str(uuid.uuid4()), edited(seen, "Knitting hats", base + 2), base)], ws
        )
        assert [o.result for o in first.outcomes + second.outcomes] == ["applied", "applied"]
        assert what_matters(read(db, "plan", draft_id)) == "Knitting hats"
        online.save(draft_id, "Knitting for the church sale")  # someone else, on the server
    finally:
        online.close()
    op = Op(3, str(uuid.uuid4()), edited(seen, "Knitting scarves", base + 3), base)
    third = push(db, NURSE, nurse, [op], ws)
    assert [o.result for o in third.outcomes] == ["branched"]
    assert what_matters(read(db, "plan", draft_id)) == "Knitting for the church sale"
    assert what_matters(read(db, "plan", branch_id(op.op_id))) == "Knitting scarves"


def test_a_draft_discarded_offline_goes_only_if_nobody_changed_it_since(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        gone_person, gone = online.person_with_draft(nhs(), "Darts")
        kept_person, kept = online.person_with_draft(nhs(), "Dominoes")
        bases = {p: int(str(read(db, "plan", p).root()["revision"])) for p in (gone, kept)}  # type: ignore[index]
        online.save(kept, "Dominoes at the club")  # changed on the server after the workstation saw it
        nurse = online.actor
    finally:
        online.close()
    ops = [Op(n, str(uuid.uuid4()), Document("plan", p, {}), bases[p]) for n, p in ((1, gone), (2, kept))]
    result = push(db, NURSE, nurse, ops, ws)
    assert [o.result for o in result.outcomes] == ["applied", "branched"] and result.last_op_seq == 2
    assert read(db, "plan", gone).absent
    assert what_matters(read(db, "plan", kept)) == "Dominoes at the club"
    has_draft = "SELECT has_draft FROM person WHERE id = :p"
    assert owner_scalar(db, has_draft, p=gone_person) is False
    assert owner_scalar(db, has_draft, p=kept_person) is True


def test_a_person_added_offline_arrives_and_an_edit_from_a_stale_copy_keeps_the_servers_details(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    ws = str(uuid.uuid4())
    online = Online(db, NURSE, tmp_path)
    try:
        known, _ = online.person_with_draft(nhs(), "Chess")
        seen = read(db, "person", known)
        base = int(str(seen.root()["row_version"]))  # type: ignore[index]
        new_id = str(uuid.uuid4())
        added = with_root(rekeyed(seen, new_id, str(uuid.uuid4())), nhs_number=nhs(), has_draft=True)
        result = push(db, NURSE, online.actor, [Op(1, str(uuid.uuid4()), added, None)], ws)
        assert [o.result for o in result.outcomes] == ["applied"]
        arrived = read(db, "person", new_id).root()
        assert arrived is not None and arrived["has_draft"] is False  # worked out on the server, not taken
        record = online.ctx.services.people.get(known)
        online.ctx.services.people.update(known, replace(record.details, title="Revd"), online.actor)
        stale = with_root(seen, title="Dr")
        result = push(db, NURSE, online.actor, [Op(2, str(uuid.uuid4()), stale, base)], ws)
        assert [o.result for o in result.outcomes] == ["branched"]
        assert read(db, "person", known).root()["title"] == "Revd"  # type: ignore[index]
        current = read(db, "person", known)
        fresh = with_root(current, title="Prof")
        now_at = int(str(current.root()["row_version"]))  # type: ignore[index]
        result = push(db, NURSE, online.actor, [Op(3, str(uuid.uuid4()), fresh, now_at)], ws)
        assert [o.result for o in result.outcomes] == ["applied"]
        assert read(db, "person", known).root()["title"] == "Prof"  # type: ignore[index]
    finally:
        online.close()


def test_after_a_restore_a_resent_draft_replaces_an_older_server_copy_only_when_reconciling(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    online = Online(db, NURSE, tmp_path)
    try:
        _person, draft_id = online.person_with_draft(nhs(), "Bird watching")
        nurse = online.actor
    finally:
        online.close()
    seen = read(db, "plan", draft_id)
    older = int(str(seen.root()["revision"]))  # type: ignore[index]
    # The workstation had seen two more saves that the restored server lost.
    mine = edited(seen, "Bird watching at the reservoir", older + 3)
    plain = push(db, NURSE, nurse, [Op(1, str(uuid.uuid4()), mine, older + 2)], str(uuid.uuid4()))
    assert [o.result for o in plain.outcomes] == ["branched"]  # an ordinary push never overwrites
    again = Op(1, str(uuid.uuid4()), mine, older + 2, reconcile=True)
    resent = push(db, NURSE, nurse, [again], str(uuid.uuid4()))
    assert [o.result for o in resent.outcomes] == ["applied"]
    assert what_matters(read(db, "plan", draft_id)) == "Bird watching at the reservoir"
