"""The coding summary's "Copy codes" block for EMIS Web and SystmOne: the clipboard holds only verified
SNOMED CT concept ids, each with the verified list's own term, and says where no verified code exists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical import snomed
from careplanner.export.coding import (
    CLIPBOARD_HEADER,
    NO_VERIFIED_CODE,
    CodingEntry,
    clipboard_block,
    coding_summary,
)
from careplanner.export.sample import sample_plan
from careplanner.services.users import Actor
from careplanner.ui import printing
from careplanner.ui.coding_dialog import CodingDialog
from careplanner.ui.main_window import MainWindow
from careplanner.ui.printing import DocumentActions
from careplanner.ui.session import UserSession
from tests.export.conftest import store_plan

pytestmark = pytest.mark.gui


def _rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in text.splitlines()[1:]]


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_copy_codes_puts_the_verified_codes_on_the_clipboard(
    ctx: AppContext, actor: Actor, qtbot: QtBot
) -> None:
    stored = store_plan(ctx, actor)
    window = QWidget()
    qtbot.addWidget(window)
    actions = DocumentActions(window, ctx.services, UserSession(actor), lambda: stored.person.id)
    actions.build()
    QGuiApplication.clipboard().setText("something else")
    actions.actions["codes"].trigger()
    dialog = window.findChild(CodingDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    pasted = QGuiApplication.clipboard().text()
    assert pasted == dialog.text.toPlainText()
    lines = pasted.splitlines()
    assert lines[0] == CLIPBOARD_HEADER
    rows = _rows(pasted)
    assert all(len(row) == 3 for row in rows)
    coded = {row[0]: row for row in rows if row[0] != NO_VERIFIED_CODE}
    # Every id pasted is in the verified list, with that list's own term.
    for code, (_, term, _) in coded.items():
        assert snomed.check_code(code) is snomed.CodeCheck.KNOWN
        assert term == snomed.concept(code).term
    assert coded[snomed.HEALTH_AND_SOCIAL_CARE_PLAN_AGREED][2] == ""
    assert coded[snomed.CFS_SCORE][2] == "5"
    assert coded[snomed.NOT_FOR_RESUSCITATION][1] == "Not for resuscitation (finding)"
    texts = {row[1] for row in rows if row[0] == NO_VERIFIED_CODE}
    assert "Advance care planning discussed" in texts
    assert "Referral to Pulmonary rehabilitation" in texts


def test_an_unverified_or_mistyped_id_is_never_pasted() -> None:
    entries = coding_summary(sample_plan())
    # 22298006 is a well-formed id the app has not verified; 811871000000108 fails its check digit.
    extra = [
        CodingEntry("Heart attack", "22298006", "Myocardial infarction"),
        CodingEntry("Plan agreed", "811871000000108", "Health and social care plan agreed"),
        CodingEntry("Note | with a bar\nand a line break", None, "", "7"),
    ]
    block = clipboard_block(entries + extra)
    assert "22298006" not in block and "811871000000108" not in block
    rows = _rows(block)
    assert rows[-3] == [NO_VERIFIED_CODE, "Heart attack", ""]
    assert rows[-2] == [NO_VERIFIED_CODE, "Plan agreed", ""]
    assert rows[-1] == [NO_VERIFIED_CODE, "Note / with a bar and a line break", "7"]


def test_a_plan_with_nothing_to_code_says_so() -> None:
    assert clipboard_block([]).splitlines() == [CLIPBOARD_HEADER, "(nothing to record for this plan)"]


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_plan_menu_offers_the_codes_for_the_person_chosen_in_the_list(
    ctx: AppContext, actor: Actor, qtbot: QtBot, window: MainWindow, session: UserSession
) -> None:
    printing.install(window, ctx.services, session)  # as ui/main.py does
    store_plan(ctx, actor)
    window.people.run_query()
    qtbot.waitUntil(lambda: window.people.model.rowCount() == 1)
    window.people.table.setCurrentIndex(window.people.model.index(0, 0))
    (action,) = [a for a in window.plan_menu.actions() if a.text() == "C&odes for the GP record…"]
    action.trigger()
    dialog = window.findChild(CodingDialog)
    assert dialog is not None and dialog.isVisible()
    assert f"{snomed.HEALTH_AND_SOCIAL_CARE_PLAN_AGREED} | " in dialog.block
