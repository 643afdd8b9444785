"""Offline sync, shown end to end: a practice server and two workstations that each keep their own copy
(run by scripts/sync-demo.sh).

1. A private PostgreSQL cluster, set up as `careplanner server init` sets one up, with synthetic people
   and two clinicians (`jo`, nurse, on workstation 1; `sam`, GP, on workstation 2) — scripts/practice_demo.py.
2. Both workstations join in replica mode (`careplanner join --replica`): each keeps its own encrypted
   copy of the practice. Workstation 2 reaches the server through a small TCP proxy, so it can be taken
   off the network for real.
3. Jo starts a plan for one person on workstation 1; both workstations sync.
4. Workstation 2 is taken offline. Sam signs in there (offline, on its own copy) and changes the same plan;
   the status says "Offline since 10:42 — 1 change waiting". Meanwhile Jo changes it on workstation 1.
5. With windows (the default), both workstations open with workstation 2 still off the network: Sam
   signs in there offline and sees "Offline since … — 1 change waiting". Enter in the terminal puts it
   back on the network; its background sync sends the change, the server keeps both copies, and the status
   bar says "1 plan needs a merge": click it, Merge…, choose per section. `--no-window` rejoins and merges
   here, taking "About me" from Sam's offline copy and the rest from the server's, syncs both, and checks
   that both copies hold the one merged draft.

Only synthetic people; every password is a public demo password. The server listens on loopback only and
everything is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import practice_demo
from tests.sync_support.proxy import Proxy

JO, SAM = practice_demo.ACCOUNTS[0], practice_demo.ACCOUNTS[1]


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def status_line(ctx: Any) -> str:
    from careplanner.ui.sync_status import status_text

    return status_text(ctx.replica.engine().status())


def about(ctx: Any, draft_id: str, text: str) -> Any:
    """The draft's About me with "What matters to me" changed (everything else as it is)."""
    from dataclasses import replace

    section = ctx.services.plans.get(draft_id).content.about_me
    return replace(section, about=replace(section.about, what_matters=text))


def join(folder: Path, name: str, url: str, account: tuple[str, str, str, str]) -> Any:
    """Join a workstation in replica mode and open its copy; the caller signs in."""
    from careplanner.app import open_replica_context
    from careplanner.config import resolve_paths
    from careplanner.sync.replica_open import join_replica

    paths = resolve_paths(folder / name)
    saved = join_replica(url, None, account[0], account[3], paths)
    return open_replica_context(paths, saved)


def story(folder: Path, url: str, proxy: Proxy, *, rejoin: bool) -> None:
    """Steps 2 to 5; with `rejoin`, workstation 2 rejoins and the merge (step 6) is done here too.
    Without, workstation 2 is left off the network for its window to rejoin live."""
    say("Two workstations join in replica mode: each keeps its own encrypted copy of the practice")
    ws1 = join(folder, "workstation-1", url, JO)
    rest = url.removeprefix("postgresql://").partition("/")[2]
    ws2 = join(folder, "workstation-2", f"postgresql://127.0.0.1:{proxy.port}/{rest}", SAM)
    try:
        jo = ws1.replica.sign_in(JO[0], JO[3])
        sam = ws2.replica.sign_in(SAM[0], SAM[3])
        for ctx in (ws1, ws2):
            ctx.replica.engine().cycle()
        people = ws1.services.people.search("")
        person = people[0]
        print(f"Workstation 1: {JO[1]} — {status_line(ws1)}; {len(people)} people in its copy")
        print(f"Workstation 2: {SAM[1]} — {status_line(ws2)}")

        say(f"Jo starts a plan for {person.first_name} {person.family_name} on workstation 1; both sync")
        plans1 = ws1.services.plans
        draft = plans1.start_draft(person.id, jo)
        plans1.save_section(draft.id, about(ws1, draft.id, "Getting back to my allotment"), jo)
        ws1.replica.engine().cycle()
        ws2.replica.engine().cycle()
        seen = ws2.services.plans.draft_of(person.id)
        print(f"Workstation 2 has the draft: {seen is not None and seen.id == draft.id}")

        say("Workstation 2 is taken off the network; Sam signs in on its own copy and changes the plan")
        proxy.offline()
        ws2.replica.close()
        sam = ws2.replica.sign_in(SAM[0], SAM[3])
        print(f"Signed in offline: {not ws2.replica.online}")
        ws2.services.plans.save_section(
            draft.id, about(ws2, draft.id, "Seeing my grandchildren at Christmas"), sam
        )
        ws2.replica.engine().cycle()
        print(f"Workstation 2 — {status_line(ws2)}")

        say("Meanwhile Jo changes the same plan on workstation 1")
        plans1.save_section(draft.id, about(ws1, draft.id, "Walking to the shop on my own"), jo)
        ws1.replica.engine().cycle()
        print(f"Workstation 1 — {status_line(ws1)}")

        if not rejoin:
            return
        say("Workstation 2 rejoins the network and syncs: the server keeps both copies")
        proxy.online()
        ws2.replica.engine().cycle()
        ws1.replica.engine().cycle()
        print(f"Workstation 2 — {status_line(ws2)}")
        print(f"Workstation 1 — {status_line(ws1)}")
        merge(ws2, ws1, sam, person.id)
    finally:
        ws1.close()
        ws2.close()


