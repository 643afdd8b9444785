"""Screenshots of the real app for the README: the people list and every step of a review.

Runs the app under Xvfb (a virtual 1366x768 screen) on a fresh demo store of synthetic people and saves
PNGs to docs/screenshots/. Run: `.venv/bin/python scripts/screenshots.py` (it starts xvfb-run itself
when there is no display).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# SCREENSHOTS_OUT and SCREENSHOTS_SCREEN (e.g. 1920x1080, with QT_SCALE_FACTOR=1.5) check other screens.
OUT = Path(os.environ.get("SCREENSHOTS_OUT", ROOT / "docs" / "screenshots"))
SCREEN = os.environ.get("SCREENSHOTS_SCREEN", "1366x768")


def _rerun_under_xvfb() -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("screenshots: xvfb-run is not installed (apt-get install xvfb)", file=sys.stderr)
        return 1
    env = dict(os.environ, SCREENSHOTS_UNDER_XVFB="1", QT_QPA_PLATFORM="xcb")
    cmd = [xvfb, "-a", "-s", f"-screen 0 {SCREEN}x24", sys.executable, __file__]
    return subprocess.call(cmd, env=env)


def main() -> int:
    if not os.environ.get("SCREENSHOTS_UNDER_XVFB"):
        return _rerun_under_xvfb()
    home = tempfile.mkdtemp(prefix="careplanner-shots-")
    os.environ["CAREPLANNER_HOME"] = home
    os.environ["XDG_CONFIG_HOME"] = str(Path(home) / "config")

    from PySide6.QtTest import QTest

    from careplanner.app import open_demo
    from careplanner.services.plan_data import SECTION_TYPES
    from careplanner.ui.main import application, build_window

    ctx = open_demo()
    try:
        app = application()
        window, _session = build_window(ctx)
        window.setGeometry(window.screen().availableGeometry())
        window.show()
        OUT.mkdir(parents=True, exist_ok=True)

        def shot(name: str) -> None:
            QTest.qWait(400)
            screen = window.screen()
            screen.grabWindow(0).save(str(OUT / f"{name}.png"))
            print(f"saved docs/screenshots/{name}.png")

        QTest.qWait(800)
        shot("01-people")
        people = ctx.services.people
        reviewed = next(p for p in people.search("", limit=200) if p.last_agreed_on and not p.has_draft)
        window.open_person(reviewed.id)
        while window.stack.currentWidget() is not window.editor:
            QTest.qWait(50)
        editor = window.editor
        for number, key in enumerate(SECTION_TYPES, start=2):
            editor.go_to(key)
            shot(f"{number:02d}-{key.replace('_', '-')}")
        # The safety prompt: a positive PHQ-2 opens the PHQ-9, whose item 9 is answered "Several days".
        from careplanner.clinical.enums import QuestionnaireKind

        editor.go_to("holistic")
        holistic = editor.step("holistic")
        holistic.forms[QuestionnaireKind.PHQ2].set_answers((2, 2))  # type: ignore[attr-defined]
        holistic.show_full(QuestionnaireKind.PHQ9)  # type: ignore[attr-defined]
        phq9 = holistic.forms[QuestionnaireKind.PHQ9]  # type: ignore[attr-defined]
        for combo in phq9.combos[2:8]:
            combo.setCurrentIndex(1)
        phq9.combos[8].setCurrentIndex(2)
        phq9.combos[8].activated.emit(2)  # chosen from the list: a committed answer raises the prompt
        editor.pages.currentWidget().ensureWidgetVisible(phq9.safety, 0, 200)
        shot("10-safety-prompt")
        if phq9.safety_dialog is not None:
            phq9.safety_dialog.accept()
        editor.go_to("sharing")
        editor.pages.currentWidget().ensureWidgetVisible(window.agreement.sharing.agree_button, 0, 40)
        shot("11-agree")
        window.show_list()
        window.new_person()
        QTest.qWait(300)
        shot("09-new-person")
        app.closeAllWindows()
        window.worker.shutdown()
    finally:
        ctx.close()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
