"""The README's sync demo (`./scripts/sync-demo.sh --no-window`): two replica workstations, one taken off
the network and edited there while the other edits the same plan, rejoined; the conflict is listed, merged
section by section, and both copies end with the one merged draft; the server and its folders are removed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.server.cluster import postgres_bin
from careplanner.store import keys

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.keyring


def test_the_sync_demo_tells_the_story_and_merges(tmp_path: Path) -> None:
    assert postgres_bin() is not None, "PostgreSQL is not installed"
    if not keys.keyring_is_secure():
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under a real Secret Service (see scripts/test.sh)")
        pytest.skip("no Secret Service on this machine; scripts/test.sh provides one")
    folder = tmp_path / "demo"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "sync_demo.py"),
            "--no-window",
            "--people",
            "1",
            "--folder",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "Workstation 2 has the draft: True" in out
    assert "Signed in offline: True" in out
    assert "Workstation 2 — Offline since " in out and "— 1 change waiting" in out
    assert "Workstation 2 — Connected — 1 plan needs a merge" in out
    assert (
        "About me: first copy 'Walking to the shop on my own' | second copy 'Seeing my grandchildren" in out
    )
    assert "Workstation 2 — Connected; workstation 1 — Connected" in out
    for name in ("workstation 1", "workstation 2"):
        assert (
            f"{name}'s copy: one draft, 'What matters to me': 'Seeing my grandchildren at Christmas'" in out
        )
    assert "Practice server stopped" in out
    assert not folder.exists()
