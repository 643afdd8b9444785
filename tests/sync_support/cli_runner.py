"""`careplanner` commands, each in a process of its own, without paying Python's start and Care Planner's
imports for each one (tests; not a test module).

    with CliRunner() as runner:
        done = runner.run(["--data-dir", str(ws), "sync", "status"], env={...})   # a CompletedProcess

The runner is one child process that imports what every command imports (the app, the services, the
database drivers) and then, for each command, forks: the forked process sets the environment, runs
`careplanner`'s own `main` as `python -m careplanner` would, with its stdout and stderr in files, and
exits with the command's exit code. So each command is still a separate process (its own memory, keyring
connection, database connections, exit code and output); only the imports are shared. Nothing is opened
before the fork: no store, no keyring, no connection, no thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# What a command imports anyway; imported once, before any fork.
PRELOAD = (
    "careplanner.cli",
    "careplanner.app",
    "careplanner.commands.common",
    "careplanner.commands.sync_cmds",
    "careplanner.commands.join_cmds",
    "careplanner.commands.store_cmds",
    "careplanner.commands.seed_cmd",
    "careplanner.sync.engine",
    "careplanner.sync.replica_open",
    "careplanner.server.store",
    "psycopg",
    "sqlcipher3",
)


class CliRunner:
    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="cli-runner-"))

    def __enter__(self) -> CliRunner:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sync_support.cli_runner"],
            cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        assert self._read() == {"ready": True}
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
            self._proc.stdout.close()
            self._proc = None

    def _read(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise AssertionError("the command runner ended")
        found: dict[str, Any] = json.loads(line)
        return found

    def run(
        self, argv: list[str], env: dict[str, str], timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        """Run `careplanner ARGV` with `env` as its whole environment; as subprocess.run would return it."""
        assert self._proc is not None and self._proc.stdin is not None
        out, err = self._folder / "out", self._folder / "err"
        request = {"argv": argv, "env": env, "out": str(out), "err": str(err), "timeout": timeout}
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        code = int(self._read()["code"])
        return subprocess.CompletedProcess(
            ["careplanner", *argv], code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
        )


def _serve() -> int:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the command's own process
            _child(request)
        code = _wait(pid, float(request["timeout"]))
        print(json.dumps({"code": code}), flush=True)
    return 0


def _child(request: dict[str, Any]) -> None:
    code = 1
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path in ((1, request["out"]), (2, request["err"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - fd 1, kept to exit
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
        sys.argv = ["careplanner", *request["argv"]]
        from careplanner.__main__ import main

        code = main(list(request["argv"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # a fault: its traceback on the command's stderr, as Python would print it
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait(pid: int, timeout: float) -> int:
    import signal
    import time

    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return -9
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(_serve())
