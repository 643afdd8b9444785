"""Moving one workstation's encrypted store onto an empty practice server, with nothing lost.

Every row of every table is copied with its own id, in one transaction on the server: it all arrives or
none of it does. The audit trail keeps its entry numbers and hashes, so the chain and the agreed versions'
seals verify on the server exactly as they did on the workstation; the move itself is then recorded as
one more entry. The local store is only read: it is left exactly as it was. One thing is not carried:
the accounts' password hashes (a server keeps none in app_user: each account signs in as its own
database role, server/accounts.py), so an administrator gives each moved account a server password.

Agreed and declined versions can only be added as drafts (the guard triggers refuse anything else), so
for the copy the database owner switches the triggers off and on again inside the same transaction. No
other connection ever sees them off (ALTER TABLE holds its lock until commit), and before committing the
triggers are checked, as `server check` checks them, to be all present and switched on.

A server that already holds people is refused. What `server init` leaves there (its administrator's
account and audit entries) is kept: accounts are merged by id (a user name taken by a different account
is refused), and the server's own earlier entries are chained again after the workstation's, unchanged
in content but with their new place in the trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import sessionmaker

from careplanner.server.connection import ServerAddress
from careplanner.server.ops import ServerOpsError, owner_engine, practice_revision, server_trust

log = logging.getLogger("careplanner.server.import")

# Tables that are not records: Alembic's own, the server's list of its backups, and offline sync's own
# bookkeeping (the server's change log, epoch and workstations; a replica's outbox and state).
NOT_COPIED = frozenset(
    {
        "alembic_version",
        "server_backup_log",
        "sync_change",
        "sync_epoch",
        "sync_client",
        "sync_outbox",
        "sync_state",
        "sync_doc",
    }
)
# What `server init` may already have put on the server; any other row there is refused.
INIT_TABLES = frozenset({"app_user", "audit_event", "audit_head_mark"})
BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    rows: dict[str, int]  # table -> rows copied
    audit_entries: int  # on the server after the move (the workstation's, the server's own, the move)
    versions: int  # agreed or declined versions, their seals verified on the server
    accounts: tuple[str, ...]  # user names moved across, each needing a password on the server


def _tables() -> list[Table]:
    from careplanner.models import Base

    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _check_local(local: Connection, tables: list[Table]) -> None:
    """Every table of the workstation's store with rows in it must be one this release knows."""
    known = {t.name for t in tables} | NOT_COPIED
    for name in inspect(local).get_table_names():
        if name not in known and local.execute(text(f'SELECT count(*) FROM "{name}"')).scalar():
            raise ServerOpsError(
                f"The store has records in a table this release does not know ({name}): move it with the "
                "Care Planner release that made it. Nothing was changed."
            )


def _check_server(conn: Connection, tables: list[Table]) -> None:
    for table in tables:
        if table.name in INIT_TABLES or not _count(conn, table):
            continue
        if table.name == "person":
            raise ServerOpsError(
                "The practice server already holds people: a store can only be moved onto a new, empty "
                "practice database. Nothing was changed."
            )
        raise ServerOpsError(
            f"The practice server already holds records ({table.name}): a store can only be moved onto a "
            "new, empty practice database. Nothing was changed."
        )


def _rows(local: Connection, table: Table) -> Any:
    order = [c for c in table.primary_key.columns]
    result = local.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for part in result.partitions():
        yield [{c.key: row._mapping[c] for c in table.columns} for row in part]


def _copy(local: Connection, server: Connection, table: Table, skip_ids: set[Any] | None = None) -> int:
    copied = 0
    for rows in _rows(local, table):
        if skip_ids:
            rows = [r for r in rows if r["id"] not in skip_ids]
        if table.name == "app_user":
            # The server keeps no password in app_user (server/accounts.py: each account signs in as its
            # own database role); a workstation's password hash would only be readable by every account.
            rows = [{**r, "password_hash": ""} for r in rows]
        if rows:
            server.execute(table.insert(), rows)
            copied += len(rows)
    return copied


def _merge_users(local: Connection, server: Connection, table: Table) -> tuple[int, set[Any]]:
    """Accounts already on the server (made by `server init`) stay; a name taken by another id is refused."""
    there = {str(r[0]): str(r[1]) for r in server.execute(select(table.c.id, table.c.username))}
    if not there:
        return 0, set()
    by_name = {name: uid for uid, name in there.items()}
    for uid, name in local.execute(select(table.c.id, table.c.username)):
        if str(name) in by_name and by_name[str(name)] != str(uid):
            raise ServerOpsError(
                f"The user name {name} is taken on the server by another account (often the first "
                "administrator `server init` made): the store's account cannot be moved beside it. Nothing "
                "was changed. Set the server up again with a first administrator whose name the store does "
                "not use (docs/practice-server.md, 'Moving a workstation's store onto the server')."
            )
    return len(there), set(there)


def _server_entries(server: Connection, table: Table) -> list[dict[str, Any]]:
    """The server's own entries (from `server init`), removed here and chained again after the copy."""
    entries = [dict(r._mapping) for r in server.execute(select(table).order_by(table.c.seq))]
    if entries:
        server.execute(table.delete())
        server.execute(text("DELETE FROM audit_head_mark"))
    return entries


def _rechain(server: Connection, table: Table, entries: list[dict[str, Any]]) -> None:
    from careplanner.services.audit import GENESIS, _digest

    last = server.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)).first()
    seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    for entry in entries:
        seq += 1
        digest = _digest(
            prev,
            entry["id"],
            entry["at"],
            entry["user_id"],
            entry["action"],
            entry["person_id"],
            entry["plan_id"],
            entry["detail"],
        )
        server.execute(table.insert(), [{**entry, "seq": seq, "prev_hash": prev, "hash": digest}])
        prev = digest


