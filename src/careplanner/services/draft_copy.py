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

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm.exc import StaleDataError

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
    written; the caller keeps what the person typed."""

    exit_code = 9

    def __init__(self, message: str = STALE_SECTION) -> None:
        super().__init__(message)


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

    def __init__(self, plans: PlanService, plan_id: str, revision: int, content: PlanContent) -> None:
        self._plans = plans
        self.plan_id = plan_id
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

    def save(self, section: Section, actor: Actor) -> SaveResult:
        """Save `section` if nobody else changed it since this copy saw it (StaleCopyError otherwise)."""
        key = section_key(section)
        with self._lock:
            revision, seen = self._revision, self._seen_section(key)
        result = self._plans.save_section(
            self.plan_id, section, actor, seen_revision=revision, seen_section=seen
        )
        with self._lock:
            if result.revision == revision + 1:
                # Nobody else saved in between: this copy has seen every revision up to this one. Otherwise
                # it keeps the older revision, so each later save is checked section by section.
                self._revision = result.revision
            self._seen[key] = section
        return result
