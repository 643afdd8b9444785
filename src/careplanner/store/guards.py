"""The database triggers that keep agreed versions and the audit trail unchangeable, even to raw SQL.

This module is the one list of them: migration 0008 creates exactly these, and `careplanner check` /
`audit verify` compare the store's triggers (name and SQL) with it, so a dropped or rewritten trigger is
reported. A later migration that rebuilds one of these tables (Alembic's batch mode copies a table
without its triggers) must call `create_all` again afterwards, or `check` will report the missing ones.

What the triggers refuse:
- any change to, or deletion of, an agreed or declined version (`care_plan`) and of its rows;
- a row added to, or moved into, an agreed or declined version (the new row is tested, not only the old);
- a version inserted as anything but a draft (a version becomes agreed only by agreeing a draft);
- any change to, or deletion of, an audit entry, and winding back the store's note of the newest entry.

On the practice server, where each person connects as their own login role and no workstation is trusted,
they also refuse (the database owner excepted): an audit entry in another account's name, at another time
than the server's, or not following the newest entry; a draft agreed or declined in another's name or at
another time; and the newest-entry mark moved to anything but an entry in the trail. The content guard
reads the version's row FOR SHARE, so a content change and an agreement of that version take turns.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Tables whose rows belong to one plan version (they all carry plan_id). Same list as migration 0001.
PLAN_CONTENT_TABLES = (
    "about_me",
    "strength",
    "medical_review",
    "condition",
    "medicine",
    "allergy",
    "test_result",
    "holistic_review",
    "questionnaire_result",
    "wellbeing_rating",
    "need",
    "goal",
    "goal_action",
    "referral",
    "information_given",
    "contingency_plan",
    "contingency_contact",
    "future_wishes",
    "care_team_member",
    "personal_contact",
    "additional_support_plan",
)

FROZEN = "SELECT RAISE(ABORT, 'agreed or declined plan versions cannot be changed')"
TRAIL = "SELECT RAISE(ABORT, 'the audit trail cannot be changed')"
# The version a row belongs to (NULL when there is none). OLD rows test with `<>`, so a draft's rows can
# still be removed by ON DELETE CASCADE (their version is already gone, so the test is NULL, not true);
# NEW rows test with `IS NOT`, so a row cannot be put into a version that does not exist either.
_STATUS = "(SELECT status FROM care_plan WHERE id = {row}.plan_id)"


def expected_triggers() -> dict[str, str]:
    """name -> the CREATE TRIGGER statement, exactly as it is stored in sqlite_master."""
    out: dict[str, str] = {
        "care_plan_frozen_update": (
            f"CREATE TRIGGER care_plan_frozen_update BEFORE UPDATE ON care_plan "
            f"WHEN OLD.status <> 'draft' BEGIN {FROZEN}; END"
        ),
        "care_plan_frozen_delete": (
            f"CREATE TRIGGER care_plan_frozen_delete BEFORE DELETE ON care_plan "
            f"WHEN OLD.status <> 'draft' BEGIN {FROZEN}; END"
        ),
        "care_plan_draft_only_insert": (
            "CREATE TRIGGER care_plan_draft_only_insert BEFORE INSERT ON care_plan "
            "WHEN NEW.status IS NOT 'draft' "
            "BEGIN SELECT RAISE(ABORT, 'a plan version can only be added as a draft'); END"
        ),
        "audit_event_no_update": (
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN {TRAIL}; END"
        ),
        "audit_event_no_delete": (
            f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN {TRAIL}; END"
        ),
        "audit_head_mark_no_rewind": (
            "CREATE TRIGGER audit_head_mark_no_rewind BEFORE UPDATE ON audit_head_mark "
            f"WHEN NEW.seq < OLD.seq OR NEW.id IS NOT OLD.id BEGIN {TRAIL}; END"
        ),
        "audit_head_mark_no_delete": (
            f"CREATE TRIGGER audit_head_mark_no_delete BEFORE DELETE ON audit_head_mark BEGIN {TRAIL}; END"
        ),
    }
    old = _STATUS.format(row="OLD")
    new = _STATUS.format(row="NEW")
    for table in PLAN_CONTENT_TABLES:
        out[f"{table}_frozen_insert"] = (
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
            f"WHEN {new} IS NOT 'draft' BEGIN {FROZEN}; END"
        )
        out[f"{table}_frozen_update"] = (
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {old} <> 'draft' OR {new} IS NOT 'draft' BEGIN {FROZEN}; END"
        )
        out[f"{table}_frozen_delete"] = (
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
            f"WHEN {old} <> 'draft' BEGIN {FROZEN}; END"
        )
    return out


def create_all(execute: Callable[[str], object], dialect: str = "sqlite") -> None:
    """Drop (where present) and create every guard trigger; `execute` runs one SQL statement."""
    if dialect == "postgresql":
        create_all_pg(execute)
        return
    for name, sql in expected_triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(sql)


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").strip().rstrip(";")).strip()


def trigger_problems(found: dict[str, str | None]) -> list[str]:
    """Compare the store's triggers (name -> SQL from sqlite_master) with the expected set."""
    expected = expected_triggers()
    problems: list[str] = []
    missing = sorted(set(expected) - set(found))
    changed = sorted(n for n in expected if n in found and _normal(found[n]) != _normal(expected[n]))
    extra = sorted(set(found) - set(expected))
    if missing:
        problems.append(
            f"{len(missing)} protective trigger(s) are missing (first: {missing[0]}): "
            "someone has removed the store's protection against changes"
        )
    if changed:
        problems.append(f"{len(changed)} protective trigger(s) have been altered (first: {changed[0]})")
    if extra:
        problems.append(f"{len(extra)} unexpected trigger(s) were added to the store (first: {extra[0]})")
    return problems


