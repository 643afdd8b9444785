"""An agreed version sent again after the practice server was restored from a backup taken ten minutes
earlier (hazard H-71), against the real PostgreSQL, pushed as the clinician's own login role (so the
server's agreement guard applies): it keeps its own agreed time and number; an ordinary push cannot
back-date an agreement, nor can raw SQL outside the stretch the restore lost; a number the restored server
gave away meanwhile is a conflict a clinician sees, never a silent renumbering.

The restore itself is `server restore` (test_server_side_restore.py, benchmarks/sync_restore_fault.py,
test_faults_restore.py); here the epoch row says what such a restore records (server_side.new_epoch).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from careplanner.clinical.enums import AgreedWith
from careplanner.sync.documents import Document
from careplanner.sync.server_restored import number_taken
from careplanner.sync.server_rules import with_root
from careplanner.sync.server_side import Op
from tests.server_provisioned import ProvisionedDatabase
from tests.sync.server_side_support import NURSE, Online, edited, new_practice, nhs, push, read


@pytest.fixture(scope="module")
def db() -> Iterator[ProvisionedDatabase]:
    made = new_practice()
    # Restored a moment ago from a backup whose newest entry is ten minutes old.
    engine = made.owner_engine()
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE sync_epoch SET began_at = clock_timestamp() AT TIME ZONE 'UTC', "
                "lost_after = clock_timestamp() AT TIME ZONE 'UTC' - interval '10 minutes'"
            )
        )
    engine.dispose()
    yield made
    made.server.drop_database(made.database)


def _ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def _draft(db: ProvisionedDatabase, tmp_path: Path, words: str) -> tuple[str, str, Document, Online]:
    online = Online(db, NURSE, tmp_path)
    person_id, draft_id = online.person_with_draft(nhs(), words)
    return person_id, draft_id, read(db, "plan", draft_id), online


def _agreed(seen: Document, by: str, at: str, number: int, words: str) -> Document:
    base = int(str(seen.root()["revision"]))  # type: ignore[index]
    return with_root(
        edited(seen, words, base + 1),
        status="agreed",
        agreed_by_id=by,
        agreed_at=at,
        agreed_with="person",
        version_number=number,
        review_date="2027-09-01",
    )


def _stamp(doc: Document) -> tuple[object, object]:
    root = doc.root()
    assert root is not None
    return datetime.fromisoformat(str(root["agreed_at"])).astimezone(UTC), root["version_number"]


def test_an_agreement_sent_again_after_a_restore_keeps_its_own_time_and_number(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    _person, draft_id, seen, online = _draft(db, tmp_path, "Gardening")
    online.close()
    base = int(str(seen.root()["revision"]))  # type: ignore[index]
    at = _ago(7)  # agreed (on the server, before the restore) seven minutes ago
    resent = _agreed(seen, online.actor.id, at, 1, "Gardening with my grandson")
    result = push(db, NURSE, online.actor, [Op(1, str(uuid.uuid4()), resent, base, reconcile=True)], "ws-a")
    assert [o.result for o in result.outcomes] == ["applied"]
    assert _stamp(read(db, "plan", draft_id)) == (datetime.fromisoformat(at), 1)


def test_an_ordinary_push_or_raw_sql_cannot_back_date_an_agreement(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    _person, draft_id, seen, online = _draft(db, tmp_path, "Fishing")
    online.close()
    base = int(str(seen.root()["revision"]))  # type: ignore[index]
    offline = _agreed(seen, online.actor.id, _ago(7), 1, "Fishing on Sundays")
    result = push(db, NURSE, online.actor, [Op(1, str(uuid.uuid4()), offline, base)], "ws-b")
    assert [o.result for o in result.outcomes] == ["applied"]
    when, _number = _stamp(read(db, "plan", draft_id))
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60  # re-dated: the server's present
    # Straight to the database as the clinician: before the lost stretch, the guard refuses it.
    _person2, other_id, _seen2, online2 = _draft(db, tmp_path / "2", "Reading")
    online2.close()
    engine = db.engine_as(NURSE)
    try:
        with engine.begin() as conn, pytest.raises(sa_exc.DBAPIError, match="at the present time"):
            conn.execute(
                text(
                    "UPDATE care_plan SET status = 'agreed', agreed_by_id = :me, agreed_with = 'person', "
                    "review_date = '2027-09-01', version_number = 1, "
                    "agreed_at = clock_timestamp() AT TIME ZONE 'UTC' - interval '30 minutes' WHERE id = :p"
                ),
                {"me": online2.actor.id, "p": other_id},
            )
    finally:
        engine.dispose()


def test_a_number_the_restored_server_gave_away_is_a_conflict_not_a_silent_renumbering(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    person_id, lost_id, seen, online = _draft(db, tmp_path, "Walking")
    try:
        # After the restore a colleague agreed this person's plan online: it took number 1.
        online.ctx.services.plans.discard_draft(lost_id, online.actor)  # the restored server lacks it
        taken_id = online.ctx.services.plans.start_draft(person_id, online.actor).id
        online.save(taken_id, "Walking to the shops")
        online.ctx.services.plans.agree(
            taken_id, online.actor, agreed_with=AgreedWith.PERSON, review_date=date(2027, 6, 1)
        )
    finally:
        online.close()
    # The version agreed before the restore (number 1 then) comes back from a workstation.
    at = _ago(6)
    resent = _agreed(seen, online.actor.id, at, 1, "Walking by the river")
    op = Op(1, str(uuid.uuid4()), resent, None, reconcile=True)
    result = push(db, NURSE, online.actor, [op], "ws-c")
    assert [o.result for o in result.outcomes] == ["applied"]
    assert _stamp(read(db, "plan", taken_id))[1] == 1  # the version people saw since keeps its number
    assert _stamp(read(db, "plan", lost_id)) == (datetime.fromisoformat(at), 2)
    engine = db.owner_engine()
    try:
        with engine.connect() as conn:
            conflicts = conn.execute(
                text("SELECT plan_a_id, plan_b_id, reason FROM sync_conflict WHERE person_id = :p"),
                {"p": person_id},
            ).all()
    finally:
        engine.dispose()
    assert [tuple(c) for c in conflicts] == [(taken_id, lost_id, number_taken(1, 2))]
