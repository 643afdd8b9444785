"""An agreed version sent again after the practice server was restored from an older backup (hazard H-71).

The restore gives the server a new epoch and records the stretch it lost (`sync_epoch.lost_after` — the
newest time its restored history holds — to `began_at`, the restore; server_side.new_epoch). A workstation
that sees the new epoch sends again what the server lacks as *reconcile* operations (resync.reconcile). An
agreed version among them comes back as it was people saw and printed it:

- its own agreed time, when that time lies in the lost stretch (or is the present): the server's agreement
  guard (store/guards.py) allows exactly that, so ordinary agreements still carry the present time and
  nothing outside the lost stretch can be back-dated;
- its own version number, when the person has no other version of that number on the server. When they do
  (a true clash), it takes the next free number and a `sync_conflict` names both versions, so a clinician
  sees it: a version is never renumbered silently.

An ordinary (not re-sent) agreement pushed to a restored server takes its workstation's own number when
that number is higher than the server's next and free: the workstation knew versions the server lost, which
come back later under their own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from careplanner.sync.documents import JsonValue
from careplanner.sync.server_apply import Batch

# Inside the guard's own margin (300 s), so a time kept here is one the guard accepts.
MARGIN_SECONDS = 240
# How far above the server's next number a workstation's own number is taken (versions the server lost).
MAX_GAP = 50


def number_taken(own: int, given: int) -> str:
    """The conflict's reason: plain words, no patient data."""
    return (
        f"agreed as version {own} on a workstation before the practice server was restored from a backup; "
        f"the server had meanwhile given number {own} to another version, so this one is now version {given}"
    )


@dataclass(frozen=True)
class Numbering:
    number: int
    clash_with: str | None = None  # the version holding the number this one was agreed under
    own: int | None = None


def _naive_utc(value: JsonValue) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def keeps_time(batch: Batch, value: JsonValue, now: datetime) -> bool:
    """Whether a re-sent agreement keeps its own agreed time: the present, or within the lost stretch."""
    when = _naive_utc(value)
    if when is None:
        return False
    if abs((when - now.astimezone(UTC).replace(tzinfo=None)).total_seconds()) < MARGIN_SECONDS:
        return True
    found = batch.conn.execute(
        text(
            "SELECT 1 FROM sync_epoch WHERE :t BETWEEN lost_after - make_interval(secs => :m) "
            "AND began_at + make_interval(secs => :m)"
        ),
        {"t": when, "m": MARGIN_SECONDS},
    ).first()
    return found is not None


def _restored_server(batch: Batch) -> bool:
    found = batch.conn.execute(text("SELECT lost_after FROM sync_epoch WHERE id = 1")).scalar()
    return found is not None


def _holder(batch: Batch, person_id: str, number: int, plan_id: str) -> str | None:
    found = batch.conn.execute(
        text("SELECT id FROM care_plan WHERE person_id = :p AND version_number = :n AND id <> :me"),
        {"p": person_id, "n": number, "me": plan_id},
    ).scalar()
    return None if found is None else str(found)


def numbering(batch: Batch, person_id: str, plan_id: str, own: JsonValue, *, resent: bool) -> Numbering:
    """The version number the server gives a pushed agreement (see the module's text)."""
    following = batch.conn.execute(
        text("SELECT coalesce(max(version_number), 0) + 1 FROM care_plan WHERE person_id = :p"),
        {"p": person_id},
    ).scalar()
    following = int(following or 1)
    if not isinstance(own, int) or isinstance(own, bool) or own < 1:
        return Numbering(following)
    if resent:
        holder = _holder(batch, person_id, own, plan_id)
        if holder is None:
            return Numbering(own)
        return Numbering(following, clash_with=holder, own=own)
    if following < own <= following + MAX_GAP and _restored_server(batch):
        return Numbering(own)
    return Numbering(following)
