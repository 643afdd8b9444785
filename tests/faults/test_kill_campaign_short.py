"""The SIGKILL campaign's short run: an unkilled run and a kill of every write path, each followed by the full
checks (the checks after a kill are most of the time, so CI kills each path once; the long run kills each
thirty times).

scripts/kill-campaign.py kills seed, autosave, agree, backup, restore, rekey, the audit note and first
run at random moments, and after each kill runs `check` (integrity, audit chain and head note, version
seals), compares every agreed version with its hash from before, and checks the path's own promise (a
backup under its name is complete; a rekeyed store opens with the old or the new key; a first run can
start again). The long run is in the README (Testing). The store's key is in the real OS keyring here
(gnome-keyring in CI), which keeps each command's start quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kill-campaign.py"
PATHS = ("seed", "autosave", "agree", "backup", "restore", "rekey", "audit-note", "first-run")
KILLS = 1


def test_every_write_path_survives_a_kill_with_the_store_trail_and_versions_intact(tmp_path: Path) -> None:
    report = tmp_path / "campaign.json"
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--kills",
            str(KILLS),
            "--people",
            "30",
            "--seed",
            "17",
            "--keyring",
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CAREPLANNER_HOME": str(tmp_path / "home")},
    )
    assert report.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads(report.read_text(encoding="utf-8"))
    killed = [r for r in results["rounds"] if r["kill_after"] is not None]
    assert sorted({r["path"] for r in killed}) == sorted(PATHS)
    assert all(sum(r["path"] == p for r in killed) == KILLS for p in PATHS)
    assert results["failed"] == [], json.dumps(results["failed"], indent=2)
    assert results["versions_checked"] > 20  # the seeded versions, and those the agree worker added
    assert done.returncode == 0, done.stdout[-2000:]