# ---- PostgreSQL (the practice server) ---------------------------------------------------------------------
# The same rules as plpgsql trigger functions. A PostgreSQL trigger's WHEN cannot look at another table, so
# the plan content rule is a function that reads the version's status. Only the database owner (not a
# clinician's role) can disable or drop a trigger, so the rules hold against raw SQL from any workstation.

# Who is connected: session_user (a SECURITY DEFINER function does not change it). The database owner (or a
# superuser: migrations, `server upgrade`, `import-store`, a restore) is trusted; every other login role is
# one person's, and `server_login` (written only by the owner's `careplanner_save_login`) names its account.
_IS_OWNER = (
    "EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = session_user AND (r.rolsuper OR r.oid = "
    "(SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())))"
)
_ME = "SELECT l.user_id INTO me FROM public.server_login l WHERE l.login_role = session_user; "
# A time the workstation wrote, against the server's clock (times are stored as naive UTC).
_SKEW_SECONDS = 300


def _far_from_now(column: str) -> str:
    return (
        f"({column} IS NULL OR abs(extract(epoch FROM ({column} - "
        f"(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC')))) > {_SKEW_SECONDS})"
    )


# Except an agreement the server lost in its last restore, sent again by a workstation: its own time may lie
# in the stretch the restore lost (from the newest time the restored history holds to the restore itself;
# sync_epoch, migration 0016, sync/server_side.py new_epoch). Nothing older, and nothing at all on a server
# never restored.
RESTORED_AGREEMENT_TIME = (
    "EXISTS (SELECT 1 FROM public.sync_epoch s WHERE NEW.agreed_at BETWEEN "
    f"s.lost_after - make_interval(secs => {_SKEW_SECONDS}) "
    f"AND s.began_at + make_interval(secs => {_SKEW_SECONDS}))"
)


