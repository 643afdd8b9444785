"""How long opening a person's plan takes, in the service and in the app, on a copy of a real store.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/measure_open.py --data-dir D --passphrase-file P

The store is copied to a temporary folder first (opening writes audit entries and starts drafts), so the
numbers of two runs are comparable. Three cases, each over different synthetic people:
- reopen: a clinician opens a person who already has a draft;
- carry forward: a clinician opens a person with an agreed plan and no draft (a draft is started from it);
- read-only: a read-only user opens a person with an agreed plan (not possible before read-only viewing).
"Service" times the service call(s) behind opening; "UI" times `MainWindow.open_person` (what a
double-click or Enter in the patient list calls) until the editor is on screen and painted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from careplanner.app import open_context, paths_for, read_passphrase_file
from careplanner.clinical.enums import UserRole
from careplanner.services.container import Services
from careplanner.services.people import ListFilter, PersonSummary
from careplanner.services.users import Actor


def people(services: Services, runs: int) -> dict[str, list[PersonSummary]]:
    everyone = services.people.search("", offset=0, limit=5000)
    drafts = services.people.search("", list_filter=ListFilter.DRAFT, limit=4 * runs)
    agreed = [p for p in everyone if p.last_agreed_on is not None and not p.has_draft]
    return {
        "reopen": drafts[: 2 * runs],
        "carry forward": agreed[: 2 * runs],
        "read-only": agreed[2 * runs : 4 * runs],
    }


def open_call(services: Services) -> Callable[[str, Actor], Any]:
    consultation = getattr(services, "consultation", None)
    if consultation is not None:
        return lambda pid, actor: consultation.open_for_consultation(pid, actor)
    return lambda pid, actor: (services.people.open(pid, actor), services.plans.start_draft(pid, actor))


def summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return (
        f"{name:<28} n={len(ms):<3} median {statistics.median(ms):6.1f} ms   p90 {p90:6.1f} ms"
        f"   max {ms[-1]:6.1f} ms"
    )


def time_service(services: Services, cases: dict[str, list[PersonSummary]], actors: dict[str, Actor]) -> None:
    call = open_call(services)
    for case, group in cases.items():
        actor = actors["read-only" if case == "read-only" else "clinician"]
        times = []
        for person in group[: len(group) // 2]:
            start = time.perf_counter()
            try:
                call(person.id, actor)
            except Exception as exc:  # before read-only viewing a read-only user is refused
                print(f"service  {case:<19} refused: {type(exc).__name__}")
                break
            times.append(time.perf_counter() - start)
        if times:
            print("service  " + summary(case, times))


def time_ui(services: Services, cases: dict[str, list[PersonSummary]], actors: dict[str, Actor]) -> None:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from careplanner.ui.main import application
    from careplanner.ui.main_window import MainWindow
    from careplanner.ui.session import UserSession

    app = application()
    QSettings("CarePlannerMeasure", "measure").clear()
    session = UserSession(actors["clinician"])
    window = MainWindow(services, session)
    window.resize(1366, 768)
    window.show()

    def settle() -> None:
        deadline = time.perf_counter() + 10
        while (window.worker.busy or window.editor.has_pending()) and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()

    settle()
    loop = QEventLoop()
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.setInterval(5000)
    give_up.timeout.connect(loop.quit)
    shown: list[float] = []
    on_ui: list[float] = []
    opened = window._opened

    def timed_opened(*args: Any) -> None:  # the UI thread's share: building and loading the steps
        start = time.perf_counter()
        opened(*args)
        on_ui.append(time.perf_counter() - start)

    def editor_shown(_index: int) -> None:
        if window.stack.currentWidget() is window.editor:
            window.repaint()  # painted, as the screen would show it
            shown.append(time.perf_counter())
            loop.quit()

    window._opened = timed_opened  # type: ignore[method-assign]
    window.stack.currentChanged.connect(editor_shown)
    for case, group in cases.items():
        actor = actors["read-only" if case == "read-only" else "clinician"]
        if session.actor != actor:
            window.show_list()  # signing in with a plan open would reopen it for the new user
            settle()
            session.sign_in(actor)
        times: list[float] = []
        on_ui.clear()
        for person in group[len(group) // 2 :]:
            window.show_list()
            settle()
            shown.clear()
            give_up.start()
            start = time.perf_counter()
            window.open_person(person.id)  # what a double-click or Enter in the patient list calls
            loop.exec()  # the app's own event loop, idle while the worker reads the store
            give_up.stop()
            if not shown:
                print(f"ui       {case:<19} did not open (refused or too slow)")
                break
            times.append(shown[0] - start)
        if times:
            print("ui       " + summary(case, times))
            print("  of it on the UI thread " + summary(case, on_ui))
    window.show_list()
    settle()
    window.close()
    window.worker.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--passphrase-file", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="measure-open-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(args.data_dir, copy, ignore=shutil.ignore_patterns("*.lock", "logs", "backups"))
        ctx = open_context(paths_for(str(copy)), passphrase=read_passphrase_file(args.passphrase_file))
        try:
            services = ctx.services
            clinician = services.users.ensure_first_clinician()
            reader = services.users.by_username("measure-reader") or services.users.create(
                username="measure-reader",
                display_name="Measure reader",
                role=UserRole.READ_ONLY,
                actor=clinician,
            )
            actors = {"clinician": clinician, "read-only": reader}
            print(f"{services.people.count()} people in the store")
            cases = people(services, args.runs)
            time_service(services, cases, actors)
            time_ui(services, cases, actors)
        finally:
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
