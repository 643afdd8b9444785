"""The practice server's change log: one `sync_change` row per (transaction, document) changed.

A trigger on every synced table (sync/documents.py TABLE_DOCUMENT) notes which document a changed row
belongs to. It is a *deferred constraint trigger*: it runs as the transaction commits, after all its
work, so the lock it takes is held only for the commit. It takes the audit chain's advisory lock (the one
every save already takes to append to the trail: services/audit.py) and numbers the row max(seq) + 1
under it. The lock is held until the transaction ends and PostgreSQL makes a transaction visible before it
releases its locks, so numbers follow commit order: when a pull sees the change numbered n, it sees every
change numbered below n too, and a cursor never skips a slow transaction's change. Numbers have no gaps
(a rolled-back transaction's row vanishes with it and its number is taken again).

The function is SECURITY DEFINER (runs as the database owner, who alone may write sync_change), with a
fixed search_path; no account is granted INSERT on sync_change, so nobody can forge or remove a change.
On SQLite (the local store, a replica) there is no change log: the replica keeps an outbox instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from careplanner.sync.documents import TABLE_DOCUMENT

FUNCTION = "careplanner_sync_change"
# Same key as services/audit.py _TAKE_CHAIN_LOCK: one lock orders the audit chain and the change log.
CHAIN_LOCK_KEY = 4346500001

FUNCTION_BODY = (
    "DECLARE k text := TG_ARGV[0]; col text := TG_ARGV[1]; tx bigint := pg_catalog.txid_current(); "
    "ids text[] := ARRAY[]::text[]; doc text; "
    "BEGIN "
    "IF TG_OP <> 'DELETE' THEN ids := ids || (pg_catalog.to_jsonb(NEW) ->> col); END IF; "
    "IF TG_OP <> 'INSERT' THEN ids := ids || (pg_catalog.to_jsonb(OLD) ->> col); END IF; "
    f"PERFORM pg_catalog.pg_advisory_xact_lock({CHAIN_LOCK_KEY}); "
    "FOREACH doc IN ARRAY ids LOOP "
    "IF doc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.sync_change c "
    "WHERE c.txid = tx AND c.kind = k AND c.doc_id = doc) THEN "
    "INSERT INTO public.sync_change (seq, txid, kind, doc_id) "
    "SELECT coalesce(max(c.seq), 0) + 1, tx, k, doc FROM public.sync_change c; "
    "END IF; END LOOP; "
    "RETURN NULL; "
    "END"
)


def trigger_name(table: str) -> str:
    return f"{table}_sync_change"


def expected_triggers() -> dict[str, tuple[str, str, str]]:
    """trigger name -> (table, document kind, the column holding the document's id)."""
    return {trigger_name(table): (table, kind, column) for table, (kind, column) in TABLE_DOCUMENT.items()}


def function_sql() -> str:
    return (
        f"CREATE OR REPLACE FUNCTION public.{FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $sync$ {FUNCTION_BODY} $sync$"
    )


def trigger_sql(name: str, table: str, kind: str, column: str) -> str:
    return (
        f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON public.{table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.{FUNCTION}('{kind}', '{column}')"
    )


def create_all(execute: Callable[[str], object], tables: Collection[str] | None = None) -> None:
    """(Re)make the function and every change-log trigger (PostgreSQL only); `execute` runs one statement.
    `tables`: the tables the database has (a migration passes them: a later release may sync more)."""
    execute(function_sql())
    execute(f"REVOKE ALL ON FUNCTION public.{FUNCTION}() FROM PUBLIC")
    for name, (table, kind, column) in expected_triggers().items():
        if tables is not None and table not in tables:
            continue
        execute(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
        execute(trigger_sql(name, table, kind, column))


def drop_all(execute: Callable[[str], object]) -> None:
    for name, (table, _kind, _column) in expected_triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
    execute(f"DROP FUNCTION IF EXISTS public.{FUNCTION}()")


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").strip()).strip()


def trigger_problems(found: dict[str, tuple[str, str, bool]], functions: dict[str, str]) -> list[str]:
    """The server's change-log triggers (name -> (table, pg_get_triggerdef, enabled)) and function bodies
    against the expected set: a missing or switched-off one means workstations would never hear of some
    changes (`careplanner check` on the server reports it)."""
    problems: list[str] = []
    missing: list[str] = []
    changed: list[str] = []
    for name, (table, kind, column) in expected_triggers().items():
        if name not in found:
            missing.append(name)
            continue
        where, definition, enabled = found[name]
        shown = _normal(definition)
        wanted = (
            f"AFTER INSERT OR DELETE OR UPDATE ON public.{table} DEFERRABLE INITIALLY DEFERRED "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}('{kind}', '{column}')"
        )
        if where != table or not enabled or not shown.endswith(wanted):
            changed.append(name)
    if missing:
        problems.append(
            f"{len(missing)} sync change-log trigger(s) are missing (first: {sorted(missing)[0]}): "
            "workstations would not hear of some changes"
        )
    if changed:
        problems.append(
            f"{len(changed)} sync change-log trigger(s) have been altered or switched off "
            f"(first: {sorted(changed)[0]})"
        )
    if _normal(functions.get(FUNCTION)) != _normal(FUNCTION_BODY):
        problems.append("the sync change-log function has been altered or removed")
    return problems
