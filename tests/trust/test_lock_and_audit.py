"""One copy per store, and an audit trail whose edits, deletions and cut-off ends are found."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext, open_context
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services.audit import Action
from careplanner.services.audit_head import AuditHeadNote
from careplanner.services.users import Actor
from careplanner.store import keys
from careplanner.store.errors import StoreInUseError
from tests.cli_signin import ADMIN, signed_in
from tests.conftest import TEST_PASSPHRASE, make_person

HOLD_STORE = """
import sys, time
from careplanner.app import open_context
from careplanner.config import resolve_paths
ctx = open_context(resolve_paths(sys.argv[1]), passphrase=sys.argv[2].encode())
print("open", flush=True)
time.sleep(60)
"""


def _cli(paths: Paths, tmp_path: Path, *argv: str, user: str | None = None) -> int:
    """`audit verify` needs only the key; `audit export` signs in (as an administrator)."""
    if user is not None:
        return run(signed_in(paths, tmp_path, *argv, user=user))
    pf = tmp_path / "store-pass"
    pf.write_bytes(TEST_PASSPHRASE)
    return run(["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), *argv])


def test_second_copy_is_refused_until_the_first_closes(ctx: AppContext, paths: Paths) -> None:
    with pytest.raises(StoreInUseError, match="open in another copy"):
        open_context(paths, passphrase=TEST_PASSPHRASE)
    ctx.close()
    again = open_context(paths, passphrase=TEST_PASSPHRASE)
    again.close()


def test_second_process_gets_a_clear_message_and_a_killed_holder_frees_the_store(
    paths: Paths, tmp_path: Path
) -> None:
    open_context(paths, passphrase=TEST_PASSPHRASE).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(paths.data_dir), TEST_PASSPHRASE.decode()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        pf = tmp_path / "pass"
        pf.write_bytes(TEST_PASSPHRASE)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "careplanner",
                "--data-dir",
                str(paths.data_dir),
                "--passphrase-file",
                str(pf),
                "check",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert second.returncode == StoreInUseError.exit_code
        assert "open in another copy of Care Planner" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        holder.kill()
        holder.communicate()
    # The OS dropped the killed process's lock: no stale lock shuts the practice out.
    open_context(paths, passphrase=TEST_PASSPHRASE).close()


def _tamper(paths: Paths, sql: str) -> None:
    """What someone with the key could do outside the app: drop the guard triggers and edit rows."""
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    conn = sqlcipher3.connect(str(paths.store_file), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    conn.execute(sql)
    conn.close()


def _some_history(ctx: AppContext, actor: Actor) -> None:
    for n in ("999 339 5633", "999 993 9082", "999 158 1766"):
        person = ctx.services.people.create(make_person(nhs_number=n), actor)
        ctx.services.plans.start_draft(person.id, actor)


def test_app_cannot_edit_the_trail(ctx: AppContext, actor: Actor, paths: Paths) -> None:
    _some_history(ctx, actor)
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    conn = sqlcipher3.connect(str(paths.store_file), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("DELETE FROM audit_event WHERE seq = 2")
    conn.close()


def test_verify_finds_an_edit_made_outside_the_app(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_history(ctx, actor)
    ctx.close()
    assert _cli(paths, tmp_path, "audit", "verify") == 0
    _tamper(paths, "UPDATE audit_event SET action = 'person_updated' WHERE seq = 3")
    assert _cli(paths, tmp_path, "audit", "verify") == 1
    assert "entry 3 has been changed" in capsys.readouterr().out


def test_verify_finds_a_deleted_middle_entry(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path
) -> None:
    _some_history(ctx, actor)
    ctx.close()
    _tamper(paths, "DELETE FROM audit_event WHERE seq = 2")
    assert _cli(paths, tmp_path, "audit", "verify") == 1


def test_cutting_off_the_newest_entries_is_found_by_the_head_note(
    ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_history(ctx, actor)
    AuditHeadNote(ctx.store.sessions, paths.data_dir).save()
    ctx.close()
    _tamper(paths, "DELETE FROM audit_event WHERE seq >= 5")
    # The chain alone is still valid ...
    reopened = open_context(paths, passphrase=TEST_PASSPHRASE)
    assert reopened.services.audit.verify().ok
    reopened.close()
    # ... but the note of the newest entry kept beside the store shows the trail was cut short.
    assert _cli(paths, tmp_path, "audit", "verify") == 1
    assert "entries were removed" in capsys.readouterr().out


def test_audit_export_csv_with_filters(ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path) -> None:
    _some_history(ctx, actor)
    ctx.close()
    out = tmp_path / "audit.csv"
    export = ("audit", "export", "--csv", str(out))
    assert _cli(paths, tmp_path, *export, "--action", Action.PLAN_STARTED, user=ADMIN) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 3
    assert {r["action"] for r in rows} == {Action.PLAN_STARTED}
    assert all(r["person_id"] for r in rows)
    assert _cli(paths, tmp_path, *export, "--since", "2999-01-01", user=ADMIN) == 0
    assert list(csv.DictReader(out.read_text(encoding="utf-8").splitlines())) == []
