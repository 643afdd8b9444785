"""The mouse wheel scrolls the page; it never changes a value the clinician is not working on.

A reviewer scrolling a plan with the wheel passed over "The person agrees to share this plan": the
drop-down under the pointer took the wheel, turned Yes into No, and autosave kept it. So a drop-down,
number box, date box or slider takes the wheel only while it has keyboard focus (the person clicked or
tabbed into it); otherwise the wheel goes to the scroll area around it, and the page scrolls.

One application-wide filter does this for every value widget on every step, including those a step makes
later (last time's goal outcomes, rows of a list editor): `install` is called where form widgets are made
(`DataForm`) and is idempotent.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

VALUE_WIDGETS = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def is_value_widget(obj: QObject) -> bool:
    """A widget whose value the wheel would change (a scroll bar only scrolls: it is not one)."""
    return isinstance(obj, VALUE_WIDGETS) and not isinstance(obj, QScrollBar)


def no_wheel_focus(widget: QWidget) -> None:
    """Focus by click or Tab, never by the wheel (Qt gives wheel focus before any filter sees the event)."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """Application event filter: value widgets get focus by click or Tab only (never by the wheel), and
    a wheel turned over one without focus scrolls the page instead."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.Polish and is_value_widget(watched):
            assert isinstance(watched, QWidget)
            no_wheel_focus(watched)
            return False
        if kind != QEvent.Type.Wheel or not is_value_widget(watched):
            return False
        widget = watched
        assert isinstance(widget, QWidget)
        if widget.hasFocus():
            return False  # working on it: the wheel may step its value, as the keyboard arrows do
        event.ignore()
        area = _scroll_area_of(widget)
        if area is not None:
            QCoreApplication.sendEvent(area.viewport(), event)  # scroll the page the pointer is over
        return True  # never to the value widget itself


def install() -> None:
    """Guard every value widget of the running application (once; later calls do nothing)."""
    app = QCoreApplication.instance()
    if app is None or app.findChild(WheelGuard) is not None:
        return
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    if isinstance(app, QApplication):
        for widget in app.allWidgets():  # made (and polished) before the guard was installed
            if is_value_widget(widget):
                no_wheel_focus(widget)
