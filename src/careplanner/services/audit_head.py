"""A note of the audit trail's newest entry, kept outside the store, so cutting entries off is detected.

The hash chain shows an entry that was changed or removed from the middle, but not the newest entries
simply cut off the end: what is left is still a valid chain. So at sign-in, sign-out, lock, backup and
close the app notes the count and hash of the newest entry in `careplanner.audit-head.json` beside the
store. `check()` then finds a trail that is shorter than the note, or whose entry at that place differs.

The same newest entry is also kept inside the store (`audit_head_mark`, which triggers refuse to delete or
wind back). So deleting the note does not hide a cut: the mark inside the store still names the entry that
must be there, and a store that has had a note (it has a mark) but has none beside it is reported.

What this cannot catch (security.md says so): entries cut after the last note was written, or someone
with the store's key who drops the triggers, winds back the mark and edits or deletes the note as well.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.models import AuditEvent, AuditHeadMark

log = logging.getLogger("careplanner.audit")

HEAD_FILENAME = "careplanner.audit-head.json"


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


class AuditHeadNote:
    """Writes and checks the note for one store."""

    def __init__(self, sessions: sessionmaker[Session], data_dir: Path | None) -> None:
        """`data_dir` None: the practice server, which has no folder beside it; only the mark inside it
        (which no workstation's role can wind back) keeps the end of the trail."""
        self._sessions = sessions
        # Decided here, not by each caller: a workstation's folder is no place for a server's note (each
        # workstation would keep its own, and one that never wrote a note would report it missing).
        bind = sessions.kw.get("bind")
        on_server = bind is not None and bind.dialect.name == "postgresql"
        self.path = None if data_dir is None or on_server else Path(data_dir) / HEAD_FILENAME

    def current(self) -> AuditHead | None:
        with self._sessions() as session:
            row = session.execute(
                select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
            ).first()
            return None if row is None else AuditHead(int(row[0]), str(row[1]))

    def read(self) -> AuditHead | None:
        if self.path is None:
            return None
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
        if self.path is None:
            self._save_mark(head)
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps({"seq": head.seq, "hash": head.hash}), encoding="utf-8")
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError:
            log.warning("Could not note the newest audit entry")
            return
        self._save_mark(head)

    def _save_mark(self, head: AuditHead) -> None:
        """Keep the same entry inside the store; never winds the mark back (nor may anyone: a trigger)."""
        try:
            with self._sessions.begin() as session:
                session.execute(
                    text(
                        "INSERT INTO audit_head_mark (id, seq, hash) VALUES (1, :seq, :hash) "
                        "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash "
                        "WHERE excluded.seq > audit_head_mark.seq"
                    ),
                    {"seq": head.seq, "hash": head.hash},
                )
        except SQLAlchemyError:
            log.warning("Could not mark the newest audit entry in the store")

    def mark(self) -> AuditHead | None:
        """The newest entry noted inside the store, or None when this store has never had a note."""
        with self._sessions() as session:
            row = session.get(AuditHeadMark, 1)
            return None if row is None else AuditHead(row.seq, row.hash)

    def _matches(self, noted: AuditHead, where: str) -> str | None:
        with self._sessions() as session:
            found = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == noted.seq))
        if found is None:
            return (
                f"the trail ends before entry {noted.seq}, which was recorded earlier ({where}): "
                "entries were removed"
            )
        if found != noted.hash:
            return f"entry {noted.seq} is not the one recorded earlier ({where}): the trail was replaced"
        return None

    def problems(self) -> list[str]:
        """What is wrong with the end of the trail, by the note beside the store and the mark inside it."""
        out: list[str] = []
        mark = self.mark()
        if mark is not None:
            problem = self._matches(mark, "inside the store")
            if problem:
                out.append(problem)
        noted = self.read()
        if noted is None:
            if mark is not None and self.path is not None:
                out.append(
                    f"the note of the newest audit entry ({HEAD_FILENAME}) is missing, though this store "
                    "has had one: entries may have been removed from the end of the trail"
                )
        elif noted.seq < 0:
            out.append("the note of the newest audit entry is unreadable")
        else:
            problem = self._matches(noted, f"in {HEAD_FILENAME}")
            if problem and problem not in out:
                out.append(problem)
        return out

    def check(self) -> str | None:
        """None when the trail reaches at least as far as the note and the mark; otherwise what is wrong."""
        found = self.problems()
        return "; ".join(found) if found else None
