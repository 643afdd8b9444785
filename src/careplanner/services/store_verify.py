"""The one trust verification that `careplanner check` and `careplanner audit verify` both run.

It answers "has anyone changed this store outside the app?", as far as the store itself can tell:
- the audit trail's hash chain is whole (nothing edited, removed or swapped in the middle);
- the trail reaches the newest entry noted beside the store and inside it (nothing cut off the end),
  and a store that has had a note still has one (audit_head.py);
- the protective triggers are all there, exactly as this release made them (store/guards.py);
- every agreed or declined version still holds exactly the content sealed into the audit trail when it
  was agreed, and no version is agreed without such a seal (store/version_seal.py).

Messages name entries, triggers and version ids, never anything about a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from careplanner.services.audit import SEALING_ACTIONS, AuditService
from careplanner.services.audit_head import AuditHeadNote
from careplanner.store import guards, version_seal

# Written only by a sync replica (sync/replica_apply.py), kept here so the check needs no sync import.
REPLACED_BY_SERVER = "version_replaced_by_server"


@dataclass(frozen=True)
class TrustReport:
    entries: int
    versions: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _triggers(conn: Connection) -> dict[str, str | None]:
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    return {str(name): (None if sql is None else str(sql)) for name, sql in rows}


def trigger_problems(conn: Connection) -> list[str]:
    """The guard triggers as the store (or the practice server) has them, against the expected set."""
    if conn.dialect.name != "postgresql":
        return guards.trigger_problems(_triggers(conn))
    found = {
        str(name): (str(table), str(definition), enabled != "D")
        for name, table, definition, enabled in conn.execute(
            text(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        )
    }
    functions = {
        str(name): str(body)
        for name, body in conn.execute(
            text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'careplanner\\_%'")
        )
    }
    from careplanner.sync import change_log

    return guards.pg_trigger_problems(found, functions) + change_log.trigger_problems(found, functions)


def _first(ids: list[str]) -> str:
    return f"{len(ids)} version(s) (first: {sorted(ids)[0]})"


def version_problems(conn: Connection) -> tuple[int, list[str]]:
    """(versions checked, problems): every agreed/declined version against the seals in the trail."""
    settled = {
        str(pid)
        for (pid,) in conn.execute(text("SELECT id FROM care_plan WHERE status <> 'draft'")).fetchall()
    }
    seals: dict[str, list[tuple[str, str]]] = {}
    for pid, action, detail in conn.execute(
        text(
            "SELECT plan_id, action, detail FROM audit_event WHERE action IN :actions "
            "AND plan_id IS NOT NULL ORDER BY seq"
        ).bindparams(bindparam("actions", expanding=True)),
        {"actions": [*SEALING_ACTIONS, REPLACED_BY_SERVER]},
    ):
        parsed = version_seal.parse_seal(str(detail or ""))
        if action == REPLACED_BY_SERVER:
            # A sync replica took the practice server's copy of a version it held differently (an offline
            # agreement the server numbered and timed itself): later seals are checked against this one.
            seals.pop(str(pid), None)
        if parsed is not None:
            seals.setdefault(str(pid), []).append(parsed)
    # Checked against the first seal; every later one must agree with it (so appending a new seal for
    # changed content does not help).
    wanted = {pid: found[0][1] for pid, found in seals.items()}
    hashes = version_seal.content_hashes(conn, wanted)
    unsealed = sorted(settled - set(seals))
    gone = sorted(pid for pid in seals if pid not in hashes)
    changed = sorted(
        pid
        for pid, found in seals.items()
        if pid in hashes and any(digest != hashes[pid] for digest, _rev in found)
    )
    reopened = sorted(pid for pid in seals if pid in hashes and pid not in settled)
    problems: list[str] = []
    if unsealed:
        problems.append(
            f"{_first(unsealed)} are marked agreed or declined with no record in the audit trail of being "
            "agreed in the app: they were added or changed outside it"
        )
    if changed:
        problems.append(
            f"{_first(changed)} no longer hold what was agreed: their content was changed after agreement"
        )
    if reopened:
        problems.append(f"{_first(reopened)} recorded as agreed or declined are no longer marked so")
    if gone:
        problems.append(f"{_first(gone)} recorded as agreed or declined are missing from the store")
    return len(settled), problems


def verify_store(sessions: sessionmaker[Session], data_dir: Path | None) -> TrustReport:
    """Every check above; an empty `problems` means nothing was found wrong. `data_dir` is None on the
    practice server (no note beside it: the mark inside it, which no workstation role can wind back,
    stands)."""
    problems: list[str] = []
    chain = AuditService(sessions).verify()
    if not chain.ok:
        problems.append(chain.problem)
    problems.extend(AuditHeadNote(sessions, data_dir).problems())
    with sessions() as session:
        conn = session.connection()
        problems.extend(trigger_problems(conn))
        versions, found = version_problems(conn)
        problems.extend(found)
    return TrustReport(chain.checked, versions, tuple(problems))