def merge(ws2: Any, ws1: Any, sam: Any, person_id: str) -> None:
    from careplanner.sync.merge import MergeService

    say("Sam merges on workstation 2: 'About me' from the offline copy, everything else from the server's")
    service = MergeService(ws2.store.sessions, ws2.services.clock.now)
    [conflict_id] = service.open_ids()
    case = service.case(conflict_id)
    for section in case.sections:
        for change in section.changes:
            print(f"  {section.title}: first copy {change.before!r} | second copy {change.after!r}")
    kept = service.merge(case, {"about_me": "second"}, sam)
    assert kept is not None
    ws2.replica.engine().cycle()
    ws1.replica.engine().cycle()
    words = {
        name: ctx.services.plans.draft_of(person_id).content.about_me.about.what_matters
        for name, ctx in (("workstation 1", ws1), ("workstation 2", ws2))
    }
    print(f"Workstation 2 — {status_line(ws2)}; workstation 1 — {status_line(ws1)}")
    for name, text in words.items():
        print(f"  {name}'s copy: one draft, 'What matters to me': {text!r}")
    if len(set(words.values())) != 1 or ws1.services.plans.draft_of(person_id).id != kept.id:
        raise SystemExit("sync demo: the two copies do not agree after the merge")


def open_windows(folder: Path, proxy: Proxy) -> int:
    """Both workstations' windows, on their own copies, with workstation 2 still off the network until
    Enter is pressed here; returns when both windows are closed."""
    windows = []
    for number in (1, 2):
        data = folder / f"workstation-{number}"
        env = {
            **os.environ,
            "CAREPLANNER_HOME": str(folder / f"home-{number}"),
            "CAREPLANNER_WORKSTATION": f"ROOM-{number * 2 + 1}",
        }
        windows.append(
            subprocess.Popen(
                [sys.executable, "-m", "careplanner", "--data-dir", str(data)],
                env=env,
                stdin=subprocess.DEVNULL,
            )
        )

    def rejoin() -> None:
        try:
            input("Press Enter to put workstation 2 back on the network… ")
        except EOFError:  # no terminal: back after a minute
            time.sleep(60)
        proxy.online()
        print(
            "Workstation 2 is back on the network: its status bar says when a plan needs a merge.", flush=True
        )

    threading.Thread(target=rejoin, name="rejoin", daemon=True).start()
    try:
        codes = [window.wait() for window in windows]
        return 0 if not any(codes) else 1
    except KeyboardInterrupt:
        for window in windows:
            window.send_signal(signal.SIGTERM)
        for window in windows:
            window.wait(timeout=30)
        return 130


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-window", action="store_true", help="run the story and the merge here, then stop"
    )
    parser.add_argument("--people", type=int, default=20, help="synthetic people to seed (default 20)")
    parser.add_argument("--folder", type=Path, help="the demo's folder (default: a new temporary folder)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="careplanner-sync-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["CAREPLANNER_HOME"] = str(folder / "home")
    cluster = None
    try:
        cluster, url = practice_demo.set_up(folder, args.people)
        port = int(cluster.port)  # type: ignore[attr-defined]
        print(f"Practice server running (demo, synthetic people only): {url}")
        for username, name, _role, password in practice_demo.ACCOUNTS:
            print(f"  {username:<5} {name:<22} password: {password}")
        with Proxy(("127.0.0.1", port)) as proxy:
            story(folder, url, proxy, rejoin=args.no_window)
            if args.no_window:
                return 0
            say(
                "Opening both workstations. Workstation 2 is still off the network: sign in there as sam "
                "(on its own copy). When it is back, click '1 plan needs a merge' in its status bar."
            )
            return open_windows(folder, proxy)
    finally:
        if cluster is not None:
            cluster.stop()  # type: ignore[attr-defined]
            cluster.remove()  # type: ignore[attr-defined]
        _forget(folder)
        shutil.rmtree(folder, ignore_errors=True)
        print("Practice server stopped; the demo's folders and keyring entries were removed.")


def _forget(folder: Path) -> None:
    """The workstations' joined settings and copy keys leave the keyring with the demo."""
    from careplanner.config import resolve_paths
    from careplanner.server import joined

    for number in (1, 2):
        with contextlib.suppress(Exception):  # best effort at the end of a demo
            joined.forget(resolve_paths(folder / f"workstation-{number}"))


if __name__ == "__main__":
    sys.exit(main())
