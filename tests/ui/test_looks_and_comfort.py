"""Looks and comfort (issue 12): the window opens maximised on the first start and then as it was left;
body text is 10 pt or the system's larger font; at a 150 % font on a 1366x768 screen the status bar and the
person banner stay on screen; Help → About gives the version, the manufacturer and the clinical safety
statement; the sign-in and lock screens name the practice; the print preview opens fitted to the page
width; Save as PDF offers a file name without patient data and says where the file went.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from careplanner import __version__
from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui import practice_name
from careplanner.ui.about import AboutDialog
from careplanner.ui.app_start import StartWindow
from careplanner.ui.main import application
from careplanner.ui.main_window import MainWindow
from careplanner.ui.print_preview import preview_dialog
from careplanner.ui.printing import install as install_printing
from careplanner.ui.session import UserSession
from careplanner.ui.text_size import readable
from careplanner.ui.trust import Trust
from careplanner.ui.trust import install as install_trust
from careplanner.ui.window_place import show_window
from careplanner.ui.worker import Worker
from tests.ui.test_open_to_read import agree_plan, open_from_list

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def new_window(qtbot: QtBot, ctx: AppContext, session: UserSession) -> MainWindow:
    win = MainWindow(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(win)
    return win


def test_the_window_opens_maximised_on_the_first_start_then_as_it_was_left(
    qtbot: QtBot, ctx: AppContext, session: UserSession
) -> None:
    application()
    QSettings().clear()  # a first start: nothing saved
    first = new_window(qtbot, ctx, session)
    show_window(first)
    qtbot.waitUntil(first.isVisible)
    assert first.isMaximized()  # at HEAD: 1280x720, not maximised
    first.showNormal()
    first.resize(860, 600)  # the offscreen screen is 800x800; the window's smallest is 860 wide
    qtbot.waitUntil(lambda: not first.isMaximized() and first.height() == 600)
    left = (first.width(), first.height())
    first.close()  # saves where it was left
    again = new_window(qtbot, ctx, session)
    show_window(again)
    qtbot.waitUntil(again.isVisible)
    assert not again.isMaximized()  # remembered: the nurse un-maximised it
    assert (again.width(), again.height()) == left


def test_body_text_is_at_least_10_pt_and_follows_a_larger_system_font(window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.font().pointSizeF() >= 10  # Qt's default here is 9 pt
    assert window.people.count.font().pointSizeF() >= 10
    assert QFontInfo(window.people.count.font()).pixelSize() >= 13  # 10 pt at 96 dpi, as drawn
    small = readable(QFont("DejaVu Sans", 9))
    assert small.pointSizeF() == 10 and small.family() == "DejaVu Sans"
    large = readable(QFont("DejaVu Sans", 14))
    assert large.pointSizeF() == 14  # a larger system font is kept


@pytest.fixture
def font_at_150() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(bigger)
    yield
    app.setFont(before)


def inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return (
        widget.isVisible()
        and widget.height() > 0
        and top_left.y() >= 0
        and top_left.y() + widget.height() <= window.height()
        and top_left.x() + min(widget.width(), 1) <= window.width()
    )


# 1366x768 at 150 % scaling (Windows, or QT_FONT_DPI=144) is 911x512 logical pixels; less a title bar.
SCREEN_AT_150 = (911, 512 - 20)


@pytest.mark.parametrize("size", [(1366, 768), SCREEN_AT_150], ids=["1366x768-font-150", "logical-150"])
def test_at_150_percent_on_1366_by_768_the_status_bar_and_banner_stay_on_screen(
    qtbot: QtBot,
    ctx: AppContext,
    actor: Actor,
    session: UserSession,
    person: PersonRecord,
    font_at_150: None,
    size: tuple[int, int],
) -> None:
    """Under Xvfb with QT_FONT_DPI=144 the window was 780 logical pixels high on a 768 screen (its
    smallest size, 880x520, was more than the 911x512 a 150 % screen has): the status bar with the save
    state, the appointment clock and who is signed in was below the bottom of the screen."""
    agree_plan(ctx, person, actor, "my garden")
    QSettings().clear()
    win = new_window(qtbot, ctx, session)
    win.resize(*size)
    win.show()
    open_from_list(qtbot, win, "testwell", person)
    qtbot.mouseClick(win.editor.mode_bar.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.editor.read_only)
    assert (win.width(), win.height()) == size  # at HEAD: 520 high at the smallest, taller than the screen
    assert inside(win.statusBar(), win)
    for label in (win.save_label, win.clock_label, win.user_label):
        assert inside(label, win), label.accessibleName()
    assert inside(win.editor.banner, win)
    assert "TESTWELL" in win.editor.banner.text()


def test_about_gives_the_version_the_manufacturer_and_the_safety_statement(
    qtbot: QtBot, window: MainWindow
) -> None:
    about = next(a for a in window.help_menu.actions() if a.text().startswith("&About"))
    about.trigger()
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    assert dialog.version.text() == f"Version {__version__}"
    assert dialog.manufacturer.text() == "Manufacturer: Care Planner"
    safety = dialog.safety.text()
    assert "DCB0129" in safety and "clinical safety case" in safety
    assert "not a prescribing or decision-support system" in safety
    dialog.close()


PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery (synthetic)",
    ods_code="B86001",
    in_hours_phone="0113 496 0123",
    out_of_hours_phone="0113 496 0777",
)


def test_the_lock_and_sign_in_screens_name_the_practice(
    qtbot: QtBot, ctx: AppContext, actor: Actor, practice_admin: Actor
) -> None:
    application()
    QSettings().clear()
    ctx.services.practice.update(PRACTICE, practice_admin)
    session = UserSession(actor)
    win = new_window(qtbot, ctx, session)
    win.resize(1200, 760)
    install_trust(win, ctx.services, session)
    win.show()
    trust = getattr(win, "trust")  # noqa: B009
    assert isinstance(trust, Trust)
    trust.lock()
    screen = trust.lock_screen
    qtbot.waitUntil(screen.isVisible)
    assert screen.practice.isVisible() and screen.practice.text() == "Riverside Surgery (synthetic)"
    # The next start's sign-in form shows before the store opens: the name seen last time.
    start = StartWindow()
    qtbot.addWidget(start)
    start.show()
    assert start.practice.isVisible() and start.practice.text() == "Riverside Surgery (synthetic)"
    assert practice_name.remembered() == "Riverside Surgery (synthetic)"


def test_the_print_preview_opens_large_and_fitted_to_the_page_width(qtbot: QtBot, window: MainWindow) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    preview = preview_dialog(printer, window, "My care and support plan", lambda _p: None)
    qtbot.addWidget(preview)
    view = preview.findChild(QPrintPreviewWidget)
    assert view is not None and view.zoomMode() == QPrintPreviewWidget.ZoomMode.FitToWidth
    screen = window.screen().availableGeometry()  # offscreen: 800x800
    assert preview.width() >= min(900, screen.width()) and preview.height() >= min(640, screen.height())


def test_print_from_the_plan_menu_opens_the_preview_fitted_to_width(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    agree_plan(ctx, person, actor, "my garden")
    actions = install_printing(window, ctx.services, window.session)
    open_from_list(qtbot, window, "testwell", person)
    seen: list[QPrintPreviewWidget.ZoomMode] = []

    def close_preview() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintPreviewDialog):
            view = dialog.findChild(QPrintPreviewWidget)
            seen.append(view.zoomMode() if view is not None else QPrintPreviewWidget.ZoomMode.CustomZoom)
            dialog.reject()
        else:
            QTimer.singleShot(50, close_preview)

    QTimer.singleShot(50, close_preview)
    actions.actions["print"].trigger()
    assert seen == [QPrintPreviewWidget.ZoomMode.FitToWidth]  # at HEAD: a custom zoom (38.5 %)


def test_save_as_pdf_offers_a_name_without_patient_data_and_says_where_it_saved(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    actor: Actor,
    person: PersonRecord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agree_plan(ctx, person, actor, "my garden")
    actions = install_printing(window, ctx.services, window.session)
    open_from_list(qtbot, window, "testwell", person)
    offered: list[str] = []
    target = tmp_path / "chosen.pdf"

    def choose(_parent: QWidget, _title: str, suggested: str, _filters: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    actions.actions["pdf"].trigger()
    assert target.read_bytes().startswith(b"%PDF")
    name = Path(offered[0]).name
    assert name == f"care-plan-{date.today().isoformat()}.pdf"
    for private in ("testwell", "ada", "943", "1948"):
        assert private not in name.lower()
    assert window.statusBar().currentMessage() == f"Saved to {target}"  # at HEAD: no word of where


def test_no_internal_names_on_the_steps(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, actor: Actor, person: PersonRecord
) -> None:
    """Every label, button, option and hint on every step reads as words, never as a field's name
    ("phq2", "out_of_hours", "role_key")."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QComboBox

    agree_plan(ctx, person, actor, "my garden")
    open_from_list(qtbot, window, "testwell", person)
    qtbot.mouseClick(window.editor.mode_bar.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.editor.read_only)
    internal = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b(phq|gad|ucla)\d\b")
    found: list[str] = []
    for row in range(window.editor.navigator.count()):
        window.editor.navigator.setCurrentRow(row)
        page = window.editor
        texts: list[str] = []
        for label in page.findChildren(QLabel):
            texts += [label.text(), label.toolTip()]
        for button in page.findChildren(QAbstractButton):
            texts += [button.text(), button.toolTip()]
        for combo in page.findChildren(QComboBox):
            texts += [combo.itemText(i) for i in range(combo.count())]
        found += [t for t in texts if t and internal.search(re.sub(r"<[^>]+>", " ", t))]
    assert sorted(set(found)) == []


def test_a_disabled_menu_item_is_drawn_greyed(qtbot: QtBot, window: MainWindow) -> None:
    """The style sheet's text colour drew disabled menu items as dark as enabled ones: Plan → Start review
    looked offered while a review was open (it was disabled, and a click did nothing)."""
    from PySide6.QtGui import QAction, QColor
    from PySide6.QtWidgets import QMenu

    menu = QMenu(window)
    offered = QAction("Next step", menu)
    greyed = QAction("Start review", menu)
    greyed.setEnabled(False)
    menu.addAction(offered)
    menu.addAction(greyed)
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible)
    image = menu.grab().toImage()

    def darkest(action: QAction) -> int:
        rect = menu.actionGeometry(action)
        return min(
            QColor(image.pixel(x, y)).lightness()
            for x in range(rect.left(), rect.right())
            for y in range(rect.top(), rect.bottom())
        )

    assert darkest(greyed) - darkest(offered) >= 50  # at HEAD: the same dark text
    menu.close()
