"""A plan editor on its own, active on the screen as on a desktop, and clicks that land where a person's
would (on the widget as it shows, scrolled into view first)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.ui.editor import PlanEditor
from careplanner.ui.main import application
from careplanner.ui.session import UserSession
from careplanner.ui.worker import Worker


def make_editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    application()
    widget = PlanEditor(ctx.services, session, Worker(inline=True))
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.activateWindow()  # keys reach the focused field, and window shortcuts work, as on a desktop
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Scroll the widget into view, as a person would, and click it (the click lands where it shows)."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()

    def shown() -> bool:
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(widget)
        return widget.visibleRegion().boundingRect().size() == widget.size() and widget.height() > 0

    qtbot.waitUntil(shown, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_in(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Tab into a field and type (a number box's "Not recorded" is selected, so typing replaces it)."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(widget, text)
