"""Small helpers the trust and fault tests share: file fingerprints and a person with an agreed plan."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from careplanner.app import AppContext
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.users import Actor
from tests.conftest import make_person

# Empty files that only carry OS locks: the data folder's, and the one backups share (store/backup_reader.py).
LOCK_FILES = ("careplanner.lock", "careplanner.backup.lock")


def fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` (the lock file's contents aside): proof nothing was changed."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in LOCK_FILES and "logs" not in p.parts
    }


def person_with_agreed_plan(ctx: AppContext, actor: Actor, what_matters: str, **person: object) -> str:
    record = ctx.services.people.create(make_person(**person), actor)
    draft = ctx.services.plans.start_draft(record.id, actor)
    ctx.services.plans.save_section(
        draft.id, AboutMeSection(about=AboutMeData(what_matters=what_matters)), actor
    )
    ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 6, 1))
    return record.id


@contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path]:
    """A small RAM file system (needs root); the test is skipped, saying why, where mounting is refused."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)
