"""What someone holding the store's key can do outside the app, made repeatable for the tamper tests.

`raw()` is a real SQLCipher connection opened with the store's key (as the attack report's scripts did);
`cli()` runs `careplanner check` or `audit verify` in a subprocess, as a practice IT person would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlcipher3

from careplanner.app import AppContext
from careplanner.config import Paths
from careplanner.services.plan_data import ConditionData, MedicalSection
from careplanner.services.users import Actor
from careplanner.store import keys
from tests.conftest import TEST_PASSPHRASE, make_person


def raw(paths: Paths) -> sqlcipher3.Connection:
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    conn = sqlcipher3.connect(str(paths.store_file), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def run_sql(paths: Paths, *statements: str) -> None:
    conn = raw(paths)
    try:
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def trigger_sql(paths: Paths, name: str) -> str:
    conn = raw(paths)
    try:
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no trigger {name}"
    return str(row[0])


def cli(paths: Paths, tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`careplanner … ARGV` in a subprocess, with the store passphrase (check and verify need no sign-in)."""
    pf = tmp_path / "store-passphrase"
    pf.write_bytes(TEST_PASSPHRASE)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "careplanner",
            "--data-dir",
            str(paths.data_dir),
            "--passphrase-file",
            str(pf),
            *argv,
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=180,
        check=False,
    )


@dataclass(frozen=True)
class Versions:
    agreed_id: str
    draft_id: str


def agreed_and_draft(ctx: AppContext, actor: Actor) -> Versions:
    """One synthetic person with an agreed plan (one condition), another with a draft (one condition)."""
    people = ctx.services.people
    plans = ctx.services.plans
    first = people.create(make_person(nhs_number="999 339 5633"), actor)
    draft = plans.start_draft(first.id, actor)
    plans.save_section(draft.id, MedicalSection(conditions=(ConditionData(term="Asthma"),)), actor)
    agreed = plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
    second = people.create(make_person(nhs_number="999 993 9082", first_name="Ada"), actor)
    other = plans.start_draft(second.id, actor)
    plans.save_section(other.id, MedicalSection(conditions=(ConditionData(term="Gout"),)), actor)
    return Versions(agreed.id, other.id)
