"""An editor's copy of a draft, and what happens when someone else's save got there first.

Two workstations can hold the same draft (after a take-over, or when the practice server's presence was
not seen). A save carries the revision the editor last saw and the section as the editor last saw it
(`DraftCopy` keeps both, updated on the worker thread after each save, so a queue of saves chains
correctly). The service refuses a save when the draft moved on *and* that section is no longer what the
editor saw: someone else changed it, and writing would silently overwrite their text. The editor keeps the
typed text on screen and says so; nothing is merged or overwritten behind anyone's back.

Row versions (`Row.row_version`) catch the same thing between two transactions racing on the server:
SQLAlchemy's StaleDataError is turned into the same plain StaleCopyError.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from careplanner.services.diff_labels import field_label
from careplanner.services.errors import ServiceError
from careplanner.services.plan_data import PlanContent, Section, section_key

if TYPE_CHECKING:
    from careplanner.services.plans import PlanService, SaveResult
    from careplanner.services.users import Actor

STALE_SECTION = (
    "Someone else changed this section since you opened it: your text is kept on screen; reload to see "
    "theirs."
)
AGREED_ELSEWHERE = (
    "This plan was agreed or changed on another workstation a moment ago, so nothing was agreed here. "
    "Reload to see it."
)


class StaleCopyError(ServiceError):
    """A save or an agreement from a copy of the draft that someone else has changed since. Nothing was
    written; the caller keeps what the person typed. `by`: who (display name), when it is known;
    `taken`: True when the plan was taken over (this copy's holder no longer holds it)."""

    exit_code = 9

    def __init__(self, message: str = STALE_SECTION, *, by: str = "", taken: bool = False) -> None:
        super().__init__(message)
        self.by = by
        self.taken = taken


def taken_message(name: str, workstation: str, *, agreeing: bool) -> str:
    what = "nothing was agreed here" if agreeing else "this was not saved"
    return f"{name} on {workstation} took over this plan, so {what}; your text is kept on screen"


def stale_section_message(name: str, workstation: str = "") -> str:
    where = f" on {workstation}" if workstation else ""
    return (
        f"{name}{where} changed this section since you opened it: your text is kept on screen; reload to "
        "see theirs."
    )


def refuse_if_taken(session: Session, person_id: str, holder: str | None, *, agreeing: bool = False) -> None:
    """On the practice server, inside a save's or an agreement's transaction (after the plan's row is
    locked): refuse when another editor holds this person's draft. Their presence row is share-locked, so
    a take-over waits for this transaction, and a save arriving after a take-over is refused, not written.
    `holder` None (the command line, the local store) checks nothing."""
    if holder is None or session.get_bind().dialect.name != "postgresql":
        return
    from careplanner.server import presence as sql

    row = sql.holder_row(session, person_id, share=True)
    if row is not None and row.holder != holder:
        message = taken_message(row.display_name, row.workstation, agreeing=agreeing)
        raise StaleCopyError(message, by=row.display_name, taken=True)


def who_changed(session: Session, plan_id: str, key: str) -> StaleCopyError:
    """The refusal for a section changed by someone else, naming who last saved it (from the audit), and
    their workstation when they hold the plan now."""
    from sqlalchemy import select

    from careplanner.models import AuditEvent, User

    found = session.execute(
        select(User.id, User.display_name)
        .join(AuditEvent, AuditEvent.user_id == User.id)
        .where(AuditEvent.plan_id == plan_id, AuditEvent.detail.like(f"section={key}%"))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if found is None:
        return StaleCopyError()
    workstation = ""
    if session.get_bind().dialect.name == "postgresql":
        from careplanner.models import CarePlan
        from careplanner.server import presence as sql

        plan = session.get(CarePlan, plan_id)
        row = None if plan is None else sql.holder_of(session, plan.person_id)
        if row is not None and row.user_id == found.id:
            workstation = row.workstation
    return StaleCopyError(stale_section_message(found.display_name, workstation), by=found.display_name)


def _label(name: str) -> str:
    return field_label(name)


def typed_lines(before: object, after: object, label: str = "") -> list[str]:
    """The text typed into `after` that `before` does not have, one "Label: text" line per field, so a
    person can copy what was not saved. Dataclasses and lists are walked; other values are left out."""
    if dataclasses.is_dataclass(after) and not isinstance(after, type):
        lines: list[str] = []
        for field in dataclasses.fields(after):
            old = getattr(before, field.name, None)
            lines += typed_lines(old, getattr(after, field.name), _label(field.name))
        return lines
    if isinstance(after, (list, tuple)):
        olds = list(before) if isinstance(before, (list, tuple)) else []
        lines = []
        for i, item in enumerate(after):
            lines += typed_lines(olds[i] if i < len(olds) else None, item, label)
        return lines
    if isinstance(after, str) and after.strip() and after != before:
        return [f"{label}: {after}" if label else after]
    return []


@contextmanager
def refusing_stale(message: str = STALE_SECTION) -> Iterator[None]:
    """Around a transaction: a row another transaction changed first (StaleDataError) becomes a plain
    StaleCopyError; the transaction has rolled back, so nothing was written."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleCopyError(message) from exc


class DraftCopy:
    """What one editor last saw of one draft: its revision and each section. Thread-safe: the UI thread
    reads `revision`, the worker thread saves."""

    def __init__(
        self,
        plans: PlanService,
        plan_id: str,
        revision: int,
        content: PlanContent,
        holder: str | None = None,
    ) -> None:
        self._plans = plans
        self.plan_id = plan_id
        self.holder = holder  # this editor's presence token: a save after a take-over is refused
        self._lock = threading.Lock()
        self._revision = revision
        self._seen: dict[str, Section] = {}
        self._content = content

    @property
    def revision(self) -> int:
        with self._lock:
            return self._revision

    def _seen_section(self, key: str) -> Section:
        return self._seen.get(key) or self._content.section(key)

    def seen(self, key: str) -> Section:
        """The section as this copy last saw it (opened or saved)."""
        with self._lock:
            return self._seen_section(key)

    def save(self, section: Section, actor: Actor) -> SaveResult:
        """Save `section` if nobody else changed it since this copy saw it (StaleCopyError otherwise)."""
        key = section_key(section)
        with self._lock:
            revision, seen = self._revision, self._seen_section(key)
        result = self._plans.save_section(
            self.plan_id, section, actor, seen_revision=revision, seen_section=seen, holder=self.holder
        )
        with self._lock:
            if result.revision == revision + 1:
                # Nobody else saved in between: this copy has seen every revision up to this one. Otherwise
                # it keeps the older revision, so each later save is checked section by section.
                self._revision = result.revision
            self._seen[key] = section
        return result
