"""Helper process for the kill tests (not a test module).

It imports everything and derives the store key once, then for each command on stdin forks a child:

- `go MODE START` - a worker that opens the store and autosaves (MODE autosave) or agrees plans (MODE
  agree) in a loop, printing each revision only after its transaction has committed. The test kills it
  with SIGKILL at a random moment; this process reaps it and prints "dead".
- `check` - opens the store the way the app does after a crash and prints what it finds (integrity
  problems, the audit chain, every agreed version's text, the draft's text), then "checked".

Forking keeps each start cheap (no imports, no key derivation), so a hundred kills fit in the test's time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from datetime import date
from itertools import count

from careplanner.clinical.enums import PlanStatus
from careplanner.config import resolve_paths
from careplanner.services.container import Services
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.store import keys
from careplanner.store.engine import Store, open_store

PADDING = " — what matters: Ōla, 🙂, 中文, ﬁ ligature, RTL \u202eטקסט\u202c, end."


def say(line: str) -> None:
    """One line in one write(2): a pipe write under 4 KiB is atomic, so a kill never leaves half a line
    (print() may hand the text and its newline to the pipe separately)."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (line + "\n").encode("utf-8"))


def text(kind: str, n: int) -> str:
    return f"{kind} {n}{PADDING}"


def _open(data_dir: str, key: bytes) -> Store:
    paths = resolve_paths(data_dir)
    return open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)


def warm(data_dir: str, key: bytes, person_id: str) -> tuple[Store, Services]:
    """Open once in this process and run the reads, so each forked worker starts with warm caches.

    The engine's connections are closed before any fork (SQLite connections must not cross a fork);
    the children open their own, keeping the engine's compiled statements.
    """
    store = _open(data_dir, key)
    services = Services(store.sessions)
    actor = services.users.ensure_first_clinician()
    plans = services.plans
    # One of each write the workers make (agreed text "agree -1", which the test accepts).
    draft = plans.start_draft(person_id, actor)
    plans.save_section(draft.id, AboutMeSection(about=AboutMeData(what_matters=text("agree", -1))), actor)
    plans.agree(draft.id, actor, review_date=date(2027, 1, 1))
    draft = plans.start_draft(person_id, actor)
    plans.save_section(draft.id, AboutMeSection(about=AboutMeData(what_matters=text("autosave", -1))), actor)
    with contextlib.redirect_stdout(io.StringIO()):
        _report(store, services, person_id)  # compiles the check's reads too
    store.engine.dispose()
    return store, services


def worker(store: Store, services: Services, mode: str, person_id: str, start: int) -> None:
    store.engine.dispose(close=False)
    actor = services.users.ensure_first_clinician()
    plans = services.plans
    for n in count(start):
        draft = plans.start_draft(person_id, actor)
        section = AboutMeSection(about=AboutMeData(what_matters=text(mode, n)))
        saved = plans.save_section(draft.id, section, actor)
        if mode == "autosave":
            say(f"saved {saved.revision} {n}")
        else:
            agreed = plans.agree(draft.id, actor, review_date=date(2027, 1, 1))
            say(f"agreed {agreed.id} {n}")
        if n == start:
            # The first round compiles this process's write statements; the kill timer starts after it.
            say("ready")


def check(data_dir: str, key: bytes, warm_store: Store, services: Services, person_id: str) -> None:
    """Open the store as the app would (key check, schema check), then report with the warm services."""
    _open(data_dir, key).close()
    warm_store.engine.dispose(close=False)
    _report(warm_store, services, person_id)


def _report(store: Store, services: Services, person_id: str) -> None:
    print(f"problems {json.dumps(store.integrity_check())}")
    print(f"chain {json.dumps(services.audit.verify().ok)}")
    for summary in services.plans.history(person_id):
        plan = services.plans.get(summary.id)
        what = plan.content.about_me.about.what_matters
        if summary.status is PlanStatus.AGREED:
            print(f"agreed {plan.id} {summary.version_number} {json.dumps(what)}")
        elif summary.status is PlanStatus.DRAFT:
            print(f"draft {plan.id} {plan.revision} {json.dumps(what)}")
    sys.stdout.flush()


def main() -> None:
    data_dir, passphrase, person_id = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
    key = keys.unlock(keys.read_info(resolve_paths(data_dir).store_info_file), passphrase)
    store, services = warm(data_dir, key, person_id)
    for line in sys.stdin:
        command = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                if command[0] == "go":
                    worker(store, services, command[1], person_id, int(command[2]))
                else:
                    check(data_dir, key, store, services, person_id)
            finally:
                os._exit(0)
        if command[0] == "go":
            say(f"pid {pid}")
        os.waitpid(pid, 0)
        say("dead" if command[0] == "go" else "checked")


if __name__ == "__main__":
    main()