def _set_guards(server: Connection, enabled: bool) -> None:
    from careplanner.store.guards import expected_pg_triggers
    from careplanner.sync import change_log

    verb = "ENABLE" if enabled else "DISABLE"
    for name, (table, _events, _function) in expected_pg_triggers().items():
        server.execute(text(f'ALTER TABLE "{table}" {verb} TRIGGER "{name}"'))
    # The sync change log too: a replica joining the new server copies every document anyway, and a
    # change-log trigger's event left pending would stop the ALTER TABLE that switches it back on.
    for name, (table, _kind, _column) in change_log.expected_triggers().items():
        server.execute(text(f'ALTER TABLE "{table}" {verb} TRIGGER "{name}"'))


def _reset_sequences(server: Connection, tables: list[Table]) -> None:
    """Serial columns carry on after the copied numbers (the audit trail's entry number)."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                server.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                        f'GREATEST((SELECT max("{column.name}") FROM "{table.name}"), 1), '
                        f'(SELECT max("{column.name}") FROM "{table.name}") IS NOT NULL)'
                    ),
                    {"t": table.name, "c": column.name},
                )


def move_store(local: Connection, address: ServerAddress, password: str | None) -> ImportResult:
    """Copy everything readable through `local` (the workstation's store, at this release's schema) onto
    the practice server at `address`, connected as its owner."""
    from careplanner.server.store import check_schema
    from careplanner.services.audit import Action, record
    from careplanner.store.guards import expected_pg_triggers
    from careplanner.store.migrate import current_revision, head_revision

    if current_revision(local) != head_revision():
        raise ServerOpsError("The store is not at this release's schema: open it with this release first.")
    tables = _tables()
    _check_local(local, tables)
    engine = owner_engine(address, password)
    try:
        _check_set_up_and_owner(engine, address)
        check_schema(engine)
        with engine.begin() as server:
            guarded = sorted({table for table, _e, _f in expected_pg_triggers().values()})
            # Nobody else writes while the copy runs (and nobody sees the triggers off).
            server.execute(text(f"LOCK TABLE {', '.join(guarded)}, app_user, person IN EXCLUSIVE MODE"))
            # Sync's change-log triggers (deferred to commit) run at once in this transaction, so none is
            # pending when the triggers are switched off and on below.
            server.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
            _check_server(server, tables)
            copied: dict[str, int] = {}
            by_name = {t.name: t for t in tables}
            kept_users, skip = _merge_users(local, server, by_name["app_user"])
            _set_guards(server, enabled=False)
            own_entries = _server_entries(server, by_name["audit_event"])
            for table in tables:
                copied[table.name] = _copy(local, server, table, skip if table.name == "app_user" else None)
            _rechain(server, by_name["audit_event"], own_entries)
            _reset_sequences(server, tables)
            _set_guards(server, enabled=True)
            sessions = sessionmaker(bind=server, join_transaction_mode="create_savepoint")
            with sessions() as session:
                record(
                    session,
                    Action.IMPORTED,
                    user_id=None,
                    detail=f"workstation store moved to the server: {copied['audit_event']} entries",
                    check_actor=False,
                )
                session.commit()
            _verify(local, server, tables, copied, len(own_entries), kept_users)
            trust = server_trust(sessions)
            if trust.problems:
                raise ServerOpsError(
                    "After the copy the server did not verify (" + "; ".join(trust.problems) + "). "
                    "Nothing was changed on the server."
                )
            entries = _count(server, by_name["audit_event"])
            users = by_name["app_user"]
            accounts = tuple(
                sorted(
                    str(r[1]) for r in local.execute(select(users.c.id, users.c.username)) if r[0] not in skip
                )
            )
    finally:
        engine.dispose()
    log.info("Workstation store moved to the server (%d tables)", len(copied))
    return ImportResult(copied, entries, trust.versions, accounts)


def _check_set_up_and_owner(engine: Engine, address: ServerAddress) -> None:
    """Before anything is locked: the database was set up by `server init`, and this is its owner."""
    with engine.connect() as conn:
        if practice_revision(conn) is None:
            raise ServerOpsError(
                f"The database {address.database} has not been set up yet: run `careplanner server init` "
                "first (it makes the schema, the roles and the first administrator), then import-store. "
                "Nothing was changed."
            )
        owner = conn.execute(
            text(
                "SELECT d.datdba = r.oid OR r.rolsuper FROM pg_database d, pg_roles r "
                "WHERE d.datname = current_database() AND r.rolname = current_user"
            )
        ).scalar()
    if not owner:
        raise ServerOpsError(
            "Move a store as the account that owns the practice database (e.g. careplanner_owner, in "
            "--url), not as a person's account. Nothing was changed."
        )


def _verify(
    local: Connection,
    server: Connection,
    tables: list[Table],
    copied: dict[str, int],
    own_entries: int,
    kept_users: int,
) -> None:
    """Every table holds what the store held (plus what the server had), before anything is committed."""
    from careplanner.services.store_verify import trigger_problems

    if trigger_problems(server):
        raise ServerOpsError("The protective triggers could not be switched on again. Nothing was changed.")
    for table in tables:
        there = _count(server, table)
        expected = _count(local, table)
        if table.name == "audit_event":
            expected += own_entries + 1  # the server's own entries, and the move itself
        elif table.name == "app_user":
            expected = kept_users + copied[table.name]
            ids = {r[0] for r in local.execute(select(table.c.id))}
            if ids - {r[0] for r in server.execute(select(table.c.id))}:
                raise ServerOpsError("Not every account arrived on the server. Nothing was changed.")
        if there != expected:
            raise ServerOpsError(
                f"The copy of {table.name} is incomplete ({there} of {expected} rows). Nothing was changed."
            )
