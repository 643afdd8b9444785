"""Issue 10, defect 4, on screen: typing a brand and a misspelling into the medicines list shows the
misspelling as "not recognised — check these by hand", never a silent ACB total of 0."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services.users import Actor
from careplanner.ui.acb_panel import AcbPanel
from careplanner.ui.main_window import MainWindow
from tests.conftest import make_person
from tests.ui.helpers import alt

pytestmark = pytest.mark.gui


def _add_medicine(qtbot: QtBot, step: object, name: str) -> None:
    alt(qtbot, step.medicines.add_button, Qt.Key.Key_N)  # type: ignore[attr-defined]
    qtbot.keyClicks(QApplication.focusWidget(), name)


def test_typed_brand_scores_and_typo_is_listed_to_check(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    person = ctx.services.people.create(make_person(first_name="Iris", family_name="Testacb"), actor)
    window.open_person(person.id)
    window.editor.go_to("medical")
    medical = window.editor.step("medical")
    panel: AcbPanel = medical.acb_box  # type: ignore[attr-defined]

    _add_medicine(qtbot, medical, "Seroquel 25mg")
    _add_medicine(qtbot, medical, "Oxybutinin 5mg")
    _add_medicine(qtbot, medical, "Atropine 1% eye drops")

    total = panel.total_label.text()
    assert "total is 3" in total and "quetiapine (3)" in total  # the brand is recognised
    check = panel.check_label.text()
    assert panel.check_label.isVisible()
    assert "Not recognised — check these by hand: Oxybutinin 5mg (did you mean oxybutynin?)" in check
    assert panel.route_label.text() == "Not counted (topical/eye/ear): Atropine 1% eye drops."
    assert "Anticholinergic Cognitive Burden (ACB) scale, 2012 update" in panel.scale_label.text()
    assert panel.objectName() == "warning"


def test_a_typo_alone_is_not_a_calm_zero(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor
) -> None:
    person = ctx.services.people.create(make_person(first_name="Ida", family_name="Testacb"), actor)
    window.open_person(person.id)
    window.editor.go_to("medical")
    medical = window.editor.step("medical")
    panel: AcbPanel = medical.acb_box  # type: ignore[attr-defined]

    _add_medicine(qtbot, medical, "Oxybutinin 5mg")

    assert "total: 0" in panel.total_label.text()
    assert panel.check_label.isVisible()
    assert "check these by hand: Oxybutinin 5mg" in panel.check_label.text()
    assert panel.objectName() == "warning"  # marked for attention although the total is 0
