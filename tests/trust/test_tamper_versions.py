"""Agreed versions against raw SQL with the key: the triggers refuse what they can, and `check` and
`audit verify` find what got round them (dropped or rewritten triggers, forged or altered versions)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext
from careplanner.config import Paths
from careplanner.services.users import Actor
from tests.trust.tamper import Versions, agreed_and_draft, cli, raw, run_sql, trigger_sql

FORGED_VERSION = (
    "INSERT INTO care_plan (id, person_id, status, version_number, revision, title, agreed_at, "
    "representative_name, representative_role, declined_reason, review_responsible_name, "
    "review_responsible_role, review_responsible_contact, lead_coordinator_name, lead_coordinator_role, "
    "lead_coordinator_contact, performing_professional_name, performing_professional_role, "
    "performing_professional_id, location, care_funding, consent_shared_with, other_documents, "
    "copies_given_to, created_at, updated_at, row_version) "
    "SELECT 'forged-version', person_id, '{status}', 99, 0, 'My care and support plan', "
    "'2024-01-01 09:00:00.000000', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', "
    "'2024-01-01 09:00:00.000000', '2024-01-01 09:00:00.000000', 1 FROM care_plan WHERE id = '{like}'"
)


@pytest.fixture
def versions(ctx: AppContext, actor: Actor) -> Versions:
    made = agreed_and_draft(ctx, actor)
    ctx.close()  # the app is closed: what follows is done to the file, outside it
    return made


def _found(paths: Paths, tmp_path: Path, *expected: str) -> None:
    """Both `check` and `audit verify` exit 1 and name every expected finding."""
    for argv in (("check",), ("audit", "verify")):
        done = cli(paths, tmp_path, *argv)
        assert done.returncode == 1, (argv, done.stdout, done.stderr)
        for text in expected:
            assert text in done.stdout, (argv, text, done.stdout)
        assert "Traceback" not in done.stderr


def test_an_untouched_store_passes_both_checks(versions: Versions, paths: Paths, tmp_path: Path) -> None:
    for argv in (("check",), ("audit", "verify")):
        done = cli(paths, tmp_path, *argv)
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    assert "1 agreed or declined versions match what was agreed" in done.stdout


def test_moving_a_draft_row_into_an_agreed_version_is_refused(versions: Versions, paths: Paths) -> None:
    with pytest.raises(sqlcipher3.DatabaseError, match="cannot be changed"):
        run_sql(
            paths,
            f"UPDATE condition SET plan_id = '{versions.agreed_id}', term = 'Fabricated diagnosis' "
            f"WHERE plan_id = '{versions.draft_id}'",
        )
    conn = raw(paths)
    terms = conn.execute("SELECT term FROM condition WHERE plan_id = ?", (versions.agreed_id,)).fetchall()
    conn.close()
    assert terms == [("Asthma",)]


def test_a_version_can_only_be_inserted_as_a_draft(versions: Versions, paths: Paths) -> None:
    for status in ("agreed", "declined"):
        with pytest.raises(sqlcipher3.DatabaseError, match="only be added as a draft"):
            run_sql(paths, FORGED_VERSION.format(status=status, like=versions.agreed_id))


def test_content_moved_into_an_agreed_version_behind_a_dropped_trigger_is_found(
    versions: Versions, paths: Paths, tmp_path: Path
) -> None:
    # The attacker drops the guard, moves the row, and puts the guard back exactly as it was.
    guard = trigger_sql(paths, "condition_frozen_update")
    run_sql(
        paths,
        "DROP TRIGGER condition_frozen_update",
        f"UPDATE condition SET plan_id = '{versions.agreed_id}', term = 'Fabricated diagnosis' "
        f"WHERE plan_id = '{versions.draft_id}'",
        guard,
    )
    _found(paths, tmp_path, f"(first: {versions.agreed_id}) no longer hold what was agreed")


def test_agreed_content_edited_behind_dropped_triggers_is_found(
    versions: Versions, paths: Paths, tmp_path: Path
) -> None:
    run_sql(
        paths,
        "DROP TRIGGER condition_frozen_update",
        f"UPDATE condition SET term = 'Fabricated diagnosis' WHERE plan_id = '{versions.agreed_id}'",
    )
    _found(paths, tmp_path, "no longer hold what was agreed", "protective trigger(s) are missing")


def test_a_forged_agreed_version_is_found(versions: Versions, paths: Paths, tmp_path: Path) -> None:
    guard = trigger_sql(paths, "care_plan_draft_only_insert")
    run_sql(
        paths,
        "DROP TRIGGER care_plan_draft_only_insert",
        FORGED_VERSION.format(status="agreed", like=versions.agreed_id),
        guard,
    )
    _found(paths, tmp_path, "(first: forged-version) are marked agreed or declined with no record")


def test_a_draft_marked_agreed_outside_the_app_is_found(
    versions: Versions, paths: Paths, tmp_path: Path
) -> None:
    # No trigger needs dropping for this one: a draft may change, so it can be marked agreed in SQL.
    run_sql(
        paths,
        "UPDATE care_plan SET status = 'agreed', version_number = 1, "
        f"agreed_at = '2024-01-01 09:00:00.000000' WHERE id = '{versions.draft_id}'",
    )
    _found(paths, tmp_path, f"(first: {versions.draft_id}) are marked agreed or declined with no record")


def test_an_agreed_version_deleted_behind_dropped_triggers_is_found(
    versions: Versions, paths: Paths, tmp_path: Path
) -> None:
    conn = raw(paths)
    drops = [
        f"DROP TRIGGER {name}"
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%delete'"
        )
    ]
    conn.close()
    run_sql(
        paths,
        *drops,
        f"DELETE FROM condition WHERE plan_id = '{versions.agreed_id}'",
        f"DELETE FROM care_plan WHERE id = '{versions.agreed_id}'",
    )
    _found(paths, tmp_path, "are missing from the store", "protective trigger(s) are missing")


@pytest.mark.parametrize(
    "name", ["audit_event_no_delete", "care_plan_frozen_update", "medicine_frozen_insert"]
)
def test_a_dropped_trigger_is_found(versions: Versions, paths: Paths, tmp_path: Path, name: str) -> None:
    run_sql(paths, f"DROP TRIGGER {name}")
    _found(paths, tmp_path, f"1 protective trigger(s) are missing (first: {name})")


def test_a_rewritten_trigger_is_found(versions: Versions, paths: Paths, tmp_path: Path) -> None:
    # Same name, but it never fires: the old guard in name only.
    run_sql(
        paths,
        "DROP TRIGGER audit_event_no_update",
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END",
    )
    _found(paths, tmp_path, "1 protective trigger(s) have been altered (first: audit_event_no_update)")
