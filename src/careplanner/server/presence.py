"""Presence on the practice server: who has a person's draft open for editing, and on which workstation.

SQL on the `plan_presence` table (migration 0010), inside the caller's transaction, PostgreSQL only. Every
time is the server's own (`now()`), never a workstation's clock: a row whose heartbeat is older than
STALE_AFTER belongs to a workstation that crashed or lost the network, and counts as free. Each change
sends a NOTIFY on PRESENCE_CHANNEL (delivered when the transaction commits) whose payload is the person's
record id and the new holder's token: ids only, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from careplanner.models.base import new_id

STALE_AFTER = timedelta(minutes=2)
PRESENCE_CHANNEL = "careplanner_presence"
CHANGES_CHANNEL = "careplanner_changes"
_NOW = "(now() AT TIME ZONE 'UTC')"
_FRESH = f"p.heartbeat_at > {_NOW} - make_interval(secs => :stale)"


@dataclass(frozen=True)
class PresenceRow:
    """One row of `plan_presence`, with the holder's display name and whether its heartbeat is fresh."""

    person_id: str
    draft_id: str | None
    user_id: str
    display_name: str
    workstation: str
    holder: str
    since: datetime
    fresh: bool


def notify(session: Session, channel: str, payload: str) -> None:
    """Queue a NOTIFY, sent by PostgreSQL when (and only if) the caller's transaction commits."""
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


def _row(session: Session, person_id: str, *, lock: bool = False, share: bool = False) -> PresenceRow | None:
    locking = " FOR UPDATE OF p" if lock else " FOR SHARE OF p" if share else ""
    sql = (
        "SELECT p.person_id, p.draft_id, p.user_id, u.display_name, p.workstation, p.holder, p.updated_at, "
        f"{_FRESH} AS fresh FROM plan_presence p JOIN app_user u ON u.id = p.user_id "
        "WHERE p.person_id = :person" + locking
    )
    found = session.execute(text(sql), {"person": person_id, "stale": STALE_AFTER.total_seconds()}).first()
    if found is None:
        return None
    return PresenceRow(
        person_id=found.person_id,
        draft_id=found.draft_id,
        user_id=found.user_id,
        display_name=found.display_name,
        workstation=found.workstation,
        holder=found.holder,
        since=found.updated_at.replace(tzinfo=UTC),
        fresh=bool(found.fresh),
    )


def holder_row(session: Session, person_id: str, *, share: bool = False) -> PresenceRow | None:
    """This person's presence row, fresh or not (`share`: locked until the caller's transaction ends, so
    a take-over waits for it)."""
    return _row(session, person_id, share=share)


def holder_of(session: Session, person_id: str) -> PresenceRow | None:
    """Whoever has this person's draft open now (a fresh heartbeat), or None."""
    row = _row(session, person_id)
    return row if row is not None and row.fresh else None


def claim(
    session: Session,
    person_id: str,
    draft_id: str | None,
    *,
    user_id: str,
    workstation: str,
    holder: str,
    force: bool = False,
) -> tuple[bool, PresenceRow | None]:
    """Take this person's presence for `holder` unless another holder's heartbeat is fresh (or `force`).

    Returns (claimed, other): `other` is the fresh holder found (the one taken over from, when forced).
    A holder has one person at a time: its rows for anyone else are dropped."""
    released = session.execute(
        text("DELETE FROM plan_presence WHERE holder = :holder AND person_id <> :person RETURNING person_id"),
        {"holder": holder, "person": person_id},
    ).all()
    for (gone,) in released:
        notify(session, PRESENCE_CHANNEL, f"{gone} -")
    values = {
        "id": new_id(),
        "person": person_id,
        "draft": draft_id,
        "user": user_id,
        "ws": workstation[:100],
        "holder": holder,
    }
    inserted = session.execute(
        text(
            "INSERT INTO plan_presence (id, created_at, updated_at, row_version, person_id, draft_id, "
            f"user_id, workstation, holder, heartbeat_at) VALUES (:id, {_NOW}, {_NOW}, 1, :person, :draft, "
            f":user, :ws, :holder, {_NOW}) ON CONFLICT (person_id) DO NOTHING RETURNING id"
        ),
        values,
    ).first()
    if inserted is not None:
        notify(session, PRESENCE_CHANNEL, f"{person_id} {holder}")
        return True, None
    current = _row(session, person_id, lock=True)
    assert current is not None  # the insert conflicted on it, and presence rows are deleted only by holder
    other = current if current.fresh and current.holder != holder else None
    if other is not None and not force:
        return False, other
    session.execute(
        text(
            f"UPDATE plan_presence SET draft_id = :draft, user_id = :user, workstation = :ws, "
            f"holder = :holder, heartbeat_at = {_NOW}, row_version = row_version + 1"
            + ("" if current.holder == holder else f", updated_at = {_NOW}")
            + " WHERE person_id = :person"
        ),
        values,
    )
    notify(session, PRESENCE_CHANNEL, f"{person_id} {holder}")
    return True, other


def heartbeat(session: Session, person_id: str, holder: str) -> bool:
    """Renew `holder`'s presence; False when it is no longer theirs (taken over, or dropped as stale)."""
    renewed = session.execute(
        text(
            f"UPDATE plan_presence SET heartbeat_at = {_NOW} WHERE person_id = :person AND holder = :holder "
            "RETURNING id"
        ),
        {"person": person_id, "holder": holder},
    ).first()
    return renewed is not None


def release(session: Session, holder: str) -> None:
    """`holder` has closed its plan (or the app): others may edit now."""
    gone = session.execute(
        text("DELETE FROM plan_presence WHERE holder = :holder RETURNING person_id"), {"holder": holder}
    ).all()
    for (person_id,) in gone:
        notify(session, PRESENCE_CHANNEL, f"{person_id} -")
