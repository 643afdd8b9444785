"""A note of the audit trail's newest entry, kept outside the store, so cutting entries off is detected.

The hash chain shows an entry that was changed or removed from the middle, but not the newest entries
simply cut off the end: what is left is still a valid chain. So at sign-in, sign-out, lock, backup and
close the app notes the count and hash of the newest entry in `careplanner.audit-head.json` beside the
store. `check()` then finds a trail that is shorter than the note, or whose entry at that place differs.

What this cannot catch (security.md says so): entries cut after the last note was written, or someone who
edits both the store (they would need its key) and this file.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.models import AuditEvent

log = logging.getLogger("careplanner.audit")

HEAD_FILENAME = "careplanner.audit-head.json"


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


class AuditHeadNote:
    """Writes and checks the note for one store."""

    def __init__(self, sessions: sessionmaker[Session], data_dir: Path) -> None:
        self._sessions = sessions
        self.path = Path(data_dir) / HEAD_FILENAME

    def current(self) -> AuditHead | None:
        with self._sessions() as session:
            row = session.execute(
                select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
            ).first()
            return None if row is None else AuditHead(int(row[0]), str(row[1]))

    def read(self) -> AuditHead | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return AuditHead(int(raw["seq"]), str(raw["hash"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return AuditHead(-1, "")

    def save(self) -> None:
        """Note the newest entry. Best effort: failing to write the note must not stop the work."""
        head = self.current()
        if head is None:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps({"seq": head.seq, "hash": head.hash}), encoding="utf-8")
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError:
            log.warning("Could not note the newest audit entry")

    def check(self) -> str | None:
        """None when the trail reaches at least as far as the note; otherwise what is wrong."""
        noted = self.read()
        if noted is None:
            return None
        if noted.seq < 0:
            return "the note of the newest audit entry is unreadable"
        with self._sessions() as session:
            found = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == noted.seq))
        if found is None:
            return (
                f"the trail ends before entry {noted.seq}, which was recorded earlier: entries were removed"
            )
        if found != noted.hash:
            return f"entry {noted.seq} is not the one recorded earlier: the trail was replaced"
        return None
