"""What a practice's IT runs against the practice server: `careplanner server check`, and the pieces the
backup, restore and import commands share (connecting as the database owner, and the trust checks).

These commands connect with the account named in the address (the database owner that `server init`
made, or a PostgreSQL superuser), never as a clinician. The password comes from a file, from libpq's own
sources (a .pgpass file or PGPASSFILE) or from a prompt; never from the command line.

Every line printed names versions, counts, ages, triggers and entry numbers; never anything about a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from careplanner.server.connection import ServerAddress
from careplanner.store.errors import StoreError

log = logging.getLogger("careplanner.server.ops")

# When each PostgreSQL major release stops getting fixes (postgresql.org/support/versioning: five years).
END_OF_LIFE = {
    13: date(2025, 11, 13),
    14: date(2026, 11, 12),
    15: date(2027, 11, 11),
    16: date(2028, 11, 9),
    17: date(2029, 11, 8),
    18: date(2030, 11, 14),
}
# A backup older than this is reported (a nightly job that missed one night is still inside it).
DEFAULT_MAX_BACKUP_AGE_HOURS = 26
# Connections in use above this share of max_connections are reported.
BUSY_SHARE = 0.8


class ServerOpsError(StoreError):
    exit_code = 1


class PasswordNeededError(ServerOpsError):
    def __init__(self) -> None:
        super().__init__(
            "The server asks for a password: give it with --password-file FILE (or in a .pgpass file)."
        )


def owner_engine(address: ServerAddress, password: str | None) -> Engine:
    """An engine for the address's own account, checked by one round trip; connection problems as the
    plain errors of server/errors.py."""
    from careplanner.server.store import classify

    engine = address.engine(password, pool_size=1)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        known = classify(exc)
        if known is not None:
            raise known from exc
        if "no password supplied" in str(exc.orig).lower():
            raise PasswordNeededError() from exc
        if "does not exist" in str(exc.orig).lower():
            raise ServerOpsError("That database does not exist on the server.") from exc
        raise
    return engine


def practice_revision(conn: Connection) -> str | None:
    """The schema revision of the practice database, or None when it has no Care Planner schema."""
    from careplanner.store.migrate import current_revision

    if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return None
    return current_revision(conn)


def head_mark_problems(conn: Connection) -> list[str]:
    """The server's own mark of the newest entry (copied from a workstation store) must still be there."""
    row = conn.execute(text("SELECT seq, hash FROM audit_head_mark WHERE id = 1")).first()
    if row is None:
        return []
    found = conn.execute(text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": row[0]}).scalar()
    if found is None:
        return [f"the trail ends before entry {row[0]}, which was recorded earlier: entries were removed"]
    if found != row[1]:
        return [f"entry {row[0]} is not the one recorded earlier: the trail was replaced"]
    return []


@dataclass(frozen=True)
class Trust:
    entries: int
    versions: int
    trail: tuple[str, ...]  # the chain, its newest entry and the versions' seals
    guards: tuple[str, ...]  # the protective triggers and their functions

    @property
    def problems(self) -> tuple[str, ...]:
        return self.trail + self.guards


def server_trust(sessions: sessionmaker[Session]) -> Trust:
    """The checks of `careplanner check` (services/store_verify.py) that apply to a server: the audit
    chain, the mark of its newest entry, the guard triggers and the agreed versions' seals. (The note
    beside a workstation's store has no counterpart on a server.)"""
    from careplanner.services.audit import AuditService
    from careplanner.services.store_verify import trigger_problems, version_problems

    trail: list[str] = []
    chain = AuditService(sessions).verify()
    if not chain.ok:
        trail.append(chain.problem)
    with sessions() as session:
        conn = session.connection()
        trail.extend(head_mark_problems(conn))
        guards = trigger_problems(conn)
        versions, found = version_problems(conn)
        trail.extend(found)
    return Trust(chain.checked, versions, tuple(trail), tuple(guards))


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _version(conn: Connection, report: CheckReport, today: date) -> None:
    shown = str(conn.execute(text("SHOW server_version")).scalar())
    number = int(conn.execute(text("SHOW server_version_num")).scalar() or 0)
    major = number // 10000
    report.lines.append(f"PostgreSQL: {shown.split(' ')[0]}")
    ends = END_OF_LIFE.get(major)
    if major < min(END_OF_LIFE) or (ends is not None and ends <= today):
        report.problems.append(
            f"PostgreSQL {major} no longer gets security fixes: upgrade the server (docs/practice-server.md)."
        )


def _schema(conn: Connection, report: CheckReport) -> bool:
    """True when the schema is this release's (so the checks below know its tables)."""
    from careplanner.store.migrate import head_revision, known_revisions

    current = practice_revision(conn)
    head = head_revision()
    report.lines.append(f"Schema: {current or 'none'} (this release: {head})")
    if current is None:
        report.problems.append("The database has no Care Planner schema: run `careplanner server init`.")
    elif current not in known_revisions():
        report.problems.append(
            "The database was upgraded by a newer Care Planner: install that release on this computer."
        )
    elif current != head:
        report.problems.append(
            "The database schema is older than this release: run `careplanner server upgrade`."
        )
    return current == head


def _connections(conn: Connection, report: CheckReport) -> None:
    row = conn.execute(
        text(
            "SELECT count(*), count(*) FILTER (WHERE state = 'active'), "
            "count(*) FILTER (WHERE state = 'idle in transaction'), "
            "(SELECT setting::int FROM pg_settings WHERE name = 'max_connections') "
            "FROM pg_stat_activity WHERE datname = current_database()"
        )
    ).one()
    total, active, stuck, limit = (int(v or 0) for v in row)
    everywhere = int(conn.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar() or 0)
    report.lines.append(
        f"Connections to this database: {total} ({active} active, {stuck} idle in a transaction); "
        f"server-wide {everywhere} of {limit}"
    )
    if limit and everywhere >= BUSY_SHARE * limit:
        report.problems.append(
            f"The server is near its connection limit ({everywhere} of {limit}): raise max_connections."
        )
    tls = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).first()
    report.lines.append(f"This connection: {'TLS ' + str(tls[1]) if tls and tls[0] else 'not encrypted'}")


