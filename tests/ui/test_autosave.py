"""Autosave: what was typed reaches the store within two seconds, without a "save changes?" prompt,
and survives the app being killed one second after the last keystroke."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext, open_context
from careplanner.config import Paths
from careplanner.services.people import PersonRecord
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from tests.conftest import TEST_PASSPHRASE
from tests.ui.helpers import type_into

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def open_plan(qtbot: QtBot, window: MainWindow, person: PersonRecord) -> None:
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)


def test_typing_is_saved_within_two_seconds_and_shown(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, paths: Paths, person: PersonRecord
) -> None:
    open_plan(qtbot, window, person)
    field = window.editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]
    type_into(qtbot, field, "Gardening and my dog")
    assert window.save_label.text() == "Editing…"
    typed_at = time.monotonic()
    with qtbot.waitSignal(window.editor.saved, timeout=2000) as saved:
        pass
    assert saved.args == ["about_me"]
    assert time.monotonic() - typed_at < 2.0
    assert window.save_label.text().startswith("Saved ")
    # The window is simply dropped (no close, no flush) and the store reopened from the file.
    ctx.close()
    other = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        draft = other.services.plans.draft_of(person.id)
        assert draft is not None and draft.content.about_me.about.what_matters == "Gardening and my dog"
    finally:
        other.close()


def test_changing_step_locking_and_closing_save_at_once(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, person: PersonRecord, session: UserSession
) -> None:
    open_plan(qtbot, window, person)
    about = window.editor.step("about_me").about  # type: ignore[attr-defined]
    type_into(qtbot, about.widget("please_do"), "Speak slowly")
    window.editor.step_by(1)  # leaving the step saves it now, not in 800 ms
    assert ctx.services.plans.draft_of(person.id).content.about_me.about.please_do == "Speak slowly"  # type: ignore[union-attr]
    window.editor.step_by(-1)
    type_into(qtbot, about.widget("please_dont"), "Rush me")
    session.lock()
    assert ctx.services.plans.draft_of(person.id).content.about_me.about.please_dont == "Rush me"  # type: ignore[union-attr]
    type_into(qtbot, about.widget("my_wellness"), "Morning walks")
    window.close()  # no "save changes?" question: it just saves
    assert ctx.services.plans.draft_of(person.id).content.about_me.about.my_wellness == "Morning walks"  # type: ignore[union-attr]


def test_killed_one_second_after_typing_loses_nothing(
    ctx: AppContext, paths: Paths, person: PersonRecord
) -> None:
    ctx.close()  # one copy of the app per store: the subprocess is that copy
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.ui.crash_typist",
            str(paths.data_dir),
            person.id,
            "Typed just before a crash",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "typed" in proc.stdout, proc.stderr[-2000:]
    assert proc.returncode == -9  # killed, not a clean exit
    reopened = open_context(paths, passphrase=TEST_PASSPHRASE, create=False)
    try:
        draft = reopened.services.plans.draft_of(person.id)
        assert draft is not None and draft.content.about_me.about.what_matters == "Typed just before a crash"
    finally:
        reopened.close()


def test_saving_never_holds_up_typing(qtbot: QtBot, ctx: AppContext, session: UserSession) -> None:
    """The UI thread's share of an autosave (reading the step back) stays far below a keystroke's time."""
    from careplanner.services.seed import seed_people
    from careplanner.ui.worker import Worker

    seed_people(ctx.store.sessions, count=5, seed=3, actor=session.actor, today=ctx.services.clock.today())
    person = next(p for p in ctx.services.people.search("") if p.last_agreed_on)
    window = MainWindow(ctx.services, session, Worker())  # a real worker thread, as in the app
    qtbot.addWidget(window)
    window.show()
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.editor.plan is not None, timeout=3000)
    window.editor.go_to("medical")
    notes = window.editor.step("medical").review.widget("notes")  # type: ignore[attr-defined]
    costs = []
    for letter in "abcdefgh":
        type_into(qtbot, notes, letter)
        started = time.perf_counter()
        window.editor.flush()
        costs.append(time.perf_counter() - started)
    with qtbot.waitSignal(window.editor.saved, timeout=3000):
        pass
    print(f"UI-thread cost of an autosave: max {1000 * max(costs):.1f} ms")
    assert max(costs) < 0.05, costs
    window.close()
