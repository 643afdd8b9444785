"""Helper process for the restore, rekey and first-run kill tests (not a test module).

`python kill_maintenance.py OP DATA_DIR STAGE ARGS...` runs one real operation and, when it reaches STAGE,
prints `at STAGE` and waits; the test then kills it with SIGKILL, exactly at that moment. The stages are the
operation's own progress stages (the ones the command line prints), so nothing inside is replaced:

- `restore DATA_DIR STAGE BACKUP BACKUP_PASSPHRASE STORE_PASSPHRASE`
- `rekey DATA_DIR STAGE OLD_PASSPHRASE NEW_PASSPHRASE`
- `firstrun DATA_DIR STAGE PASSPHRASE` (the stages of store/create.py, reached through `open_context`)

If the stage is never reached the process prints `finished` (or the error) and exits.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

from careplanner import app
from careplanner.config import resolve_paths
from careplanner.services import maintenance
from careplanner.store import create


def say(line: str) -> None:
    os.write(sys.stdout.fileno(), (line + "\n").encode("utf-8"))


def pause_at(target: str) -> maintenance.Progress:
    def progress(_fraction: float, stage: str) -> None:
        if stage == target:
            say(f"at {stage}")
            time.sleep(600)  # the test kills us here

    return progress


def main() -> None:
    op, data_dir, stage, *rest = sys.argv[1:]
    paths = resolve_paths(data_dir)
    pause = pause_at(stage)
    try:
        if op == "restore":
            backup, backup_pass, store_pass = rest
            maintenance.restore(
                paths, Path(backup), backup_pass.encode(), passphrase=store_pass.encode(), progress=pause
            )
        elif op == "rekey":
            old, new = rest
            maintenance.change_key(
                paths, passphrase=old.encode(), new_passphrase=new.encode(), progress=pause
            )
        elif op == "firstrun":
            (passphrase,) = rest
            step = functools.partial(pause, 0.0)
            app.create_store = functools.partial(create.create_store, step=step)  # type: ignore[assignment]
            app.open_context(paths, passphrase=passphrase.encode()).close()
        else:
            raise SystemExit(f"unknown operation {op}")
    except Exception as exc:  # reported to the test, which fails with it
        say(f"error {type(exc).__name__}: {exc}")
        raise SystemExit(1) from None
    say("finished")


if __name__ == "__main__":
    main()
