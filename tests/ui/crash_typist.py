"""Run as a subprocess by test_autosave: open the app on a store, type into a plan, then die hard.

Usage: python -m tests.ui.crash_typist DATA_DIR PERSON_ID TEXT. It prints "typed" once the keystrokes
are in, lets the event loop run for one second, then kills itself with SIGKILL (no clean shutdown).
"""

from __future__ import annotations

import os
import signal
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest

from careplanner.app import open_context
from careplanner.config import resolve_paths
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.session import UserSession
from tests.conftest import TEST_PASSPHRASE


def main(data_dir: str, person_id: str, text: str) -> None:
    ctx = open_context(resolve_paths(data_dir), passphrase=TEST_PASSPHRASE, create=False)
    application()
    window = MainWindow(ctx.services, UserSession(ctx.services.users.ensure_first_clinician()))
    window.show()
    window.open_person(person_id)
    while window.stack.currentWidget() is not window.editor:
        QTest.qWait(20)
    field = window.editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]
    field.setFocus()
    QTest.keyClicks(field, text)
    window.editor.saved.connect(
        lambda key: print(f"saved {key} after {time.monotonic() - typed:.3f}s", flush=True)
    )
    typed = time.monotonic()
    print("typed", flush=True)
    QTest.qWait(1000)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main(*sys.argv[1:4])