PG_FUNCTIONS: dict[str, str] = {
    "careplanner_frozen_version": (
        "DECLARE me text; "
        "BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        "IF NEW.status IS DISTINCT FROM 'draft' THEN "
        "RAISE EXCEPTION 'a plan version can only be added as a draft'; END IF; RETURN NEW; END IF; "
        "IF OLD.status <> 'draft' THEN "
        "RAISE EXCEPTION 'agreed or declined plan versions cannot be changed'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
        # A draft is agreed (or declined) only in the name of the person connected, and only now; or it is
        # an agreed version imported from elsewhere (0018): imported by the person connected, now, with its
        # provenance, and in the name of no account here (it was agreed elsewhere, on its own date).
        f"IF NEW.status IS DISTINCT FROM 'draft' AND NOT {_IS_OWNER} THEN {_ME}"
        "IF NEW.origin_identifier <> '' OR NEW.imported_by_id IS NOT NULL THEN "
        "IF me IS NULL OR NEW.status IS DISTINCT FROM 'agreed' OR NEW.agreed_by_id IS NOT NULL OR "
        "NEW.origin_identifier = '' OR NEW.imported_by_id IS DISTINCT FROM me OR "
        f"{_far_from_now('NEW.imported_at')} THEN "
        "RAISE EXCEPTION 'an imported plan is recorded only by the person signed in, at the present time'; "
        "END IF; "
        f"ELSIF me IS NULL OR NEW.agreed_by_id IS DISTINCT FROM me OR "
        f"({_far_from_now('NEW.agreed_at')} AND NOT {RESTORED_AGREEMENT_TIME}) THEN "
        "RAISE EXCEPTION 'a plan is agreed only by the person signed in, at the present time'; "
        "END IF; END IF; "
        "RETURN NEW; "
        "END"
    ),
    # The version's row is read FOR SHARE: a content change waits for an agreement of the same version
    # in progress (which holds the row's lock from before it seals) and then sees it agreed, and an
    # agreement waits for the content change to commit, so its seal covers it.
    "careplanner_frozen_content": (
        "DECLARE old_status text; new_status text; "
        "BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        "SELECT status INTO old_status FROM public.care_plan WHERE id = OLD.plan_id FOR SHARE; "
        "IF old_status <> 'draft' THEN "
        "RAISE EXCEPTION 'agreed or declined plan versions cannot be changed'; END IF; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
        "SELECT status INTO new_status FROM public.care_plan WHERE id = NEW.plan_id FOR SHARE; "
        "IF new_status IS DISTINCT FROM 'draft' THEN "
        "RAISE EXCEPTION 'agreed or declined plan versions cannot be changed'; END IF; "
        "RETURN NEW; "
        "END"
    ),
    "careplanner_trail_fixed": ("BEGIN RAISE EXCEPTION 'the audit trail cannot be changed'; END"),
    # A new entry names the person connected (or nobody), carries the present time and follows the newest
    # entry, so nobody can write one in another's name, backdate one, or fork the chain.
    "careplanner_trail_append": (
        "DECLARE me text; last_seq bigint; last_hash text; "
        "BEGIN "
        f"IF {_IS_OWNER} THEN RETURN NEW; END IF; "
        f"{_ME}"
        "IF me IS NULL OR (NEW.user_id IS NOT NULL AND NEW.user_id <> me) THEN "
        "RAISE EXCEPTION 'an audit entry can only be written by the account it names'; END IF; "
        f"IF {_far_from_now('NEW.at')} THEN "
        "RAISE EXCEPTION 'an audit entry must carry the present time'; END IF; "
        "SELECT e.seq, e.hash INTO last_seq, last_hash FROM public.audit_event e "
        "ORDER BY e.seq DESC LIMIT 1; "
        "IF NOT FOUND THEN last_seq := 0; last_hash := repeat('0', 64); END IF; "
        "IF NEW.seq IS DISTINCT FROM last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash THEN "
        "RAISE EXCEPTION 'an audit entry must follow the newest one'; END IF; "
        "RETURN NEW; "
        "END"
    ),
    # The mark moves forward only, and only to an entry that is in the trail.
    "careplanner_head_mark_forward": (
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit trail cannot be changed'; END IF; "
        "IF TG_OP = 'UPDATE' AND (NEW.seq < OLD.seq OR NEW.id IS DISTINCT FROM OLD.id) THEN "
        "RAISE EXCEPTION 'the audit trail cannot be changed'; END IF; "
        f"IF NOT {_IS_OWNER} AND NOT EXISTS (SELECT 1 FROM public.audit_event e "
        "WHERE e.seq = NEW.seq AND e.hash = NEW.hash) THEN "
        "RAISE EXCEPTION 'the audit trail cannot be changed'; END IF; "
        "RETURN NEW; "
        "END"
    ),
}


