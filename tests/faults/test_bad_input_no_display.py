"""No display: the window is not attempted, the store is not opened, and no core dump can hold the key.

Field report (issue 17, item 10; finding 16): `careplanner` with no DISPLAY opened the store and derived
its key, then Qt aborted (SIGABRT) leaving -wal/-shm files; with core dumps on, the core held the hex store
key. Now the display is looked at first and the person is told plainly, and core dumps are switched off
for the process from its first line.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from careplanner.app import AppContext
from careplanner.commands.gui import NO_DISPLAY_EXIT, display_problem
from careplanner.config import Paths
from tests.conftest import TEST_PASSPHRASE
from tests.trust.helpers import fingerprint

ROOT = Path(__file__).resolve().parents[2]


def _without_display(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(extra)
    return env


@pytest.mark.parametrize("platform", [None, "xcb", "wayland"])
def test_the_app_with_no_display_says_so_and_leaves_the_store_untouched(
    ctx: AppContext, paths: Paths, tmp_path: Path, platform: str | None
) -> None:
    ctx.close()
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    before = fingerprint(paths.data_dir)
    env = _without_display(**({"QT_QPA_PLATFORM": platform} if platform else {}))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "careplanner",
            "--data-dir",
            str(paths.data_dir),
            "--passphrase-file",
            str(pf),
        ],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == NO_DISPLAY_EXIT, err
    assert err.startswith("careplanner: there is no screen to show the window on") and err.count("\n") == 1
    assert "The store was not opened." in err
    assert fingerprint(paths.data_dir) == before
    assert not list(paths.data_dir.glob("careplanner.db-*"))  # no -wal or -shm left behind


@pytest.mark.parametrize(
    ("environ", "platform", "refused"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland"}, "freebsd14", True),
        ({}, "win32", False),
        ({}, "darwin", False),
    ],
)
def test_which_settings_have_a_display(environ: dict[str, str], platform: str, refused: bool) -> None:
    assert (display_problem(environ, platform) is not None) is refused


_REPORT_CORE_SETTINGS = textwrap.dedent(
    """
    import ctypes, resource, sys
    from careplanner.__main__ import main

    code = main(sys.argv[1:])
    print("exit", code)
    print("core limit", resource.getrlimit(resource.RLIMIT_CORE))
    print("dumpable", ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CORE and prctl as on Linux")
def test_core_dumps_are_off_for_the_process_from_its_start(
    ctx: AppContext, paths: Paths, tmp_path: Path
) -> None:
    ctx.close()
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]

    def allow_cores() -> None:  # as `ulimit -c unlimited` would (up to the hard limit)
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    argv = ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), "check"]
    done = subprocess.run(
        [sys.executable, "-c", _REPORT_CORE_SETTINGS, *argv],
        env=_without_display(),
        capture_output=True,
        timeout=120,
        check=False,
        preexec_fn=allow_cores,
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert "exit 0" in lines
    assert "core limit (0, 0)" in lines, "core files are still allowed: a crash could write the key to disk"
    assert "dumpable 0" in lines, "the process is still dumpable (systemd-coredump would keep its memory)"