def _backups(conn: Connection, report: CheckReport, max_age_hours: float) -> None:
    row = conn.execute(
        text(
            "SELECT max(taken_at), EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - max(taken_at)) / 3600.0 "
            "FROM server_backup_log"
        )
    ).one()
    last, age = row
    if last is None:
        report.lines.append("Last backup: none recorded")
        report.problems.append("No backup has been taken with `careplanner server backup`.")
        return
    hours = float(age)
    report.lines.append(f"Last backup: {_age(hours)} ago ({last:%Y-%m-%d %H:%M} UTC, by the server's clock)")
    if hours > max_age_hours:
        report.problems.append(
            f"The last backup is {_age(hours)} old (more than {max_age_hours:g} hours): check the backup job."
        )


def _roles(conn: Connection, report: CheckReport) -> None:
    from careplanner.server.role_check import role_findings

    found = role_findings(conn)
    report.lines.append(
        "Roles: " + ("nothing outside the design" if not (found.problems or found.warnings) else "see below")
    )
    report.lines.extend(f"Warning: {w}" for w in found.warnings)
    report.problems.extend(found.problems)


def _age(hours: float) -> str:
    if hours < 1:
        return f"{max(0, round(hours * 60))} minute(s)"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.0f} days"


def server_check(
    address: ServerAddress,
    password: str | None,
    *,
    max_backup_age_hours: float = DEFAULT_MAX_BACKUP_AGE_HOURS,
    now: datetime | None = None,
) -> CheckReport:
    """Version, schema, connections, last backup, guard triggers and the audit trail of the server."""
    report = CheckReport()
    engine = owner_engine(address, password)
    try:
        with engine.connect() as conn:
            _version(conn, report, (now or datetime.now()).date())
            current = _schema(conn, report)
            _connections(conn, report)
            if not current:
                report.lines.append("Backups, triggers and audit trail: not checked (schema differs)")
                return report
            _backups(conn, report, max_backup_age_hours)
            _roles(conn, report)
        trust = server_trust(sessionmaker(engine))
        report.lines.append(
            "Protective triggers: "
            + ("all present, unaltered and switched on" if not trust.guards else "NOT INTACT")
        )
        report.lines.append(
            f"Audit trail: {'intact' if not trust.trail else 'BROKEN'} ({trust.entries} entries); "
            f"agreed or declined versions checked: {trust.versions}"
        )
        report.problems.extend(f"Tampering found: {p}." for p in trust.problems)
    finally:
        engine.dispose()
    return report
