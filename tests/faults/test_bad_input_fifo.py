"""A FIFO where a file is expected hung the command for ever, holding the store's lock (issue 17, item 10).

The field report's cases 86 and 123: the store file is a FIFO, and `--passphrase-file` names a FIFO with
no writer. Each is now refused at once with one plain line. A pipe that does have a writer (a scheduler's
`--passphrase-file /dev/stdin`) is still read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from careplanner.app import AppContext
from careplanner.config import Paths
from tests.conftest import TEST_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
# A hang is a failure; a plain refusal takes a second or two (Python start-up and the key derivation).
TIMEOUT = 60


def _careplanner(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "careplanner", *argv],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def test_a_store_file_that_is_a_fifo_is_refused_not_waited_on(
    ctx: AppContext, paths: Paths, tmp_path: Path
) -> None:
    ctx.close()
    paths.store_file.unlink()
    os.mkfifo(paths.store_file)
    pf = tmp_path / "pass"
    pf.write_bytes(TEST_PASSPHRASE)
    done = _careplanner("--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), "check")
    assert done.returncode == 23
    assert done.stderr.decode().strip() == (
        "careplanner: The store file is not an ordinary file. Nothing was changed."
    )


def test_a_passphrase_file_that_is_a_fifo_with_no_writer_is_refused(
    ctx: AppContext, paths: Paths, tmp_path: Path
) -> None:
    ctx.close()
    fifo = tmp_path / "pass-fifo"
    os.mkfifo(fifo)
    done = _careplanner("--data-dir", str(paths.data_dir), "--passphrase-file", str(fifo), "check")
    assert done.returncode == 20
    assert done.stderr.decode().strip() == "careplanner: The passphrase file is empty."


def test_a_passphrase_given_through_a_pipe_is_still_read(ctx: AppContext, paths: Paths) -> None:
    ctx.close()
    done = _careplanner(
        "--data-dir", str(paths.data_dir), "--passphrase-file", "/dev/stdin", "check", stdin=TEST_PASSPHRASE
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "Integrity check: ok" in done.stdout.decode()
