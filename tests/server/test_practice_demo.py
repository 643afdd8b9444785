"""The practice demo (`./scripts/practice-demo.sh`) without its windows: a private cluster is started, set
up with `server init`, seeded, given two clinician accounts that can sign in, then stopped and removed."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

from careplanner.server.cluster import postgres_bin

ROOT = Path(__file__).resolve().parents[2]


def test_the_practice_demo_sets_up_two_workstations_and_stops(tmp_path: Path) -> None:
    assert postgres_bin() is not None, "PostgreSQL is not installed"
    folder = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "practice_demo.py"), "--no-window", "--people", "5",
         "--folder", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    found = re.search(
        r"Practice server running .*: postgresql://127\.0\.0\.1:(\d+)/careplanner\?sslmode=disable", out
    )
    assert found, out
    assert "Workstation 1: jo signed in on the server and sees 5 people." in out
    assert "Workstation 2: sam signed in on the server and sees 5 people." in out
    # Stopped and removed: nothing listens on its port, and its folder is gone.
    assert "Practice server stopped" in out
    assert not folder.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(found.group(1)))) != 0
