"""Cutting entries off the end of the audit trail is found by `check` as well as `audit verify`, and
deleting the note of the newest entry (careplanner.audit-head.json) no longer hides the cut."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext, open_context
from careplanner.config import Paths
from careplanner.services.audit_head import HEAD_FILENAME, AuditHeadNote
from careplanner.services.users import Actor
from tests.conftest import TEST_PASSPHRASE, make_person
from tests.trust.tamper import agreed_and_draft, cli, run_sql, trigger_sql


@pytest.fixture
def noted(ctx: AppContext, actor: Actor, paths: Paths) -> int:
    """A store with some history whose newest entry has been noted (as sign-in, backup and close do)."""
    agreed_and_draft(ctx, actor)
    note = AuditHeadNote(ctx.store.sessions, paths.data_dir)
    note.save()
    head = note.current()
    assert head is not None and (paths.data_dir / HEAD_FILENAME).exists()
    ctx.close()
    return head.seq


def _cut_end(paths: Paths, keep: int) -> None:
    """Drop the guard, cut the newest entries, and put the guard back exactly as it was."""
    guard = trigger_sql(paths, "audit_event_no_delete")
    run_sql(paths, "DROP TRIGGER audit_event_no_delete", f"DELETE FROM audit_event WHERE seq > {keep}", guard)


def _both(paths: Paths, tmp_path: Path, expected: str) -> None:
    for argv in (("check",), ("audit", "verify")):
        done = cli(paths, tmp_path, *argv)
        assert done.returncode == 1, (argv, done.stdout, done.stderr)
        assert expected in done.stdout, (argv, done.stdout)
        assert "Traceback" not in done.stderr


def test_check_reads_the_note_and_finds_a_cut_end(noted: int, paths: Paths, tmp_path: Path) -> None:
    _cut_end(paths, noted - 3)
    _both(paths, tmp_path, f"the trail ends before entry {noted}")


def test_deleting_the_note_does_not_hide_a_cut_end(noted: int, paths: Paths, tmp_path: Path) -> None:
    _cut_end(paths, noted - 3)
    (paths.data_dir / HEAD_FILENAME).unlink()
    _both(
        paths, tmp_path, f"the trail ends before entry {noted}, which was recorded earlier (inside the store)"
    )
    _both(paths, tmp_path, f"({HEAD_FILENAME}) is missing, though this store has had one")


def test_a_missing_note_on_a_store_that_had_one_is_a_failure(
    noted: int, paths: Paths, tmp_path: Path
) -> None:
    (paths.data_dir / HEAD_FILENAME).unlink()
    _both(paths, tmp_path, f"({HEAD_FILENAME}) is missing, though this store has had one")


def test_a_store_that_never_had_a_note_is_not_alarmed(ctx: AppContext, actor: Actor, paths: Paths) -> None:
    from careplanner.services.store_verify import verify_store

    agreed_and_draft(ctx, actor)
    report = verify_store(ctx.store.sessions, paths.data_dir)
    assert report.ok, report.problems
    assert not (paths.data_dir / HEAD_FILENAME).exists()


def test_the_mark_inside_the_store_cannot_be_removed_or_wound_back(noted: int, paths: Paths) -> None:
    for sql in (
        "DELETE FROM audit_head_mark",
        "UPDATE audit_head_mark SET seq = 1",
        "UPDATE audit_head_mark SET id = 2",
    ):
        with pytest.raises(sqlcipher3.DatabaseError, match="the audit trail cannot be changed"):
            run_sql(paths, sql)


def test_the_mark_follows_the_note_forward(noted: int, paths: Paths) -> None:
    from careplanner.services.store_verify import verify_store

    again = open_context(paths, passphrase=TEST_PASSPHRASE)
    try:
        note = AuditHeadNote(again.store.sessions, paths.data_dir)
        assert note.mark() == note.read() == note.current()
        actor = again.services.users.ensure_first_clinician()
        again.services.people.create(make_person(nhs_number="999 158 1766", first_name="Bea"), actor)
        note.save()
        mark = note.mark()
        assert mark is not None and mark.seq > noted
        assert mark == note.read() == note.current()
        assert verify_store(again.store.sessions, paths.data_dir).ok
    finally:
        again.close()