def expected_pg_triggers() -> dict[str, tuple[str, str, str]]:
    """name -> (table, events, function): every guard trigger on the practice server."""
    out: dict[str, tuple[str, str, str]] = {
        "care_plan_frozen": ("care_plan", "INSERT OR DELETE OR UPDATE", "careplanner_frozen_version"),
        "audit_event_fixed": ("audit_event", "DELETE OR UPDATE", "careplanner_trail_fixed"),
        "audit_event_append": ("audit_event", "INSERT", "careplanner_trail_append"),
        "audit_head_mark_forward": (
            "audit_head_mark",
            "INSERT OR DELETE OR UPDATE",
            "careplanner_head_mark_forward",
        ),
        # TRUNCATE skips row triggers, so it is refused by a statement trigger of its own.
        "audit_event_no_truncate": ("audit_event", "TRUNCATE", "careplanner_trail_fixed"),
    }
    for table in PLAN_CONTENT_TABLES:
        out[f"{table}_frozen"] = (table, "INSERT OR DELETE OR UPDATE", "careplanner_frozen_content")
    return out


def _pg_trigger_sql(name: str, table: str, events: str, function: str) -> str:
    level = "STATEMENT" if events == "TRUNCATE" else "ROW"
    return f"CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH {level} EXECUTE FUNCTION {function}()"


def create_all_pg(execute: Callable[[str], object]) -> None:
    for function, body in PG_FUNCTIONS.items():
        execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $guard$ {body} $guard$"
        )
    for name, (table, events, function) in expected_pg_triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute(_pg_trigger_sql(name, table, events, function))


def pg_trigger_problems(found: dict[str, tuple[str, str, bool]], functions: dict[str, str]) -> list[str]:
    """Compare the server's guard triggers (name -> (table, definition, enabled)) and functions
    (name -> body) with the expected set."""
    expected = expected_pg_triggers()
    problems: list[str] = []
    missing = sorted(set(expected) - set(found))
    changed = sorted(
        name
        for name, (table, events, function) in expected.items()
        if name in found
        and (
            found[name][0] != table
            or _normal(found[name][1]) != _normal(_pg_shown(name, table, events, function))
        )
    )
    disabled = sorted(n for n in expected if n in found and not found[n][2])
    bodies = sorted(f for f, body in PG_FUNCTIONS.items() if _normal(functions.get(f)) != _normal(body))
    if missing:
        problems.append(
            f"{len(missing)} protective trigger(s) are missing (first: {missing[0]}): "
            "someone has removed the server's protection against changes"
        )
    if changed:
        problems.append(f"{len(changed)} protective trigger(s) have been altered (first: {changed[0]})")
    if disabled:
        problems.append(
            f"{len(disabled)} protective trigger(s) have been switched off (first: {disabled[0]})"
        )
    if bodies:
        problems.append(f"{len(bodies)} protective function(s) have been altered (first: {bodies[0]})")
    return problems


def _pg_shown(name: str, table: str, events: str, function: str) -> str:
    # How pg_get_triggerdef shows our trigger (schema-qualified table).
    level = "STATEMENT" if events == "TRUNCATE" else "ROW"
    return (
        f"CREATE TRIGGER {name} BEFORE {events} ON public.{table} "
        f"FOR EACH {level} EXECUTE FUNCTION {function}()"
    )
